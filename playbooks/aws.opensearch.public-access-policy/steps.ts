// Step functions of aws.opensearch.public-access-policy. The access policy is read and fixed with the
// resource-policy kit (main/controls/resource-policy.ts); who uses the domain is NOT in CloudTrail
// (it records the configuration API only), so the callers come from the domain's audit log
// (main/semantics/opensearch-audit.ts), each judged against the statements the fix leaves: an
// unsigned request (an internal user's login, Dashboards) is anonymous to the policy and kept only
// by a statement for everyone whose aws:SourceIp covers its address; a signed one by a statement
// naming its principal.
import { z } from 'zod'
import { defineStep, type StepContext, type StepFunction, type StepOutcome } from '../../main/controls/step'
import { outcome, plural, windowText } from '../../main/controls/step-common'
import { notInEvidence, policyConfigOf, publicPolicyOutcome, remainingStatements, type PolicyConfig, type PolicyServiceSpec } from '../../main/controls/resource-policy'
import { callerAfterFix, type PolicyStatement } from '../../main/semantics/iam-policy'
import { globMatch } from '../../main/semantics/policy-glob'
import { IAM_ARN, admittedCallers, domainAuditGaps, readDomainAudit, unsignedAfterFix, type DomainAudit, type DomainCaller } from '../../main/semantics/opensearch-audit'

/**
 * The resource types the exports give an OpenSearch or Elasticsearch domain: aws.es.domain from its
 * ARN (arn:aws:es:<region>:<account>:domain/<name>, what Prowler and ASFF give), and the tools' own
 * type names when only a name is given (AwsOpenSearchServiceDomain, AwsElasticsearchDomain).
 */
export const DOMAIN_TYPES = ['aws.es.domain', 'aws.opensearchservice.domain', 'aws.elasticsearch.domain'] as const

export const OPENSEARCH: PolicyServiceSpec = {
  service: 'opensearch',
  noun: 'OpenSearch domain',
  file: 'opensearch-domains.json',
  // never read: the domain's HTTP API is not in CloudTrail (the audit log is read instead)
  dataType: null,
  actionOf: (eventName) => `es:${eventName}`
}

const inventory = ['aws.inventory' as const]
const audit = ['aws.opensearch.audit' as const]
const params = z.object({}).strict()

const detail = (cfg: PolicyConfig) => cfg.value.detail
const auditPath = (cfg: PolicyConfig) => `aws/${cfg.value.account}/opensearch-audit/${cfg.value.name}/`

const publicStep = defineStep({
  name: 'opensearch.public-policy',
  summary:
    'whether the domain has a public endpoint (no VPCOptions) and an access policy statement granting to anyone without a condition that pins the caller (aws:SourceIp narrower than /8, an organization key…), naming the statements',
  resourceTypes: DOMAIN_TYPES,
  params,
  run(ctx) {
    const cfg = policyConfigOf(ctx)
    if (!cfg) return notInEvidence(ctx, OPENSEARCH)
    const vpc = detail(cfg).vpcId
    if (typeof vpc === 'string')
      return outcome(
        'no',
        `the domain ${cfg.value.name} is in ${vpc}: it has no public endpoint, so its access policy admits only callers that reach the VPC (Prowler passes a domain in a VPC); the fix would change nothing`,
        { evidence: [cfg.evidence], certainty: 'proven', sources: inventory }
      )
    return publicPolicyOutcome(ctx, OPENSEARCH)
  }
})

const loginStep = defineStep({
  name: 'opensearch.login-required',
  summary:
    'whether fine-grained access control makes every request that passes the access policy still log in (internal user database, IAM, SAML or Cognito), or lets anonymous requests in',
  resourceTypes: DOMAIN_TYPES,
  params,
  run(ctx) {
    const cfg = policyConfigOf(ctx)
    if (!cfg) return notInEvidence(ctx, OPENSEARCH)
    const d = detail(cfg)
    const o = { evidence: [cfg.evidence], sources: inventory }
    const name = cfg.value.name
    if (d.fgac === undefined)
      return outcome('unknown', `the fine-grained access control of ${name} is not in the evidence (no AdvancedSecurityOptions in opensearch-domains.json)`, o)
    if (d.fgac !== true)
      return outcome(
        'no',
        `${name} has no fine-grained access control: a request the access policy admits reads and writes every index with no login, so a statement for everyone lets ${typeof d.vpcId === 'string' ? `anyone who reaches ${d.vpcId}` : 'anyone on the internet'} at its data`,
        { ...o, certainty: 'proven' }
      )
    if (d.anonymousAuth === true)
      return outcome('no', `fine-grained access control of ${name} allows anonymous authentication: requests without credentials get the anonymous role's permissions`, {
        ...o,
        certainty: 'proven'
      })
    const reach = typeof d.vpcId === 'string' ? `anyone who reaches ${d.vpcId}` : 'anyone on the internet'
    return outcome(
      'yes',
      `fine-grained access control of ${name} is on${d.internalUserDatabase === true ? ' with the internal user database' : ''}: a request the open policy admits must still log in. That is not closed: ${reach} reaches the login (and the Dashboards sign-in page) and can try credentials, and every internal user's access passes through the statement for everyone`,
      { ...o, certainty: 'proven' }
    )
  }
})

