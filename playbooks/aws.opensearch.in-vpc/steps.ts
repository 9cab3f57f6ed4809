// Step functions of aws.opensearch.in-vpc (Security Hub ES.2 / Opensearch.2): does the domain still
// have a public endpoint, and who calls it there (the domain's audit log: CloudTrail holds only the
// configuration API). A domain created public cannot be placed in a VPC: the fix is a new domain,
// so everyone who calls the public endpoint must move to the new one.
import { z } from 'zod'
import { defineStep, type StepContext, type StepFunction } from '../../main/controls/step'
import { outcome, plural, windowText } from '../../main/controls/step-common'
import { admittedCallers, domainAuditGaps, readDomainAudit } from '../../main/semantics/opensearch-audit'

const TYPES = ['aws.es.domain', 'aws.opensearchservice.domain', 'aws.elasticsearch.domain'] as const
const inventory = ['aws.inventory' as const]
const params = z.object({}).strict()

function domainOf(ctx: StepContext) {
  return ctx.ev.config(ctx.finding.resource.id, 'resource-policy.config')
}

const notInEvidence = (ctx: StepContext) =>
  outcome('unknown', `the domain ${ctx.finding.resource.name ?? ctx.finding.resource.id} is not in the evidence (inventory/opensearch-domains.json of its account)`, {
    sources: inventory
  })

const publicStep = defineStep({
  name: 'opensearch.public-endpoint',
  summary: 'whether the domain still has a public endpoint (no VPCOptions in DescribeDomains), which only a new domain in a VPC can take away',
  resourceTypes: TYPES,
  params,
  run(ctx) {
    const d = domainOf(ctx)
    if (!d) return notInEvidence(ctx)
    const detail = d.value.detail
    const o = { evidence: [d.evidence], certainty: 'proven' as const, sources: inventory }
    if (typeof detail.vpcId === 'string') return outcome('no', `the domain ${d.value.name} is in ${detail.vpcId}: it has no public endpoint, and the finding is stale`, o)
    return outcome(
      'yes',
      `the domain ${d.value.name} has a public endpoint${typeof detail.endpoint === 'string' ? ` (${detail.endpoint})` : ''}: a domain created public cannot be placed in a VPC, only replaced by a new one`,
      o
    )
  }
})

const callersStep = defineStep({
  name: 'opensearch.endpoint-callers',
  summary:
    "who called the domain's public endpoint and got in, by address and user (its audit log: CloudTrail holds only the configuration API); each must move to the new domain's VPC endpoint and reach the VPC",
  resourceTypes: TYPES,
  params,
  run(ctx) {
    const d = domainOf(ctx)
    if (!d) return notInEvidence(ctx)
    const r = d.value
    const path = `aws/${r.account}/opensearch-audit/${r.name}/`
    const a = readDomainAudit(ctx.ev.files(), (id) => ctx.ev.bytes(id), r.account, r.name, ctx.window ? Date.parse(ctx.window.from) : -Infinity)
    const evidence = a ? [d.evidence, a.files] : [d.evidence]
    const o = { evidence, sources: [...inventory, 'aws.opensearch.audit' as const], windowed: true }
    const callers = a ? admittedCallers(a) : []
    if (callers.length)
      return outcome(
        'yes',
        `${plural(callers.length, 'caller')} used ${r.name} ${windowText(ctx.window)}: ${callers
          .slice(0, 8)
          .map((c) => `${c.user ?? 'an unnamed user'} from ${c.address ?? 'an unrecorded address'} (${plural(c.requests, 'request')})`)
          .join(
            '; '
          )}${callers.length > 8 ? `; and ${callers.length - 8} more` : ''}. Each must be moved to the new domain's endpoint, from inside the VPC or through a VPN, peering or a proxy`,
        { ...o, certainty: 'proven' }
      )
    const gaps = domainAuditGaps(r.name, path, r.detail, a, ctx.window)
    if (gaps.length) return outcome('unknown', `who calls ${r.name} cannot be shown: ${gaps.join('; ')}`, o)
    return outcome('no', `no caller got into ${r.name} ${windowText(ctx.window)} (the audit log covers every day and records the requests that got in)`, {
      ...o,
      certainty: 'proven'
    })
  }
})

export const IN_VPC_STEPS = [publicStep, callersStep] as StepFunction[]
