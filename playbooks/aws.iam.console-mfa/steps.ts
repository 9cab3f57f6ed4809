// Step functions of aws.iam.console-mfa: does the user still lack an MFA device, does it have a
// console password, did it sign in to the console without MFA in the window (CloudTrail ConsoleLogin
// with additionalEventData.MFAUsed, and the credential report's password_last_used), and did its
// long-term access keys sign calls in the window. The fix is chosen by these answers (fix.ts):
// deleting an unused console password leaves the keys working; a policy denying everything without
// MFA also refuses every call signed with a long-term key (such calls carry no MFA).
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { day, inWindow, outcome, plural, windowText } from '../../main/controls/step-common'
import { accountTrail, addressesText, callsText } from '../../main/controls/cloudtrail-account'
import type { IamUserFacts } from '../../shared/evidence'
import type { SlimRecord } from '../../main/case/cloudtrail-index'

const USER = ['aws.iam.user'] as const
const report = ['aws.iam.credential-report' as const]
const both = ['aws.iam.credential-report' as const, 'aws.cloudtrail' as const]

function userOf(ctx: StepContext): { arn: string; account: string | null; user: IamUserFacts | null } {
  const arn = ctx.ev.resolveUserArn(ctx.finding.resource.id)
  return { arn, account: /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1] ?? ctx.finding.resource.account, user: ctx.ev.facts(arn).iamUser ?? null }
}

const noReport = (arn: string) => outcome('unknown', `the user ${arn} is not in the IAM credential report in evidence (inventory/iam-credential-report.csv)`, { sources: report })

/** The user's own records (of its account's CloudTrail): by ARN, or by name, which is unique in an account whatever the path. */
const isUser = (r: SlimRecord, u: IamUserFacts, arn: string) => r.identity.type === 'IAMUser' && (r.identity.arn === arn || r.identity.userName === u.user)

/**
 * A step answered by one true/false column of the user's credential report row: unknown when the
 * user or the value is not there; otherwise `answerWhenTrue` (and its opposite), proven by the row.
 */
function reportFlag(
  ctx: StepContext,
  column: string,
  value: (u: IamUserFacts) => boolean | null,
  say: { yes: (u: IamUserFacts) => string; no: (u: IamUserFacts) => string; answerWhenTrue: 'yes' | 'no' }
) {
  const { arn, user } = userOf(ctx)
  if (!user) return noReport(arn)
  const v = value(user)
  if (v === null) return outcome('unknown', `${column} of ${user.user} is not true or false in the credential report`, { evidence: [user.evidence], sources: report })
  const answer = v === (say.answerWhenTrue === 'yes') ? 'yes' : 'no'
  return outcome(answer, say[answer](user), { evidence: [user.evidence], certainty: 'proven' as const, sources: report })
}

const mfaMissing = defineStep({
  name: 'iam.user-mfa-missing',
  summary: 'whether the IAM user still has no MFA device (credential report mfa_active)',
  resourceTypes: USER,
  params: z.object({}).strict(),
  run(ctx) {
    return reportFlag(ctx, 'mfa_active', (u) => u.mfaActive, {
      yes: (u) => `${u.user} has no MFA device (mfa_active false)${u.passwordEnabled ? ', and a console password' : ''}`,
      no: (u) => `${u.user} has an MFA device (mfa_active true): there is nothing to enforce`,
      answerWhenTrue: 'no'
    })
  }
})

const consolePassword = defineStep({
  name: 'iam.user-console-password',
  summary: 'whether the IAM user has a console password (a login profile; credential report password_enabled), and when it was last used',
  resourceTypes: USER,
  params: z.object({}).strict(),
  run(ctx) {
    return reportFlag(ctx, 'password_enabled', (u) => u.passwordEnabled, {
      yes: (u) => `${u.user} has a console password, ${u.passwordLastUsed ? `last used ${day(u.passwordLastUsed)}` : 'never used (as far as IAM recorded)'}`,
      no: (u) => `${u.user} has no console password: it cannot sign in to the console`,
      answerWhenTrue: 'yes'
    })
  }
})