interface Usage {
  cfg: PolicyConfig
  audit: DomainAudit | null
  callers: Array<DomainCaller & { after: 'kept' | 'unknown' | 'cut'; statement: string | null; account: string | null }>
  /** why the log cannot show every request of the window; [] when it can */
  gaps: string[]
  evidence: string[][]
}

const statementName = (s: PolicyStatement | null) => (s ? `statement ${s.index + 1}${s.sid ? ` (Sid "${s.sid}")` : ''}` : null)

/** Does the statement name the principal itself (its ARN or a pattern of it), not only its account? Naming the account delegates to its IAM policies. */
function namesItself(s: PolicyStatement, principal: string): boolean {
  if (s.principal === null || s.principal === '*') return false
  return Object.values(s.principal).some((l) => l.some((x) => x !== '*' && !/^\d{12}$/.test(x) && !/:root$/.test(x) && globMatch(x, principal)))
}

function usageOf(ctx: StepContext): Usage | null {
  const cfg = policyConfigOf(ctx)
  if (!cfg) return null
  const r = cfg.value
  const d = detail(cfg)
  const from = ctx.window ? Date.parse(ctx.window.from) : -Infinity
  const a = readDomainAudit(ctx.ev.files(), (id) => ctx.ev.bytes(id), r.account, r.name, from)
  const evidence: string[][] = [cfg.evidence]
  if (a) evidence.push(a.files)
  const gaps = domainAuditGaps(r.name, auditPath(cfg), d, a, ctx.window)
  const remaining = remainingStatements(r)
  if (remaining === null) gaps.push(`the access policy of ${r.name} cannot be read`)
  const callers = (a ? admittedCallers(a) : []).map((c) => {
    const account = c.signed ? IAM_ARN.exec(c.user!)![2] : null
    if (!remaining) return { ...c, account, after: 'unknown' as const, statement: null }
    let after: 'kept' | 'unknown' | 'cut' = 'kept'
    let statement: string | null = null
    // every action on every path it used must still be allowed (an index-scoped statement admits only its indices)
    for (const { action, path } of c.uses) {
      const resource = `${r.arn}/${path.replace(/^\//, '')}`
      let j: { answer: 'kept' | 'unknown' | 'cut'; statement: PolicyStatement | null }
      if (!c.signed) j = unsignedAfterFix(remaining, c.address, action, resource)
      else {
        j = callerAfterFix(remaining, { principal: c.user!, account, kind: account === r.account ? 'account' : 'other-account' }, action, resource)
        // a statement naming only the account delegates to the account's IAM policies: not proven kept
        if (j.answer === 'kept' && account === r.account && j.statement && !namesItself(j.statement, c.user!)) j = { answer: 'cut', statement: null }
      }
      if (j.answer === 'cut' || (j.answer === 'unknown' && after === 'kept')) after = j.answer
      statement ??= statementName(j.statement)
      if (after === 'cut') break
    }
    return { ...c, account, after, statement: after === 'cut' ? null : statement }
  })
  return { cfg, audit: a, callers, gaps, evidence }
}

