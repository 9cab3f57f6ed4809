// Step plumbing of the controls whose finding is "the resource policy grants to anyone" (Lambda
// functions, SQS queues, SNS topics, KMS keys): the resource and its policy as the evidence holds
// it (`resource-policy.config`), and who used what a fix would take away — the callers CloudTrail
// saw (`activity.aws.cloudtrail.calls`), each judged against the statements the fix leaves
// (main/semantics/iam-policy.ts callerAfterFix), with the coverage that makes "nobody" a proof: the
// account's CloudTrail stream in the resource's Region over the whole window, and, for data events
// (Lambda Invoke, SQS and SNS messages), a logging trail whose selectors record this resource's.
import type { ResourceCaller, ResourcePolicyFacet } from '../semantics/facets'
import { callerAfterFix, readResourcePolicy, type PolicyService, type PolicyStatement } from '../semantics/iam-policy'
import { accountResource } from '../semantics/ids'
import { managementReadRecording, resourceDataRecording, type DataResourceType } from '../semantics/trail-selectors'
import { globMatch } from '../semantics/policy-glob'
import { coverageText, outcome, plural, windowText } from './step-common'
import { defineStep, type StepContext, type StepFunction, type StepOutcome } from './step'
import { z } from 'zod'
import type { Evaluation } from '../../shared/contract'
import { accountUnknown, evaluation, listingGapRows, namelessProblems, regionFor } from './evaluation'
import type { AwsAccountInventory, FileState, Item } from '../semantics/inventory'
import { resourcePolicyItem, resourcePolicyVerdict, sqsQueueArn } from '../semantics/inventory-resource-policies'
import { unknown } from '../semantics/verdict'

/** What differs between the four services. */
export interface PolicyServiceSpec {
  service: PolicyService
  /** "Lambda function", "SQS queue"… */
  noun: string
  /** the inventory file that lists them */
  file: string
  /** the data events that record use of the resource, when they are data events */
  dataType: DataResourceType | null
  /** the IAM action a CloudTrail eventName is authorized as */
  actionOf(eventName: string): string
  /** the statement actions whose use CloudTrail never records (Lambda function URL invocations) */
  unlogged?: { action: string; why: string }
  /** the event source whose management READ events record use of the resource (KMS Decrypt, GenerateDataKey…): "nobody" needs a trail recording them */
  managementReads?: string
  /**
   * Set when the resource policy is the only grant (a KMS key policy: IAM policies count only where
   * it names the account): an own-account caller no remaining statement allows is cut off, not
   * "kept by its IAM policies". The sentence says why.
   */
  policyOnly?: string
}

export type PolicyConfig = { value: ResourcePolicyFacet; evidence: string[] }

export function policyConfigOf(ctx: StepContext): PolicyConfig | null {
  return ctx.ev.config(ctx.finding.resource.id, 'resource-policy.config')
}

const inventory = ['aws.inventory' as const]
const cloudtrail = ['aws.cloudtrail' as const]

export function notInEvidence(ctx: StepContext, spec: PolicyServiceSpec): StepOutcome {
  return outcome('unknown', `the ${spec.noun} ${ctx.finding.resource.name ?? ctx.finding.resource.id} is not in the evidence (inventory/${spec.file} of its account)`, {
    sources: inventory
  })
}

/** Does the policy still grant to anyone? yes (naming the statements), no (none or no policy), unknown (not collected or unreadable). */
export function publicPolicyOutcome(ctx: StepContext, spec: PolicyServiceSpec): StepOutcome {
  const cfg = policyConfigOf(ctx)
  if (!cfg) return notInEvidence(ctx, spec)
  const r = cfg.value
  const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: inventory }
  if (r.policy === undefined)
    return outcome('unknown', `the policy of the ${spec.noun} ${r.name} was not collected (no policy key in ${spec.file})`, { evidence: [cfg.evidence], sources: inventory })
  if (r.policy === null) return outcome('no', `the ${spec.noun} ${r.name} has no resource policy: it grants nothing to anyone, and the fix would change nothing`, o)
  if (r.policyError) return outcome('unknown', `the policy of the ${spec.noun} ${r.name} cannot be read: ${r.policyError}`, { evidence: [cfg.evidence], sources: inventory })
  const pub = r.public ?? []
  if (pub.length) return outcome('yes', `the policy of the ${spec.noun} ${r.name} grants to anyone: ${pub.map((g) => g.why).join('; ')}`, o)
  return outcome('no', `no statement of the policy of the ${spec.noun} ${r.name} grants to anyone without a condition that pins the caller: the fix would change nothing`, o)
}

