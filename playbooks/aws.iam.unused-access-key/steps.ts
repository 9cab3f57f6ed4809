// Step functions for unused IAM access keys (aws.iam.unused-access-key): which active keys the fix
// would deactivate (the control evaluator's reading of the credential report), whether the finding
// is (also) about an idle console password the fix does not touch, whether those keys
// were used in the window after all (credential report, CloudTrail), and whether the user is a
// machine whose automation depends on them.
import { z } from 'zod'
import { accessKeyState, accessKeyVerdict } from './evaluate'
import type { CredentialReportKey } from '../../main/semantics/credential-report'
import type { IamUserFacts } from '../../shared/evidence'
import { day, inWindow, outcome, plural, windowText } from '../../main/controls/step-common'
import { defineStep, type StepContext } from '../../main/controls/step'

const USER = ['aws.iam.user'] as const

/** The UTC day of a time the credential report may write with an offset (2026-11-19T20:00:00-08:00 is 2026-11-20). */
function utcDay(t: string | null | undefined): string {
  const ms = t ? Date.parse(t) : NaN
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : day(t)
}

/** The credential report row as the evaluator reads it (the evidence stage keeps it parsed). */
function reportKeys(u: IamUserFacts): CredentialReportKey[] {
  return u.accessKeys.map((k) => ({ slot: k.slot, active: k.active ? 'true' : 'false', lastRotated: k.lastRotated ?? 'N/A', lastUsedDate: k.lastUsed ?? 'N/A' }))
}

function userOf(ctx: StepContext): { arn: string; user: IamUserFacts | null } {
  const arn = ctx.ev.resolveUserArn(ctx.finding.resource.id)
  return { arn, user: ctx.ev.facts(arn).iamUser ?? null }
}

function at(ctx: StepContext): Date | null {
  const t = ctx.ev.collectedAt()
  return t ? new Date(t) : null
}

const noReport = (arn: string) =>
  outcome('unknown', `the user ${arn} is not in the IAM credential report in evidence (inventory/iam-credential-report.csv)`, { sources: ['aws.iam.credential-report'] })

/** The keys the fix would deactivate: active, and idle (or never used) for the threshold. */
function targets(u: IamUserFacts, when: Date, days: number): Array<IamUserFacts['accessKeys'][number]> {
  const keys = reportKeys(u)
  return u.accessKeys.filter((_k, i) => accessKeyState(keys[i], when, days).kind === 'unused')
}

const daysParam = z.object({ days: z.number().int().min(1).max(3650).default(45) }).strict()

const keyStillUnused = defineStep({
  name: 'iam.key-still-unused',
  summary: 'whether an active access key of the user is still unused for the threshold (the control evaluator reads the credential report)',
  resourceTypes: USER,
  params: daysParam,
  run(ctx, p) {
    const { arn, user } = userOf(ctx)
    if (!user) return noReport(arn)
    const when = at(ctx)
    if (!when) return outcome('unknown', 'no evidence bundle says when it was collected', {})
    const v = accessKeyVerdict({ keys: reportKeys(user) }, when, p.days)
    const o = { evidence: [user.evidence], certainty: 'proven' as const, sources: ['aws.iam.credential-report' as const] }
    if (v.status === 'FAIL') return outcome('yes', v.reason, o)
    if (v.status === 'PASS') return outcome('no', `${v.reason}: no key is left for the fix to deactivate`, o)
    return outcome('unknown', v.reason, o)
  }
})

