// Step functions of aws.guardduty.iam-credential-threat: which credential the access key is (an IAM
// user's long-term key, or a role session's temporary one), who else signs calls with it (CloudTrail
// records of the key id in the window, apart from GuardDuty's anomalous calls and caller addresses),
// and — for a role session — which other sessions of the role revoking its older sessions stops.
//
// CloudTrail proves use, never disuse, of a credential: calls on data (S3 objects, DynamoDB items,
// Lambda invocations, SQS messages…) are data events, which no management-event log holds and a
// trail records only for the resource types and resources its data-event selectors name. A workload
// that only reads or writes data with the key leaves nothing in the log, so "nothing else signs with
// it" stays unknown however complete the management events are (the credential report's last use,
// which counts every request, is the attacker's own call here and says nothing of the days before).
import { z } from 'zod'
import type { SlimRecord } from '../../main/case/cloudtrail-index'
import { accountTrail, addressesText, callsText } from '../../main/controls/cloudtrail-account'
import { reportsOf } from '../../main/controls/guardduty'
import { defineStep, type StepContext } from '../../main/controls/step'
import { inWindow, outcome, plural, windowText } from '../../main/controls/step-common'
import type { GuardDutyReport } from '../../main/semantics/guardduty-finding'

const KEY = ['aws.iam.access-key'] as const
const trail = ['aws.cloudtrail' as const]

export interface KeyCredential {
  keyId: string
  /** user: an IAM user's long-term key (deactivated); role: a role session's temporary key (older sessions revoked); root; unknown */
  kind: 'user' | 'role' | 'root' | 'unknown'
  /** the user or role name GuardDuty gives */
  principal: string | null
  report: GuardDutyReport
}

/** The credential the finding is about, from GuardDuty's report of it (PrincipalType, and the key id's prefix). */
export function credentialOf(r: GuardDutyReport): KeyCredential | null {
  if (!r.accessKeyId) return null
  const t = (r.principalType ?? '').toLowerCase()
  const kind = t === 'iamuser' ? 'user' : t === 'assumedrole' ? 'role' : t === 'root' ? 'root' : /^AKIA/.test(r.accessKeyId) ? 'user' : 'unknown'
  return { keyId: r.accessKeyId, kind, principal: r.principalName, report: r }
}

function credential(ctx: StepContext): KeyCredential | null {
  for (const r of reportsOf(ctx)) {
    const c = credentialOf(r)
    if (c) return c
  }
  return null
}

/** Why no other call in the log is not "no other use" (see the top of this file). */
const DATA_PLANE =
  'calls on data (S3 objects, DynamoDB items, Lambda invocations, SQS messages…) are data events, which management events never hold and a trail records only for the resources its data-event selectors name: a workload that only reads or writes data with the credential would not be in the log'

const noKey = () =>
  outcome('unknown', "no alert of the finding is a GuardDuty record naming the access key (ASFF's AwsIamAccessKey resource): which credential it is is not in the case", {})

/** The API names GuardDuty calls anomalous: "ssm.amazonaws.com:[DescribeInstanceInformation:success , …] , …". */
export function anomalousApis(r: GuardDutyReport): Set<string> {
  const out = new Set<string>()
  for (const m of (r.anomalousApis ?? '').matchAll(/([A-Za-z0-9]+):(?:success|failure|failed)/g)) out.add(m[1])
  if (r.api) out.add(r.api)
  return out
}

/** The key's calls in the window, split into GuardDuty's (its caller addresses or the anomalous APIs) and the others. */
function keyCalls(ctx: StepContext, c: KeyCredential, account: string) {
  const t = accountTrail(ctx, account)
  const calls = t.index.records.filter((r) => r.identity.accessKeyId === c.keyId && inWindow(r.time, ctx.window))
  const ips = new Set(c.report.remoteIps)
  const apis = anomalousApis(c.report)
  const threat = (r: SlimRecord) => (r.ip !== null && ips.has(r.ip)) || apis.has(r.name)
  return { t, calls, theirs: calls.filter(threat), others: calls.filter((r) => !threat(r)) }
}

const keyKind = defineStep({
  name: 'guardduty.access-key-kind',
  summary:
    "which credential the key is: an IAM user's long-term key (the response deactivates it) or a role session's temporary key (the response revokes the role's older sessions)",
  resourceTypes: KEY,
  params: z.object({}).strict(),
  run(ctx) {
    const c = credential(ctx)
    if (!c) return noKey()
    const o = { evidence: [[c.report.alert]], certainty: 'proven' as const }
    if (c.kind === 'user') return outcome('yes', `${c.keyId} is a long-term access key of the IAM user ${c.principal ?? '(name not given)'}: the response deactivates it`, o)
    if (c.kind === 'role')
      return outcome(
        'no',
        `${c.keyId} is a temporary key of a session of the role ${c.principal ?? '(name not given)'}: it cannot be deactivated; the response revokes every session of the role issued before now`,
        o
      )
    return outcome('unknown', `GuardDuty gives ${c.keyId} the principal type ${c.report.principalType ?? '(none)'}: neither an IAM user's key nor a role session's`, o)
  }
})