export interface JudgedCaller extends ResourceCaller {
  /** kept: a statement the fix leaves allows it; unknown: only conditional ones name it; cut: none does */
  after: 'kept' | 'unknown' | 'cut'
  /** the remaining statement that allows it (kept, unknown) */
  statement: string | null
  /**
   * kept, a caller of the account: the actions a removed public statement allowed it directly that
   * only a statement naming the account (not the caller) still allows. Such a statement delegates to
   * the account's IAM policies, which are not in the evidence: the caller keeps them only if its own
   * policies allow them.
   */
  throughIam?: string[]
}

export interface PolicyUsage {
  cfg: PolicyConfig
  /** false: the policy grants nothing to anyone (nothing to judge) */
  public: boolean
  callers: JudgedCaller[]
  /** callers past the cap (own-account ones), not judged */
  truncated: boolean
  /** why "nobody" cannot be said: coverage, recording, unlogged paths */
  gaps: string[]
  evidence: string[][]
}

/** The statements the fix leaves: every one but those granting to anyone. */
export function remainingStatements(r: ResourcePolicyFacet): PolicyStatement[] | null {
  if (typeof r.policy !== 'string') return null
  const read = readResourcePolicy(r.service, r.policy)
  if (!read.ok) return null
  const drop = new Set(read.public.map((g) => g.index))
  return read.statements.filter((s) => !drop.has(s.index))
}

function publicStatements(r: ResourcePolicyFacet): PolicyStatement[] {
  if (typeof r.policy !== 'string') return []
  const read = readResourcePolicy(r.service, r.policy)
  if (!read.ok) return []
  const keep = new Set(read.public.map((g) => g.index))
  return read.statements.filter((s) => keep.has(s.index))
}

/** Does the statement name the caller itself (its ARN, a pattern of it, "*"), not only its account? Naming the account delegates to its IAM policies. */
function namesCallerItself(s: PolicyStatement, caller: string, account: string): boolean {
  if (s.principal === null) return false
  if (s.principal === '*') return true
  return Object.values(s.principal).some((list) => list.some((x) => x !== account && !/^arn:aws[a-z-]*:iam::\d{12}:root$/.test(x) && (x === '*' || globMatch(x, caller))))
}

/** The trail changes seen in the window that may have changed what was recorded before them. */
function trailChangesIn(ctx: StepContext, account: string): string[] {
  const f = ctx.ev.config(accountResource(account), 'account.trail-changes.aws.cloudtrail')
  if (!f || !ctx.window) return []
  const from = Date.parse(ctx.window.from) / 1000
  return f.value.changes
    .filter((c) => c.time >= from && ['PutEventSelectors', 'StopLogging', 'StartLogging', 'UpdateTrail', 'DeleteTrail'].includes(c.eventName))
    .map((c) => `${c.eventName} on ${c.trail.split('/').pop()} at ${new Date(c.time * 1000).toISOString().slice(0, 16)}Z by ${c.principal}`)
}

/**
 * Who used the resource in the window, each caller judged against the statements the fix leaves,
 * and what keeps the list from being complete. Null when the resource is not in the evidence.
 */