const consoleWithoutMfa = defineStep({
  name: 'iam.console-logins-without-mfa',
  summary:
    'whether the user signed in to the console without MFA in the window: CloudTrail ConsoleLogin events (MFAUsed) in every Region of the account, and the credential report\'s last password use; "no" needs both, with CloudTrail covering every Region for the whole window',
  resourceTypes: USER,
  params: z.object({}).strict(),
  run(ctx) {
    const { arn, account, user } = userOf(ctx)
    if (!user) return noReport(arn)
    if (!account) return outcome('unknown', `${arn} names no account`, {})
    const trail = accountTrail(ctx, account)
    const logins = trail.index.records.filter((r) => r.name === 'ConsoleLogin' && r.login && isUser(r, user, arn) && inWindow(r.time, ctx.window))
    const ok = logins.filter((r) => r.login!.result === 'Success')
    const noMfa = ok.filter((r) => r.login!.mfaUsed === 'No')
    const withMfa = ok.length - noMfa.length
    const files = [...new Set(logins.map((r) => r.file))]
    if (noMfa.length) {
      const days = [...new Set(noMfa.map((r) => day(r.time)))]
      return outcome(
        'yes',
        `CloudTrail shows ${plural(noMfa.length, 'console sign-in')} of ${user.user} without MFA ${windowText(ctx.window)} (${days.length > 3 ? `${days[0]} … ${days[days.length - 1]}, on ${days.length} days` : days.join(', ')}), ${addressesText(noMfa)}${withMfa ? `, and ${plural(withMfa, 'sign-in')} with MFA` : ''}: requiring MFA or removing the password locks the user out of the way they work today — proven`,
        { evidence: [user.evidence, files], certainty: 'proven', sources: both, windowed: true }
      )
    }
    if (user.passwordEnabled && !user.mfaActive && inWindow(user.passwordLastUsed, ctx.window))
      return outcome(
        'yes',
        `the credential report says the console password was last used on ${day(user.passwordLastUsed)} and the user has no MFA device: that sign-in was without MFA (unless a device was removed since)${trail.gaps.length ? '; CloudTrail does not cover every Region, which is why no ConsoleLogin event names it' : ''}`,
        { evidence: [user.evidence, files], certainty: 'inferred', sources: both, windowed: true }
      )
    if (user.passwordEnabled === null) return outcome('unknown', `password_enabled of ${user.user} is not in the credential report`, { evidence: [user.evidence], sources: report })
    const pw = user.passwordEnabled
      ? `its console password was ${user.passwordLastUsed ? `last used ${day(user.passwordLastUsed)}${inWindow(user.passwordLastUsed, ctx.window) ? '' : ', before the window'}` : 'never used'}`
      : 'it has no console password'
    if (trail.gaps.length)
      return outcome(
        'unknown',
        `${pw} (credential report), and CloudTrail names no sign-in without MFA${trail.covered.length ? ` in ${trail.covered.join(', ')}` : ''}, but ${trail.gaps.join('; ')}`,
        {
          evidence: [user.evidence, trail.evidence],
          sources: both,
          windowed: true
        }
      )
    return outcome(
      'no',
      `${pw} (credential report), and CloudTrail covering every Region of ${account} (${trail.regions.join(', ')}) over ${windowText(ctx.window)} without a gap shows no console sign-in without MFA by ${user.user}${withMfa ? ` (${plural(withMfa, 'sign-in')} with MFA)` : ''}`,
      { evidence: [user.evidence, trail.evidence], certainty: 'proven', sources: both, windowed: true }
    )
  }
})

const keyCalls = defineStep({
  name: 'iam.user-long-term-key-calls',
  summary:
    "whether the user's access keys signed calls in the window (credential report last use; CloudTrail calls signed with a long-term key, by service, call and address): a policy denying everything without MFA refuses them, deleting the console password does not",
  resourceTypes: USER,
  params: z.object({}).strict(),
  run(ctx) {
    const { arn, account, user } = userOf(ctx)
    if (!user) return noReport(arn)
    if (!account) return outcome('unknown', `${arn} names no account`, {})
    const trail = accountTrail(ctx, account)
    const calls = trail.index.records.filter((r) => isUser(r, user, arn) && /^AKIA/.test(r.identity.accessKeyId ?? '') && inWindow(r.time, ctx.window))
    const files = [...new Set(calls.map((r) => r.file))]
    const used = user.accessKeys.filter((k) => inWindow(k.lastUsed, ctx.window))
    if (calls.length || used.length) {
      const parts = [
        ...(used.length
          ? [
              `the credential report says ${used.map((k) => `access key ${k.slot} was last used on ${day(k.lastUsed)}${k.lastUsedService ? ` for ${k.lastUsedService}` : ''}`).join('; ')}`
            ]
          : []),
        ...(calls.length
          ? [`CloudTrail shows ${plural(calls.length, 'call')} signed with its long-term key ${windowText(ctx.window)}: ${callsText(calls)}, ${addressesText(calls)}`]
          : [])
      ]
      return outcome('yes', `${parts.join('; ')}: calls signed with an access key carry no MFA, so a policy requiring MFA would refuse them`, {
        evidence: [user.evidence, files],
        certainty: 'proven',
        sources: both,
        windowed: true
      })
    }
    const active = user.accessKeys.filter((k) => k.active)
    if (!active.length)
      return outcome('no', `${user.user} has no active access key${calls.length ? '' : ', and CloudTrail names no call signed with one'}`, {
        evidence: [user.evidence],
        certainty: 'proven',
        sources: report,
        windowed: true
      })
    const rep = active.map((k) => `access key ${k.slot}: ${k.lastUsed ? `last used ${day(k.lastUsed)}` : 'never used'}`).join('; ')
    if (trail.gaps.length)
      return outcome('unknown', `${rep} (credential report), but ${trail.gaps.join('; ')}`, { evidence: [user.evidence, trail.evidence], sources: both, windowed: true })
    return outcome('no', `${rep} (credential report); CloudTrail covering every Region over ${windowText(ctx.window)} shows no call signed with its keys`, {
      evidence: [user.evidence, trail.evidence],
      certainty: 'proven',
      sources: both,
      windowed: true
    })
  }
})

export const CONSOLE_MFA_STEPS = [mfaMissing, consolePassword, consoleWithoutMfa, keyCalls]
