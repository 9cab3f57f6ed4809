// aws.opensearch.public-access-policy (Prowler opensearch_service_domains_not_publicly_accessible)
// over a bundle: each domain of inventory/opensearch-domains.json (DescribeDomains) FAILs when it has
// a public endpoint and its access policy grants to anyone without a condition pinning the caller,
// as Prowler reads it: a domain in a VPC (VPCOptions.VPCId) PASSes whatever its policy, having no
// public endpoint.
import type { Evaluation } from '../../shared/contract'
import type { EvaluationContext } from '../../main/controls/evaluation'
import { evaluatePolicyFile } from '../../main/controls/resource-policy'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { OPENSEARCH } from './steps'

export const CONTROL = 'aws.opensearch.public-access-policy'

export function evaluateOpenSearchPublicPolicy(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const f = inv.opensearchDomains
  const rows = evaluatePolicyFile(CONTROL, OPENSEARCH, inv, f, { listing: 'ListDomainNames', what: 'the OpenSearch domains', policyPointer: '/AccessPolicies' })
  if (f.state !== 'ok') return rows
  const inVpc = new Map<string, { vpc: string; pointer: string }>()
  for (const item of f.value) if (item.ok && item.value.VPCOptions?.VPCId) inVpc.set(item.value.ARN, { vpc: item.value.VPCOptions.VPCId, pointer: item.pointer })
  return rows.map((e) => {
    const v = inVpc.get(e.resource)
    if (!v || e.status === 'UNKNOWN') return e
    return {
      ...e,
      status: 'PASS',
      reason: `the domain is in ${v.vpc}: it has no public endpoint, whatever its access policy allows`,
      evidence: [`${f.rel}#${v.pointer}/VPCOptions`]
    }
  })
}