export function policyUsage(ctx: StepContext, spec: PolicyServiceSpec): PolicyUsage | null {
  const cfg = policyConfigOf(ctx)
  if (!cfg) return null
  const r = cfg.value
  const remaining = remainingStatements(r)
  const evidence: string[][] = [cfg.evidence]
  const gaps: string[] = []
  if (remaining === null) gaps.push(`the policy of ${r.name} ${r.policy === undefined ? 'was not collected' : r.policy === null ? 'does not exist' : 'cannot be read'}`)
  const isPublic = (r.public ?? []).length > 0
  const calls = ctx.ev.config(r.arn, 'activity.aws.cloudtrail.calls')
  if (calls) evidence.push(calls.evidence)
  const from = ctx.window ? Date.parse(ctx.window.from) / 1000 : -Infinity
  const removed = publicStatements(r)
  const callers: JudgedCaller[] = (calls?.value.callers ?? [])
    .filter((c) => c.last >= from)
    .map((c) => {
      if (!remaining) return { ...c, after: 'unknown' as const, statement: null }
      // the worst answer over the actions the caller used
      let after: JudgedCaller['after'] = 'kept'
      let statement: string | null = null
      const throughIam: string[] = []
      const who = { principal: c.principal, account: c.account, kind: c.kind }
      for (const name of c.actions) {
        const action = spec.actionOf(name)
        const j = callerAfterFix(remaining, who, action, r.arn)
        if (j.answer === 'cut' || (j.answer === 'unknown' && after === 'kept')) after = j.answer
        if (j.statement && !statement) statement = `statement ${j.statement.index + 1}${j.statement.sid ? ` (Sid "${j.statement.sid}")` : ''}`
        if (after === 'cut') break
        if (j.answer === 'kept' && c.kind === 'account' && c.account && j.statement && !namesCallerItself(j.statement, c.principal, c.account))
          if (callerAfterFix(removed, who, action, r.arn).answer !== 'cut') throughIam.push(action)
      }
      return { ...c, after, statement: after === 'cut' ? null : statement, ...(after === 'kept' && throughIam.length ? { throughIam } : {}) }
    })

  // CloudTrail brought as Lake/Athena query answers holds no callers per resource: their absence is not "nobody"
  if (ctx.ev.files().some((f) => f.kind === 'aws.cloudtrail-query' && f.path.startsWith(`aws/${r.account}/`)))
    gaps.push(
      `the CloudTrail of ${r.account} is in the evidence as CloudTrail Lake or Athena query answers, which do not say who called the ${spec.noun} (collect the log files, or Event history for management events)`
    )
  // coverage: the stream of the resource's account and Region, the whole window
  const cov = ctx.ev.coverage('aws.cloudtrail', r.arn, ctx.window)
  evidence.push(cov.evidence)
  if (cov.state !== 'covered') gaps.push(coverageText(cov, `CloudTrail of ${r.account} in ${r.region}`))
  // data events: a trail must select this resource's
  if (spec.dataType) {
    const trails = ctx.ev.config(accountResource(r.account), 'account.trails')
    if (!trails) gaps.push(`no trails.json for ${r.account}: whether ${spec.dataType} data events are recorded is unknown`)
    else {
      evidence.push(trails.evidence)
      const rec = resourceDataRecording(trails.value.trails, spec.dataType, { arn: r.arn, account: r.account, region: r.region })
      if (rec.level !== 'all') gaps.push(rec.explanation)
      else {
        const late = trails.value.trails.filter((t) => rec.trails.includes(t.arn) && t.startLogging && ctx.window && t.startLogging > ctx.window.from)
        if (late.length) gaps.push(`${late.map((t) => t.name).join(', ')} started logging only at ${late.map((t) => t.startLogging).join(', ')}, after the window began`)
      }
    }
  }
  // management read events (KMS): a trail may leave them, or the service's, out
  if (spec.managementReads) {
    const trails = ctx.ev.config(accountResource(r.account), 'account.trails')
    if (!trails) gaps.push(`no trails.json for ${r.account}: whether the management read events of ${spec.managementReads} are recorded is unknown`)
    else {
      evidence.push(trails.evidence)
      const rec = managementReadRecording(trails.value.trails, spec.managementReads, { account: r.account, region: r.region })
      if (rec.level !== 'all') gaps.push(rec.explanation)
    }
  }
  const changes = trailChangesIn(ctx, r.account)
  if (changes.length) gaps.push(`the trails changed during the window (${changes.slice(0, 3).join('; ')}): what they recorded before is not known`)
  // paths CloudTrail never records
  if (spec.unlogged && isPublic) {
    const via = publicStatements(r).filter((s) =>
      s.action ? s.action.some((a) => globMatch(a, spec.unlogged!.action, true)) : !s.notAction!.some((a) => globMatch(a, spec.unlogged!.action, true))
    )
    if (via.length)
      gaps.push(
        `${via.map((s) => `statement ${s.index + 1}${s.sid ? ` (Sid "${s.sid}")` : ''}`).join(', ')} allow${via.length === 1 ? 's' : ''} ${spec.unlogged.action}: ${spec.unlogged.why}`
      )
  }
  return { cfg, public: isPublic, callers, truncated: calls?.value.callersTruncated ?? false, gaps, evidence }
}

