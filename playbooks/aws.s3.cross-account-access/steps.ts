// aws.s3.cross-account-access's step functions (Security Hub S3.6): which statements grant a blocked
// action to another account, and whether those accounts' principals called those actions on the
// bucket in the window. DeleteBucketPolicy, PutBucketAcl, PutBucketPolicy and Put/DeleteBucketEncryption
// are CloudTrail management events; PutObjectAcl is an S3 data event, recorded only when a trail's
// selectors take the bucket's object writes.
//
// The owner's CloudTrail alone cannot prove "no use". AWS documents that CloudTrail always delivers a
// call to the requester's account, and delivers another account's object-level call to the bucket
// owner only when the owner owns the object or has permission for the same action on it (Amazon S3
// User Guide, "Object-level actions in cross-account scenarios"); it does not document delivering
// another account's bucket-level calls to the bucket owner. The bucket's server access logs record
// requests whoever makes them, so "no use" needs the owner's CloudTrail over the whole window AND
// the server access logs for every day of it, neither showing a call through the grants.
import { z } from 'zod'
import { accountOfArn, bucketRequests } from '../../main/controls/s3/requests'
import { bucketName, configOf, noConfig } from '../../main/controls/s3/steps'
import { coverageText, day, inWindow, outcome, plural, windowText } from '../../main/controls/step-common'
import { defineStep, type StepContext, type StepOutcome } from '../../main/controls/step'
import type { SlimRecord } from '../../main/case/cloudtrail-index'
import { blockedActionOf, blockedActionsOfLogOp, crossAccountGrants, grantText, type CrossAccountGrant } from './grants'

const BUCKET = ['aws.s3.bucket'] as const
const inventory = ['aws.inventory' as const]

type Grants = { grants: CrossAccountGrant[]; owner: string; evidence: string[] } | StepOutcome

/** The bucket's grants of blocked actions to other accounts, or the outcome that says why they are unknown. */
function grantsOf(ctx: StepContext): Grants {
  const cfg = configOf(ctx)
  if (!cfg) return noConfig(ctx)
  const { name, policy, account: owner } = cfg.value
  const o = { evidence: [cfg.evidence], sources: inventory }
  if (policy === undefined) return outcome('unknown', `the policy of the bucket ${name} was not collected (GetBucketPolicy failed)`, o)
  if (policy === null) return { grants: [], owner, evidence: cfg.evidence }
  const r = crossAccountGrants(policy, owner)
  if (!r.ok) return outcome('unknown', `the policy of the bucket ${name} cannot be read: ${r.error}`, o)
  return { grants: r.grants, owner, evidence: cfg.evidence }
}

const isOutcome = (g: Grants): g is StepOutcome => 'answer' in g

export const crossAccountGrantsStep = defineStep({
  name: 's3.cross-account-grants',
  summary:
    'whether the bucket policy grants a blocked action (DeleteBucketPolicy, PutBucketAcl, PutBucketPolicy, PutEncryptionConfiguration, PutObjectAcl) to principals of another AWS account, naming the statements',
  resourceTypes: BUCKET,
  params: z.object({}).strict(),
  run: (ctx) => {
    const g = grantsOf(ctx)
    if (isOutcome(g)) return g
    const o = { evidence: [g.evidence], sources: inventory, certainty: 'proven' as const }
    if (!g.grants.length) return outcome('no', `no statement of the policy of ${bucketName(ctx)} grants a blocked action to another account: the fix would change nothing`, o)
    return outcome('yes', g.grants.map(grantText).join('; '), o)
  }
})

/** A call of a blocked action on the bucket, from CloudTrail or from the server access logs. */
interface Call {
  time: string
  /** the event name (CloudTrail) or the operation (access log) */
  name: string
  who: string
  /** the blocked actions the call may be authorized as (one for CloudTrail; REST.PUT.ACL stands for two) */
  actions: string[]
  account: string | null
}

const who = (r: SlimRecord): string => r.identity.issuer ?? r.identity.arn ?? r.identity.type ?? 'unknown'

function callsText(calls: readonly Call[]): string {
  const by = new Map<string, Call[]>()
  for (const c of calls) by.set(c.who, [...(by.get(c.who) ?? []), c])
  return [...by]
    .map(
      ([p, cs]) =>
        `${p} (${plural(cs.length, 'call')}: ${[...new Set(cs.map((c) => c.name))].sort().join(', ')}; last ${day(
          cs
            .map((c) => c.time)
            .sort()
            .pop()
        )})`
    )
    .join('; ')
}

export const blockedActionsUsed = defineStep({
  name: 's3.blocked-actions-used',
  summary:
    "whether principals the cross-account statements name called the blocked actions they grant on the bucket in the window (CloudTrail: management events, and PutObjectAcl data events; the bucket's server access logs); \"no\" needs CloudTrail of the Region over the whole window (for PutObjectAcl, a trail recording the bucket's object writes) and the server access logs for every day of it, since AWS does not document delivering another account's bucket-level calls to the owner's trail",
  resourceTypes: BUCKET,
  params: z.object({}).strict(),
  run: (ctx) => usedOutcome(ctx)
})