const keyUsedInWindow = defineStep({
  name: 'iam.key-used-in-window',
  summary:
    'whether the keys the fix would deactivate were used in the window after all (credential report last-used dates; calls signed with a long-term key in CloudTrail), e.g. by a job that runs monthly',
  resourceTypes: USER,
  params: daysParam,
  run(ctx, p) {
    const { arn, user } = userOf(ctx)
    if (!user) return noReport(arn)
    const when = at(ctx)
    if (!when) return outcome('unknown', 'no evidence bundle says when it was collected', {})
    const keys = targets(user, when, p.days)
    const sources = ['aws.iam.credential-report' as const, 'aws.cloudtrail' as const]
    if (!keys.length) {
      // No key is idle: say what the keys did, never "no" for a key used yesterday.
      const active = user.accessKeys.filter((k) => k.active)
      const recent = active.filter((k) => inWindow(k.lastUsed, ctx.window))
      if (recent.length) {
        return outcome(
          'yes',
          `${recent.map((k) => `access key ${k.slot} was last used on ${utcDay(k.lastUsed)}`).join('; ')} — in use, so no key is idle for ${p.days} days and the fix deactivates nothing — proven (credential report)`,
          {
            evidence: [user.evidence],
            certainty: 'proven',
            sources,
            windowed: true
          }
        )
      }
      return outcome(
        'no',
        `${active.length ? 'no active key was used in the window, and none is idle for the threshold either' : 'the user has no active access key'}: the fix deactivates nothing`,
        { evidence: [user.evidence], certainty: 'proven', sources }
      )
    }
    const used = keys.filter((k) => inWindow(k.lastUsed, ctx.window))
    if (used.length) {
      return outcome(
        'yes',
        used
          .map(
            (k) =>
              `access key ${k.slot} was last used on ${utcDay(k.lastUsed)}${k.lastUsedService ? ` (${k.lastUsedService}${k.lastUsedRegion ? `, ${k.lastUsedRegion}` : ''})` : ''}`
          )
          .join('; ') + ` — inside ${windowText(ctx.window)}: idle for ${p.days} days but not abandoned; a periodic job may still need it — proven (credential report)`,
        { evidence: [user.evidence], certainty: 'proven', sources, windowed: true }
      )
    }
    // CloudTrail names the key id, the credential report only the slot. Calls signed with a
    // long-term key (AKIA…) of the user are a target key's when every active key is a target, or
    // when as many distinct key ids signed calls as the user has active keys. A report generated
    // before those calls (it is a snapshot, regenerated at most every 4 hours, and may be older
    // than the bundle) cannot be trusted over them: calls it does not account for leave the
    // answer open instead of "no".
    const account = /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1] ?? null
    const active = user.accessKeys.filter((k) => k.active)
    const others = active.filter((k) => !keys.includes(k))
    if (account) {
      const idx = ctx.ev.cloudTrail(account)
      const calls = idx.records.filter(
        (r) => r.identity.type === 'IAMUser' && r.identity.userName === user.user && /^AKIA/.test(r.identity.accessKeyId ?? '') && inWindow(r.time, ctx.window)
      )
      const ids = [...new Set(calls.map((c) => c.identity.accessKeyId!))].sort()
      const files = [...new Set(calls.map((c) => c.file))]
      if (calls.length && (!others.length || ids.length >= active.length)) {
        const last = calls[calls.length - 1]
        return outcome(
          'yes',
          `CloudTrail shows ${plural(calls.length, 'call')} signed with ${ids.length === 1 ? `the user's long-term key ${ids[0]}` : `${ids.length} different long-term keys of the user (${ids.join(', ')}): every active key`} in the window, the last ${last.name} on ${utcDay(last.time)}, though the credential report says access key ${keys.map((k) => k.slot).join(' and ')} ${keys.every((k) => !k.lastUsed) ? 'was never used' : `was last used ${keys.map((k) => utcDay(k.lastUsed)).join(', ')}`} (the report is older than these calls) — proven`,
          { evidence: [user.evidence, files], certainty: 'proven', sources, windowed: true }
        )
      }
      const lastOther = Math.max(...others.map((k) => (k.lastUsed ? Date.parse(k.lastUsed) : -Infinity)))
      const unexplained = calls.filter((c) => Date.parse(c.time) > lastOther)
      if (unexplained.length) {
        const last = unexplained[unexplained.length - 1]
        return outcome(
          'unknown',
          `CloudTrail shows ${plural(unexplained.length, 'call')} signed with the long-term key ${[...new Set(unexplained.map((c) => c.identity.accessKeyId))].join(', ')} after the credential report's last use of the user's other active key (the last ${last.name} on ${utcDay(last.time)}): the report is older than these calls, and CloudTrail does not say which slot signed them, so the idle key may be the one in use`,
          { evidence: [user.evidence, files], sources, windowed: true }
        )
      }
    }
    const lastSeen = keys.map((k) => `access key ${k.slot}: ${k.lastUsed ? `last used ${utcDay(k.lastUsed)}` : 'never used'}`).join('; ')
    return outcome('no', `${lastSeen} — before ${windowText(ctx.window)}; the credential report records every key's last use (proven), so no use in the window was missed`, {
      evidence: [user.evidence],
      certainty: 'proven',
      sources,
      windowed: true
    })
  }
})

/**
 * The rules of this control that count access keys only (Prowler's later split check). Every other
 * rule it serves counts console passwords too: Security Hub IAM.8 (90 days) and IAM.22 (45 days),
 * Config's iam-user-unused-credentials-check, Prowler 3's iam_disable_<n>_days_credentials.
 */
const KEY_ONLY_RULES: ReadonlySet<string> = new Set(['iam_user_accesskey_unused'])

const DAY_MS = 86_400_000

/** What the fix leaves alone, and what removes it (the remedy, not this folder's fix). */
const PASSWORD_REMEDY =
  "the finding is about the console password, which this folder's fix (deactivating access keys) does not touch: the finding stays true after it; delete the login profile (aws iam delete-login-profile, as the console-MFA fix does) once the user confirms the password is not needed"