const dayOf = (epoch: number): string => new Date(epoch * 1000).toISOString().slice(0, 10)

function callerText(c: JudgedCaller): string {
  const who = c.kind === 'anonymous' ? 'anonymous callers' : c.kind === 'service' ? `the service ${c.principal}` : c.principal
  return `${who} (${plural(c.events, 'call')}: ${c.actions.join(', ')}; last ${dayOf(c.last)}${c.errors === c.events ? ', every call refused' : ''})`
}

const OUTSIDE = new Set(['other-account', 'anonymous', 'service'])

/**
 * Did callers from outside the account (another account, anonymous, an AWS service) use what the
 * fix takes away? yes names them (UNSAFE); no needs the whole window recorded; unknown otherwise.
 */
export function outsideCallersOutcome(ctx: StepContext, spec: PolicyServiceSpec): StepOutcome {
  const u = policyUsage(ctx, spec)
  if (!u) return notInEvidence(ctx, spec)
  const o = { evidence: u.evidence, sources: [...inventory, ...cloudtrail], windowed: true }
  const name = u.cfg.value.name
  if (!u.public) return outcome('no', `the policy of ${name} grants nothing to anyone: the fix takes nothing away`, { ...o, certainty: 'proven' })
  // a caller every call of which was refused did not get in through the public grant
  const cut = u.callers.filter((c) => OUTSIDE.has(c.kind) && c.after === 'cut' && c.errors < c.events)
  if (cut.length)
    return outcome(
      'yes',
      `${plural(cut.length, 'caller')} from outside the account used ${name} ${windowText(ctx.window)} and no statement the fix leaves allows them: ${cut.map(callerText).join('; ')}. The fix cuts them off`,
      { ...o, certainty: 'proven' }
    )
  const unsure = u.callers.filter((c) => OUTSIDE.has(c.kind) && c.after === 'unknown')
  if (unsure.length)
    return outcome(
      'unknown',
      `${unsure.map(callerText).join('; ')} used ${name}; only statements with conditions the logs cannot check (${[...new Set(unsure.map((c) => c.statement ?? 'unreadable policy'))].join(', ')}) would still allow them`,
      o
    )
  if (u.gaps.length) return outcome('unknown', `no caller from outside the account is in the evidence, but ${u.gaps.join('; ')}`, o)
  const kept = u.callers.filter((c) => OUTSIDE.has(c.kind))
  return outcome(
    'no',
    `no caller from outside the account that the fix would cut off used ${name} ${windowText(ctx.window)} (CloudTrail covers the whole window${spec.dataType ? `, and a trail records its ${spec.dataType} data events` : ''}${spec.managementReads ? `, and a trail records the management read events of ${spec.managementReads}` : ''})${kept.length ? `; ${kept.map(callerText).join('; ')} keep${kept.length === 1 ? 's' : ''} access through ${[...new Set(kept.map((c) => c.statement))].join(', ')}` : ''}`,
    { ...o, certainty: 'proven' }
  )
}

