// aws.s3.cross-account-access's step functions (Security Hub S3.6): which statements grant a blocked
// action to another account, and whether those accounts' principals called those actions on the
// bucket in the window. DeleteBucketPolicy, PutBucketAcl, PutBucketPolicy and Put/DeleteBucketEncryption
// are CloudTrail management events; PutObjectAcl is an S3 data event, recorded only when a trail's
// selectors take the bucket's object writes. "No use" needs that recording over the whole window.
import { z } from 'zod'
import { accountOfArn } from '../../main/controls/s3/requests'
import { bucketName, configOf, noConfig } from '../../main/controls/s3/steps'
import { coverageText, day, inWindow, outcome, plural, windowText } from '../../main/controls/step-common'
import { defineStep, type StepContext, type StepOutcome } from '../../main/controls/step'
import type { SlimRecord } from '../../main/case/cloudtrail-index'
import { blockedActionOf, crossAccountGrants, grantText, type CrossAccountGrant } from './grants'

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

interface Call {
  record: SlimRecord
  action: string
  account: string | null
}

const who = (r: SlimRecord): string => r.identity.issuer ?? r.identity.arn ?? r.identity.type ?? 'unknown'

function callsText(calls: readonly Call[]): string {
  const by = new Map<string, Call[]>()
  for (const c of calls) by.set(who(c.record), [...(by.get(who(c.record)) ?? []), c])
  return [...by]
    .map(
      ([p, cs]) =>
        `${p} (${plural(cs.length, 'call')}: ${[...new Set(cs.map((c) => c.record.name))].sort().join(', ')}; last ${day(
          cs
            .map((c) => c.record.time)
            .sort()
            .pop()
        )})`
    )
    .join('; ')
}

export const blockedActionsUsed = defineStep({
  name: 's3.blocked-actions-used',
  summary:
    'whether principals the cross-account statements name called the blocked actions they grant on the bucket in the window (CloudTrail: management events, and PutObjectAcl data events); "no" needs CloudTrail of the Region over the whole window and, for PutObjectAcl, a trail recording the bucket\'s object writes',
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
  const base = { sources: ['aws.inventory' as const, 'aws.cloudtrail' as const, 'aws.cloudtrail.s3-data' as const], windowed: true }
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
    calls.push({ record: r, action, account: r.identity.account ?? (r.identity.arn ? accountOfArn(r.identity.arn) : null) })
  }
  // other accounts named by a statement granting the action they called: the fix refuses them
  const cut = calls.filter(
    (c) => c.account !== g.owner && g.grants.some((x) => x.actions.includes(c.action) && (x.accounts.includes('*') || (c.account !== null && x.accounts.includes(c.account))))
  )
  if (cut.length)
    return outcome(
      'yes',
      `principals of ${plural(new Set(cut.map((c) => c.account ?? '?')).size, 'other account')} called actions the fix takes away from them on ${name} ${windowText(ctx.window)}: ${callsText(cut)}`,
      { ...base, evidence, certainty: 'proven' }
    )
  const gaps: string[] = []
  // principals of the owner account named by a statement the fix strips: their own IAM policies must allow it
  const own = calls.filter((c) => c.account === g.owner && g.grants.some((x) => x.ownToo && x.actions.includes(c.action)))
  if (own.length)
    gaps.push(
      `${callsText(own)} of the account called actions a stripped statement also grants them: they keep working only if their own IAM policies allow them (not in the evidence)`
    )
  const unknownCaller = calls.filter((c) => c.account === null)
  if (unknownCaller.length) gaps.push(`${plural(unknownCaller.length, 'call')} of a blocked action name no account (${callsText(unknownCaller)})`)
  for (const u of idx.unreadable) gaps.push(`${u.path}: ${u.why}`)
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
  if (gaps.length) return outcome('unknown', `no call from another account through the grants was seen, but ${gaps.join('; ')}`, { ...base, evidence })
  return outcome(
    'no',
    `no principal of another account called ${[...new Set(g.grants.flatMap((x) => x.actions))].join(', ')} on ${name} ${windowText(ctx.window)} (CloudTrail covers the whole window${objectAcl ? " and records the bucket's object writes" : ''})`,
    { ...base, evidence, certainty: 'proven' }
  )
}

export const CROSS_ACCOUNT_STEPS = [crossAccountGrantsStep, blockedActionsUsed]