const otherCalls = defineStep({
  name: 'guardduty.key-other-calls',
  summary:
    'calls signed with the key in the window other than GuardDuty\'s anomalous ones (its APIs, or from the addresses it names), from CloudTrail with every Region covered: a workload using the key ("yes"); none in the log is "unknown", never "no", since calls on data need not be in it',
  resourceTypes: KEY,
  params: z.object({}).strict(),
  run(ctx) {
    const c = credential(ctx)
    if (!c) return noKey()
    const account = ctx.finding.resource.account
    if (!account) return outcome('unknown', 'the finding names no AWS account, so no CloudTrail can be read for the key', { sources: trail })
    const { t, calls, theirs, others } = keyCalls(ctx, c, account)
    const o = { evidence: [t.evidence, t.index.files], sources: trail, windowed: true }
    const seen = theirs.length ? `; GuardDuty's anomalous calls are in the log too (${callsText(theirs, 4)}, ${addressesText(theirs, 3)})` : ''
    if (others.length) {
      const agents = others.length
      return outcome(
        'yes',
        `${plural(agents, 'call')} signed with ${c.keyId} ${windowText(ctx.window)} are not GuardDuty's anomalous ones: ${callsText(others)}, ${addressesText(others)}, the last on ${others[others.length - 1].time.slice(0, 10)} — something else uses the key, and the response stops it${seen}`,
        { ...o, certainty: 'proven' }
      )
    }
    if (t.gaps.length)
      return outcome(
        'unknown',
        `${calls.length ? `only GuardDuty's calls are in the log (${callsText(calls, 4)})` : `no call signed with ${c.keyId} is in the log`}, but ${t.gaps.join('; ')}`,
        o
      )
    return outcome(
      'unknown',
      `${calls.length ? `the only calls signed with ${c.keyId} in the log are GuardDuty's anomalous ones (${callsText(calls, 4)}, ${addressesText(calls, 3)})` : `no call signed with ${c.keyId} is in the log`} ${windowText(ctx.window)}, with CloudTrail covering ${t.covered.join(', ')} the whole window; but ${DATA_PLANE}`,
      o
    )
  }
})

const roleSessions = defineStep({
  name: 'guardduty.role-other-sessions',
  summary:
    "for a role session's key: other sessions of the role that called AWS in the window (revoking the role's older sessions stops them until they take new credentials; none in the log is \"unknown\", since calls on data need not be in it); an IAM user's key touches no other credential",
  resourceTypes: KEY,
  params: z.object({}).strict(),
  run(ctx) {
    const c = credential(ctx)
    if (!c) return noKey()
    if (c.kind === 'user')
      return outcome('no', `${c.keyId} is an IAM user's key: deactivating it touches no other credential (the user's other keys and password keep working)`, {
        evidence: [[c.report.alert]],
        certainty: 'proven'
      })
    if (c.kind !== 'role' || !c.principal) return outcome('unknown', `the role behind ${c.keyId} is not named by GuardDuty's record`, { evidence: [[c.report.alert]] })
    const account = ctx.finding.resource.account
    if (!account) return outcome('unknown', 'the finding names no AWS account, so no CloudTrail can be read for the role', { sources: trail })
    const t = accountTrail(ctx, account)
    const prefix = `:assumed-role/${c.principal}/`
    const others = t.index.records.filter((r) => r.identity.arn?.includes(prefix) && r.identity.accessKeyId !== c.keyId && inWindow(r.time, ctx.window))
    const o = { evidence: [[c.report.alert], t.evidence, t.index.files], sources: trail, windowed: true }
    if (others.length) {
      const sessions = [...new Set(others.map((r) => r.identity.arn!.split('/').pop()))].sort()
      return outcome(
        'yes',
        `${plural(sessions.length, 'other session')} of the role ${c.principal} called AWS ${windowText(ctx.window)} (${sessions.slice(0, 5).join(', ')}${sessions.length > 5 ? ', …' : ''}: ${callsText(others, 4)}, ${addressesText(others, 3)}): revoking the role's older sessions stops them until they take new credentials`,
        { ...o, certainty: 'proven' }
      )
    }
    if (t.gaps.length) return outcome('unknown', `no other session of the role ${c.principal} is in the log, but ${t.gaps.join('; ')}`, o)
    return outcome(
      'unknown',
      `no other session of the role ${c.principal} is in the log ${windowText(ctx.window)} (CloudTrail covers ${t.covered.join(', ')} the whole window); but ${DATA_PLANE}`,
      o
    )
  }
})

export const GUARDDUTY_IAM_STEPS = [keyKind, otherCalls, roleSessions]