/**
 * Did callers of the account itself use the resource without a statement the fix leaves naming
 * them? Same-account access is allowed by either policy, so they keep working only if their own
 * IAM policies allow the action — which the evidence does not hold.
 */
export function accountCallersOutcome(ctx: StepContext, spec: PolicyServiceSpec): StepOutcome {
  const u = policyUsage(ctx, spec)
  if (!u) return notInEvidence(ctx, spec)
  const o = { evidence: u.evidence, sources: [...inventory, ...cloudtrail], windowed: true }
  const name = u.cfg.value.name
  if (!u.public) return outcome('no', `the policy of ${name} grants nothing to anyone: the fix takes nothing away`, { ...o, certainty: 'proven' })
  const own = u.callers.filter((c) => c.kind === 'account' && c.errors < c.events)
  const relying = own.filter((c) => c.after !== 'kept')
  const cut = relying.filter((c) => c.after === 'cut')
  if (spec.policyOnly && cut.length)
    return outcome(
      'yes',
      `${cut.map(callerText).join('; ')} of the account used ${name}, and no statement the fix leaves allows ${cut.length === 1 ? 'it' : 'them'}: ${spec.policyOnly}, so the fix cuts ${cut.length === 1 ? 'it' : 'them'} off`,
      { ...o, certainty: 'proven' }
    )
  // kept only through a statement naming the account: their own IAM policies must allow what the public statement allowed directly
  const viaIam = own.filter((c) => c.after === 'kept' && c.throughIam?.length)
  const iamText = (cs: JudgedCaller[]) =>
    `${cs.map((c) => `${callerText(c)}, kept for ${c.throughIam!.join(', ')} only by ${c.statement ?? 'a statement'} naming the account`).join('; ')}: a statement naming the account delegates to its IAM policies, so ${cs.length === 1 ? 'it keeps' : 'they keep'} access only if ${cs.length === 1 ? 'its' : 'their'} own IAM policies allow what the public statement allowed directly (the identity policies are not in the evidence)`
  if (spec.policyOnly && viaIam.length && !relying.length) return outcome('unknown', iamText(viaIam), o)
  if (spec.policyOnly && relying.length)
    return outcome(
      'unknown',
      `${relying.map(callerText).join('; ')} used ${name}; only statements with conditions the logs cannot check (${[...new Set(relying.map((c) => c.statement ?? 'unreadable policy'))].join(', ')}) would still allow them`,
      o
    )
  if (relying.length)
    return outcome(
      'yes',
      `${relying.map(callerText).join('; ')} of the account used ${name}, and no statement the fix leaves names ${relying.length === 1 ? 'it' : 'them'}: ${relying.length === 1 ? 'it keeps' : 'they keep'} working only if ${relying.length === 1 ? 'its' : 'their'} own IAM policies allow ${[...new Set(relying.flatMap((c) => c.actions.map(spec.actionOf)))].join(', ')} (same-account access needs either policy; the identity policies are not in the evidence)`,
      { ...o, certainty: 'inferred' }
    )
  if (viaIam.length) return outcome('yes', iamText(viaIam), { ...o, certainty: 'inferred' })
  if (u.truncated) return outcome('unknown', `more callers of the account used ${name} than the evidence lists`, o)
  if (u.gaps.length) return outcome('unknown', `no caller of the account relying on the public grant is in the evidence, but ${u.gaps.join('; ')}`, o)
  return outcome(
    'no',
    own.length
      ? `the callers of the account that used ${name} (${own.map(callerText).join('; ')}) are named by statements the fix leaves`
      : `no caller of the account used ${name} ${windowText(ctx.window)}`,
    { ...o, certainty: 'proven' }
  )
}

// ---- the three steps, and the evaluator, of one service ------------------------------------------