const consolePasswordUnused = defineStep({
  name: 'iam.console-password-unused',
  summary:
    "whether the user's console password is enabled and unused for the threshold (credential report password_last_used, or password_last_changed when never used): IAM.8 and IAM.22 count passwords as well as keys, and deactivating keys does not remove a password",
  resourceTypes: USER,
  params: daysParam,
  run(ctx, p) {
    const { arn, user } = userOf(ctx)
    if (!user) return noReport(arn)
    const when = at(ctx)
    if (!when) return outcome('unknown', 'no evidence bundle says when it was collected', {})
    const o = { evidence: [user.evidence], certainty: 'proven' as const, sources: ['aws.iam.credential-report' as const] }
    const rules = [...new Set(ctx.finding.alerts.map((a) => a.ruleId))].sort()
    if (rules.length && rules.every((r) => KEY_ONLY_RULES.has(r)))
      return outcome('no', `the finding's rule (${rules.join(', ')}) counts access keys only; a console password is not part of it`, o)
    if (user.passwordEnabled === false) return outcome('no', 'the user has no console password (password_enabled false): only access keys can be unused', o)
    if (user.passwordEnabled !== true)
      return outcome('unknown', 'the credential report does not say whether the user has a console password (password_enabled is neither true nor false)', o)
    const daysBefore = (t: string) => Math.floor((when.getTime() - Date.parse(t)) / DAY_MS)
    if (user.passwordLastUsed) {
      const d = daysBefore(user.passwordLastUsed)
      if (d >= p.days)
        return outcome(
          'yes',
          `the console password is enabled and was last used on ${utcDay(user.passwordLastUsed)}, ${plural(d, 'day')} before collection (threshold: ${p.days} days): ${PASSWORD_REMEDY}`,
          o
        )
      return outcome('no', `the console password was last used on ${utcDay(user.passwordLastUsed)}, ${plural(d, 'day')} before collection: it is in use, not idle`, o)
    }
    // password_last_used N/A or no_information: never used (as far as IAM recorded); its age is the time since it was set
    if (user.passwordLastChanged) {
      const d = daysBefore(user.passwordLastChanged)
      if (d >= p.days)
        return outcome(
          'yes',
          `the console password is enabled and has never been used; it was set on ${utcDay(user.passwordLastChanged)}, ${plural(d, 'day')} before collection (threshold: ${p.days} days): ${PASSWORD_REMEDY}`,
          o
        )
      return outcome('no', `the console password has never been used, but it was set only on ${utcDay(user.passwordLastChanged)}, ${plural(d, 'day')} before collection`, o)
    }
    return outcome('unknown', 'the console password is enabled, but the credential report gives neither its last use nor when it was set', o)
  }
})

/** Names and paths people give to machine users. */
const AUTOMATION = /(^|[-_./])(ci|cd|bot|svc|service|automation|deploy|deployer|jenkins|github|gitlab|terraform|ansible|backup|etl|batch|sync|app|integration)([-_./]|\d|$)/i

const userRunsAutomation = defineStep({
  name: 'iam.user-runs-automation',
  summary: 'whether the user is a machine identity whose jobs depend on its keys: an automation name or path, no console password, keys used by services (inferred)',
  resourceTypes: USER,
  params: z.object({}).strict(),
  run(ctx) {
    const { arn, user } = userOf(ctx)
    if (!user) return noReport(arn)
    const path = arn.replace(/^arn:[^:]+:iam::\d{12}:user\//, '')
    const signs: string[] = []
    if (AUTOMATION.test(path)) signs.push(`its name or path "${path}" reads as automation`)
    if (user.passwordEnabled === false && user.accessKeys.some((k) => k.active)) signs.push('it has no console password, only access keys')
    const services = [...new Set(user.accessKeys.map((k) => k.lastUsedService).filter((s): s is string => !!s && s !== 'N/A'))]
    const o = { evidence: [user.evidence], certainty: 'inferred' as const, sources: ['aws.iam.credential-report' as const] }
    if (signs.length)
      return outcome('yes', `${signs.join('; ')}${services.length ? `; its keys were used for ${services.join(', ')}` : ''}: deactivating a key may stop a job nobody watches`, o)
    return outcome(
      'no',
      `a person's account: ${user.passwordEnabled ? `console password in use${user.mfaActive ? ' with MFA' : ''}` : 'no automation name or path'}${services.length ? `; keys used for ${services.join(', ')}` : ''}`,
      o
    )
  }
})

export const IAM_STEPS = [keyStillUnused, consolePasswordUnused, keyUsedInWindow, userRunsAutomation]
