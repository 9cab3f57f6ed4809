// Step functions of aws.iam.root-hardware-mfa: is root's MFA still a virtual device (or none), and who signed in
// as root over the window — console sign-ins (ConsoleLogin: when, from which addresses, with MFA or not, failed
// attempts apart) and calls in root console sessions, in CloudTrail of every Region of the account, with the
// credential report's password_last_used beside. Calls signed with a root access key are not asked for MFA: they
// are named, and not counted as use the change affects.
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { day, inWindow, outcome, plural, windowText } from '../../main/controls/step-common'
import { accountTrail, addressesText, callsText } from '../../main/controls/cloudtrail-account'
import { loadVirtualMfaDevices } from '../../main/controls/iam-authorization'
import type { SlimRecord } from '../../main/case/cloudtrail-index'
import { accountOf, devicesText, rootArn, rootMfa } from './mfa'

const ACCOUNT = ['aws.account'] as const
const report = 'aws.iam.credential-report' as const
const inventory = 'aws.inventory' as const

function account(ctx: StepContext): string | null {
  return accountOf(ctx.finding.resource.id, ctx.finding.resource.account)
}

const noAccount = () => outcome('unknown', 'the finding does not name an AWS account', {})

const virtualMfa = defineStep({
  name: 'iam.root-mfa-virtual',
  summary:
    "whether the root user's MFA is still a virtual device, or none: the virtual MFA devices assigned to root (ListVirtualMFADevices) and the credential report's <root_account> mfa_active",
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const acct = account(ctx)
    if (!acct) return noAccount()
    const row = ctx.ev.config(rootArn(acct), 'iam.credential-report')
    const devices = loadVirtualMfaDevices(ctx.ev.files(), (id) => ctx.ev.bytes(id), acct, "whether root's MFA is a virtual device")
    const m = rootMfa(acct, row?.value.mfaActive ?? null, devices)
    const evidence = [row?.evidence, devices.ok ? [devices.file] : []]
    const sources = [report, inventory]
    if (m.state === 'unknown') return outcome('unknown', m.why, { evidence, sources })
    const o = { evidence, sources, certainty: 'proven' as const }
    if (m.state === 'virtual')
      return outcome(
        'yes',
        `the root user of ${acct} has the virtual MFA device ${devicesText(m.devices)}${m.mfaActive === true ? ' (mfa_active true)' : ''}: it signs in with an authenticator app, not a hardware device`,
        o
      )
    if (m.state === 'none')
      return outcome('yes', `the root user of ${acct} has no MFA device at all (mfa_active false): a hardware device is to be registered, with no virtual one to remove`, o)
    return outcome('no', `the root user of ${acct} has MFA (mfa_active true) and no virtual MFA device is assigned to it: its MFA is a hardware device`, o)
  }
})

const isLogin = (r: SlimRecord) => r.source === 'signin.amazonaws.com' && r.name === 'ConsoleLogin'

function loginsText(logins: readonly SlimRecord[]): string {
  const ok = logins.filter((r) => r.login?.result !== 'Failure')
  const failed = logins.length - ok.length
  const days = new Set(ok.map((r) => day(r.time)))
  const withMfa = ok.filter((r) => r.login?.mfaUsed === 'Yes').length
  const last = ok[ok.length - 1]
  return [
    `${plural(ok.length, 'console sign-in')} as root on ${plural(days.size, 'day')} ${addressesText(ok)}`,
    ok.length ? `${withMfa} with MFA, ${ok.length - withMfa} without` : '',
    last ? `the last on ${day(last.time)}` : '',
    failed ? `and ${plural(failed, 'failed attempt')}` : ''
  ]
    .filter(Boolean)
    .join(', ')
}

const rootUse = defineStep({
  name: 'iam.root-console-use',
  summary:
    'who signed in as root in the window: ConsoleLogin events of the root user (when, from where, how often, with MFA or not) and calls in root console sessions, in CloudTrail of every Region of the account, and the credential report\'s password_last_used; "no" needs every Region covered for the whole window',
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const acct = account(ctx)
    if (!acct) return noAccount()
    const row = ctx.ev.config(rootArn(acct), 'iam.credential-report')
    const trail = accountTrail(ctx, acct)
    const root = trail.index.records.filter((r) => r.identity.type === 'Root' && inWindow(r.time, ctx.window))
    const logins = root.filter(isLogin)
    const signedIn = logins.filter((r) => r.login?.result !== 'Failure')
    const session = root.filter((r) => !isLogin(r) && !/^AKIA/.test(r.identity.accessKeyId ?? ''))
    const keyCalls = root.filter((r) => /^AKIA/.test(r.identity.accessKeyId ?? ''))
    const keyText = keyCalls.length ? `; ${plural(keyCalls.length, 'call')} signed with a root access key (not asked for MFA: unaffected, and IAM.4's concern)` : ''
    const passwordUsed = row?.value.passwordLastUsed && inWindow(row.value.passwordLastUsed, ctx.window) ? row.value.passwordLastUsed : null
    const sources = [report, 'aws.cloudtrail' as const]
    const files = [...new Set([...logins, ...session].map((r) => r.file))]
    if (signedIn.length || session.length || passwordUsed) {
      const parts = [
        logins.length ? loginsText(logins) : '',
        session.length ? `${plural(session.length, 'call')} in root console sessions (${callsText(session)}) ${addressesText(session)}` : '',
        passwordUsed ? `the credential report says root's password was last used on ${day(passwordUsed)}` : ''
      ].filter(Boolean)
      return outcome(
        'yes',
        `${parts.join('; ')} ${windowText(ctx.window)}: whoever signs in as root uses today's MFA and must be given the hardware device before the virtual one is removed${keyText}`,
        { evidence: [row?.evidence, files, trail.evidence], certainty: 'proven', sources, windowed: true }
      )
    }
    const failed = logins.length ? `; only ${loginsText(logins)}` : ''
    if (!row) return outcome('unknown', `the root user of ${acct} is not in an IAM credential report in evidence (password_last_used)${failed}`, { sources })
    if (trail.gaps.length)
      return outcome(
        'unknown',
        `no root sign-in is in the evidence${trail.covered.length ? ` (CloudTrail of ${trail.covered.join(', ')})` : ''}, but ${trail.gaps.join('; ')}${failed}${keyText}`,
        { evidence: [row.evidence, trail.evidence], sources, windowed: true }
      )
    return outcome(
      'no',
      `nobody signed in as root ${windowText(ctx.window)}: CloudTrail covering every Region the evidence holds for ${acct} (${trail.regions.join(', ')}) shows no root console sign-in or console session, and the credential report's password_last_used is ${row.value.passwordLastUsed ? day(row.value.passwordLastUsed) : 'never'}${failed}${keyText}`,
      { evidence: [row.evidence, trail.evidence], certainty: 'proven', sources, windowed: true }
    )
  }
})

export const ROOT_HARDWARE_MFA_STEPS = [virtualMfa, rootUse]