/** Why the fix takes nothing away (no public endpoint, or no statement for anyone), or null. */
function nothingTaken(cfg: PolicyConfig): string | null {
  const vpc = detail(cfg).vpcId
  if (typeof vpc === 'string') return `${cfg.value.name} is in ${vpc} with no public endpoint: there is no public fix to make`
  if (!(cfg.value.public ?? []).length) return `the access policy of ${cfg.value.name} grants nothing to anyone: the fix takes nothing away`
  return null
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const callerText = (c: DomainCaller) =>
  `${c.user ?? 'an unnamed user'} from ${c.address ?? 'an unrecorded address'} (${plural(c.requests, 'request')}: ${c.actions.join(', ')}${c.paths.length ? ` on ${c.paths.join(', ')}` : ''}; last ${dayOf(c.last)})`

const auditStep = defineStep({
  name: 'opensearch.audit-complete',
  summary:
    "whether the domain's audit log (the only record of its HTTP API: CloudTrail holds the configuration API alone) is in the evidence for every day of the window and records the requests that got in (AUTHENTICATED or GRANTED_PRIVILEGES events)",
  resourceTypes: DOMAIN_TYPES,
  params,
  run(ctx) {
    const u = usageOf(ctx)
    if (!u) return notInEvidence(ctx, OPENSEARCH)
    const o = { evidence: u.evidence, sources: [...inventory, ...audit], windowed: true }
    if (u.gaps.length)
      return outcome(u.audit ? 'no' : 'unknown', `who calls ${u.cfg.value.name} cannot be shown in full: ${u.gaps.join('; ')}`, u.audit ? { ...o, certainty: 'proven' } : o)
    return outcome(
      'yes',
      `the audit log of ${u.cfg.value.name} (${auditPath(u.cfg)}) holds events on every day ${windowText(ctx.window)}, the requests that got in among them (${plural(u.audit!.requests.length, 'REST request')})`,
      { ...o, certainty: 'proven' }
    )
  }
})

const outsideStep = defineStep({
  name: 'opensearch.outside-callers',
  summary:
    'callers in the audit log that got in and that no statement the fix leaves admits: unsigned requests (internal users, Dashboards) from addresses no remaining aws:SourceIp statement covers, and IAM principals of other accounts no remaining statement names',
  resourceTypes: DOMAIN_TYPES,
  params,
  run(ctx): StepOutcome {
    const u = usageOf(ctx)
    if (!u) return notInEvidence(ctx, OPENSEARCH)
    const o = { evidence: u.evidence, sources: [...inventory, ...audit], windowed: true }
    const name = u.cfg.value.name
    const none = nothingTaken(u.cfg)
    if (none) return outcome('no', none, { ...o, certainty: 'proven' })
    const outside = u.callers.filter((c) => !c.signed || c.account !== u.cfg.value.account)
    const cut = outside.filter((c) => c.after === 'cut')
    if (cut.length)
      return outcome(
        'yes',
        `${plural(cut.length, 'caller')} used ${name} ${windowText(ctx.window)} and no statement the fix leaves admits them: ${cut.slice(0, 6).map(callerText).join('; ')}${cut.length > 6 ? `; and ${cut.length - 6} more` : ''}. The fix cuts them off`,
        { ...o, certainty: 'proven' }
      )
    const unsure = outside.filter((c) => c.after === 'unknown')
    if (unsure.length)
      return outcome(
        'unknown',
        `${unsure.map(callerText).join('; ')} used ${name}; only statements with conditions the audit log cannot check (${[...new Set(unsure.map((c) => c.statement ?? 'unreadable policy'))].join(', ')}) would still admit them`,
        o
      )
    if (u.gaps.length) return outcome('unknown', `no caller the fix would cut off is in the audit log, but ${u.gaps.join('; ')}`, o)
    return outcome(
      'no',
      `no caller the fix would cut off used ${name} ${windowText(ctx.window)} (the audit log covers every day and records the requests that got in)${outside.length ? `; ${outside.map(callerText).join('; ')} keep${outside.length === 1 ? 's' : ''} access through ${[...new Set(outside.map((c) => c.statement))].join(', ')}` : ''}`,
      { ...o, certainty: 'proven' }
    )
  }
})

const accountStep = defineStep({
  name: 'opensearch.account-callers',
  summary:
    "IAM principals of the domain's own account in the audit log that no statement the fix leaves names: they keep working only through their own IAM policies (same-account access needs either policy), which the evidence does not hold",
  resourceTypes: DOMAIN_TYPES,
  params,
  run(ctx): StepOutcome {
    const u = usageOf(ctx)
    if (!u) return notInEvidence(ctx, OPENSEARCH)
    const o = { evidence: u.evidence, sources: [...inventory, ...audit], windowed: true }
    const name = u.cfg.value.name
    const none = nothingTaken(u.cfg)
    if (none) return outcome('no', none, { ...o, certainty: 'proven' })
    const own = u.callers.filter((c) => c.signed && c.account === u.cfg.value.account)
    const relying = own.filter((c) => c.after !== 'kept')
    if (relying.length)
      return outcome(
        'yes',
        `${relying.map(callerText).join('; ')} of the account used ${name}, and no statement the fix leaves names ${relying.length === 1 ? 'it' : 'them'}: ${relying.length === 1 ? 'it keeps' : 'they keep'} working only if ${relying.length === 1 ? 'its' : 'their'} own IAM policies allow ${[...new Set(relying.flatMap((c) => c.actions))].join(', ')} on the domain (the identity policies are not in the evidence)`,
        { ...o, certainty: 'inferred' }
      )
    if (u.gaps.length) return outcome('unknown', `no caller of the account relying on the public statement is in the audit log, but ${u.gaps.join('; ')}`, o)
    return outcome(
      'no',
      own.length
        ? `the callers of the account that used ${name} (${own.map(callerText).join('; ')}) are named by statements the fix leaves`
        : `no IAM principal of the account used ${name} ${windowText(ctx.window)}`,
      { ...o, certainty: 'proven' }
    )
  }
})

export const OPENSEARCH_STEPS = [publicStep, loginStep, auditStep, outsideStep, accountStep] as StepFunction[]