function usedOutcome(ctx: StepContext): StepOutcome {
  const g = grantsOf(ctx)
  if (isOutcome(g)) return g
  const name = bucketName(ctx)
  const arn = ctx.finding.resource.id
  const evidence: string[][] = [g.evidence]
  const base = { sources: ['aws.inventory' as const, 'aws.cloudtrail' as const, 'aws.cloudtrail.s3-data' as const, 'aws.s3-access-logs' as const], windowed: true }
  if (!g.grants.length)
    return outcome('no', `the policy of ${name} grants no blocked action to another account: the fix takes nothing away`, { ...base, evidence, certainty: 'proven' })
  const idx = ctx.ev.cloudTrail(g.owner)
  evidence.push(idx.files)
  const calls: Call[] = []
  for (const r of idx.records) {
    if (r.s3?.bucket !== name || !inWindow(r.time, ctx.window)) continue
    const action = blockedActionOf(r.name)
    // a refused call did not get in through the grant
    if (!action || r.error === 'AccessDenied') continue
    calls.push({ time: r.time, name: r.name, who: who(r), actions: [action], account: r.identity.account ?? (r.identity.arn ? accountOfArn(r.identity.arn) : null) })
  }
  // the server access logs: every account's requests to the bucket, bucket-level ones included
  const logged = bucketRequests(ctx.ev, g.owner, name)
  const logFiles = new Set<string>()
  for (const q of logged.requests) {
    if (q.source !== 'aws.s3-access-logs') continue
    logFiles.add(q.file)
    const actions = blockedActionsOfLogOp(q.op)
    if (!actions.length || q.refused || !inWindow(q.time, ctx.window)) continue
    calls.push({ time: q.time, name: q.op, who: q.principal, actions, account: q.anonymous ? null : q.account })
  }
  if (logFiles.size) evidence.push([...logFiles].sort())
  const granted = (c: Call, x: CrossAccountGrant): boolean => c.actions.some((a) => x.actions.includes(a))
  // other accounts named by a statement granting the action they called: the fix refuses them
  const cut = calls.filter(
    (c) => c.account !== g.owner && g.grants.some((x) => granted(c, x) && (x.accounts.includes('*') || (c.account !== null && x.accounts.includes(c.account))))
  )
  if (cut.length)
    return outcome(
      'yes',
      `principals of ${plural(new Set(cut.map((c) => c.account ?? '?')).size, 'other account')} called actions the fix takes away from them on ${name} ${windowText(ctx.window)}: ${callsText(cut)}`,
      { ...base, evidence, certainty: 'proven' }
    )
  const gaps: string[] = []
  // principals of the owner account named by a statement the fix strips: their own IAM policies must allow it
  const own = calls.filter((c) => c.account === g.owner && g.grants.some((x) => x.ownToo && granted(c, x)))
  if (own.length)
    gaps.push(
      `${callsText(own)} of the account called actions a stripped statement also grants them: they keep working only if their own IAM policies allow them (not in the evidence)`
    )
  // a canonical user id or an anonymous requester names no account: it may be one the grant names
  const unknownCaller = calls.filter((c) => c.account === null && g.grants.some((x) => granted(c, x)))
  if (unknownCaller.length) gaps.push(`${plural(unknownCaller.length, 'call')} of a blocked action name no account (${callsText(unknownCaller)})`)
  for (const u of new Set([...idx.unreadable.map((u) => `${u.path}: ${u.why}`), ...logged.unreadable])) gaps.push(u)
  const cov = ctx.ev.coverage('aws.cloudtrail', arn, ctx.window)
  evidence.push(cov.evidence)
  if (cov.state !== 'covered') gaps.push(coverageText(cov, `CloudTrail of ${g.owner}`))
  const objectAcl = g.grants.some((x) => x.actions.includes('s3:PutObjectAcl'))
  if (objectAcl) {
    const data = ctx.ev.coverage('aws.cloudtrail.s3-data', arn, ctx.window)
    evidence.push(data.evidence)
    if (data.state !== 'covered' || data.recording?.writes !== 'all')
      gaps.push(
        `PutObjectAcl is an S3 data event: ${data.state !== 'covered' ? coverageText(data, 'S3 data events (CloudTrail)') : `the trails record ${data.recording?.writes ?? 'unknown'} of the bucket's object writes`}`
      )
  }
  const logs = ctx.ev.coverage('aws.s3-access-logs', arn, ctx.window)
  evidence.push(logs.evidence)
  if (logs.state !== 'covered')
    gaps.push(
      `the owner's CloudTrail is not proof of another account's calls (AWS delivers them to the caller's account, and to the bucket owner only in cases it documents for object-level calls): the bucket's server access logs, which record every account's requests, are needed for every day of the window — ${coverageText(logs, 'server access logs')}`
    )
  if (gaps.length) return outcome('unknown', `no call from another account through the grants was seen, but ${gaps.join('; ')}`, { ...base, evidence })
  return outcome(
    'no',
    `no principal of another account called ${[...new Set(g.grants.flatMap((x) => x.actions))].join(', ')} on ${name} ${windowText(ctx.window)} (CloudTrail covers the whole window${objectAcl ? " and records the bucket's object writes" : ''}; the server access logs hold requests for every day of it, their delivery best-effort)`,
    { ...base, evidence, certainty: 'proven' }
  )
}

export const CROSS_ACCOUNT_STEPS = [crossAccountGrantsStep, blockedActionsUsed]
