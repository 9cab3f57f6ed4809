// aws.opensearch.in-vpc (Security Hub ES.2 / Opensearch.2, Config elasticsearch-in-vpc-only /
// opensearch-in-vpc-only) over a bundle: each domain of inventory/opensearch-domains.json PASSes
// when DescribeDomains gives it VPCOptions.VPCId, FAILs otherwise (a public endpoint).
import type { Evaluation } from '../../shared/contract'
import { accountUnknown, evaluation, listingGapRows, namelessProblems, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { fail, pass, unknown } from '../../main/semantics/verdict'

const CONTROL = 'aws.opensearch.in-vpc'

export function evaluateOpenSearchInVpc(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const f = inv.opensearchDomains
  if (f.state !== 'ok') return [accountUnknown(CONTROL, inv, f, 'the OpenSearch domains')]
  const out = namelessProblems(CONTROL, inv, f.rel, f.value, 'the OpenSearch domains')
  for (const item of f.value) {
    if (!item.ok) {
      if (item.name !== null)
        out.push(evaluation(CONTROL, `${f.rel}#${item.pointer}`, unknown(`${f.rel}: ${item.error}`), { account: inv.account, evidence: [`${f.rel}#${item.pointer}`] }))
      continue
    }
    const d = item.value
    const region = d.ARN.split(':')[3] || null
    const vpc = d.VPCOptions?.VPCId
    out.push(
      evaluation(CONTROL, d.ARN, vpc ? pass(`the domain is in ${vpc}`) : fail(`the domain ${d.DomainName} has a public endpoint (no VPCOptions)`), {
        account: inv.account,
        region,
        evidence: [`${f.rel}#${item.pointer}${vpc ? '/VPCOptions' : ''}`]
      })
    )
  }
  out.push(...listingGapRows(CONTROL, inv, 'ListDomainNames', 'the OpenSearch domains'))
  return out
}