/** The step functions a resource-policy control's playbook names: `<prefix>.public-policy`, `.outside-callers`, `.account-callers`. */
export function resourcePolicySteps(spec: PolicyServiceSpec, prefix: string, resourceType: string): StepFunction[] {
  const types = [resourceType] as const
  const params = z.object({}).strict()
  return [
    defineStep({
      name: `${prefix}.public-policy`,
      summary: `whether the ${spec.noun}'s policy still grants to anyone (Principal "*" without a condition that pins the caller), naming the statements`,
      resourceTypes: types,
      params,
      run: (ctx) => publicPolicyOutcome(ctx, spec)
    }),
    defineStep({
      name: `${prefix}.outside-callers`,
      summary: `callers from other accounts, anonymous or AWS services that used the ${spec.noun} in the window (CloudTrail) and that no statement the fix leaves allows; "no" needs CloudTrail of its Region over the whole window${spec.dataType ? ` and a trail recording its ${spec.dataType} data events` : ''}${spec.managementReads ? ` and a trail recording the management read events of ${spec.managementReads}` : ''}`,
      resourceTypes: types,
      params,
      run: (ctx) => outsideCallersOutcome(ctx, spec)
    }),
    defineStep({
      name: `${prefix}.account-callers`,
      summary: `callers of the ${spec.noun}'s own account that no statement the fix leaves names: ${spec.policyOnly ? `they are cut off (${spec.policyOnly})` : 'they keep working only through their own IAM permissions'}`,
      resourceTypes: types,
      params,
      run: (ctx) => accountCallersOutcome(ctx, spec)
    })
  ] as StepFunction[]
}

/** Where a resource the file could not read is named: its ARN from the name it gives. */
function arnGuess(service: PolicyService, name: string, account: string, region: string | null): string {
  if (service === 'lambda') return `arn:aws:lambda:${region ?? ''}:${account}:function:${name}`
  if (service === 'sqs') return sqsQueueArn(name) ?? name
  if (service === 'kms') return name.startsWith('arn:') ? name : `arn:aws:kms:${region ?? ''}:${account}:key/${name}`
  if (service === 'opensearch') return `arn:aws:es:${region ?? ''}:${account}:domain/${name}`
  return name
}

/**
 * PASS / FAIL / UNKNOWN per resource of one of the four files: its policy grants to anyone or not
 * (main/semantics/inventory-resource-policies.ts resourcePolicyVerdict), an element that cannot be
 * read UNKNOWN in its place, the whole account UNKNOWN without the file.
 */
export function evaluatePolicyFile(
  control: string,
  spec: Pick<PolicyServiceSpec, 'service' | 'noun'>,
  inv: AwsAccountInventory,
  f: FileState<Array<Item<unknown>>>,
  o: { listing: string; what: string; policyPointer: string }
): Evaluation[] {
  if (f.state !== 'ok') return [accountUnknown(control, inv, f, o.what)]
  const out = namelessProblems(control, inv, f.rel, f.value, o.what)
  const where = regionFor(null, inv)
  const sole = 'region' in where ? where.region : null
  for (const item of f.value) {
    if (!item.ok) {
      if (item.name === null) continue
      out.push(
        evaluation(control, arnGuess(spec.service, item.name, inv.account, sole), unknown(`${f.rel}: ${item.error}`), {
          account: inv.account,
          region: sole,
          evidence: [`${f.rel}#${item.pointer}`]
        })
      )
      continue
    }
    let r: ResourcePolicyFacet
    try {
      r = resourcePolicyItem(spec.service, item.value, f.rel, item.pointer)
    } catch (e) {
      out.push(
        evaluation(control, `${f.rel}#${item.pointer}`, unknown(e instanceof Error ? e.message : String(e)), { account: inv.account, evidence: [`${f.rel}#${item.pointer}`] })
      )
      continue
    }
    const v = resourcePolicyVerdict(spec.service, r.policy, `${spec.noun} ${r.name}`)
    out.push(evaluation(control, r.arn, v, { account: r.account, region: r.region, evidence: [`${f.rel}#${item.pointer}${o.policyPointer}`] }))
  }
  out.push(...listingGapRows(control, inv, o.listing, o.what))
  return out
}
