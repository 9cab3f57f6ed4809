// Step functions of aws.iam.root-access-key: does the root user still have an access key (the
// credential report's <root_account> row), and was a root access key used in the window — by the
// report's last-used dates, and by CloudTrail calls whose userIdentity is the root user signed
// with a long-term key (AKIA…), in every Region the evidence holds for the account. Calls the
// root user makes in a console session (ASIA… credentials, sessionCredentialFromConsole) do not
// use an access key: removing the keys leaves them working, and they are said apart.
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { day, inWindow, outcome, plural, windowText } from '../../main/controls/step-common'
import { accountTrail, addressesText, callsText } from '../../main/controls/cloudtrail-account'
import type { CredentialReportFacet } from '../../main/semantics/facets'

const ACCOUNT = ['aws.account'] as const
const report = ['aws.iam.credential-report' as const]

export function accountOf(ctx: StepContext): string | null {
  const m = /^AWS::::Account:(\d{12})$/i.exec(ctx.finding.resource.id) ?? /^arn:[^:]+:iam::(\d{12}):root$/.exec(ctx.finding.resource.id)
  return m?.[1] ?? ctx.finding.resource.account ?? null
}

export const rootArn = (account: string): string => `arn:aws:iam::${account}:root`

type Key = CredentialReportFacet['keys'][number]

/** The slots holding a key: active, or inactive with a creation time (an empty slot has none). */
export function existingKeys(r: CredentialReportFacet): Key[] {
  return r.keys.filter((k) => k.active || k.lastRotated !== null)
}

function rootRow(ctx: StepContext): { account: string; row: { value: CredentialReportFacet; evidence: string[] } | null } | null {
  const account = accountOf(ctx)
  if (!account) return null
  return { account, row: ctx.ev.config(rootArn(account), 'iam.credential-report') }
}

const noAccount = () => outcome('unknown', 'the finding does not name an AWS account', {})
const noRow = (account: string) =>
  outcome('unknown', `the root user of ${account} is not in an IAM credential report in evidence (inventory/iam-credential-report.csv, row <root_account>)`, { sources: report })

const keyText = (k: Key): string =>
  `access key ${k.slot} (${k.active ? 'active' : 'inactive'}, created ${day(k.lastRotated)}, ${k.lastUsed ? `last used ${day(k.lastUsed)}${k.lastUsedService ? ` for ${k.lastUsedService}${k.lastUsedRegion ? ` in ${k.lastUsedRegion}` : ''}` : ''}` : 'never used'})`

const rootKeyExists = defineStep({
  name: 'iam.root-key-exists',
  summary: "whether the account's root user still has an access key, active or inactive (the credential report's <root_account> row)",
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const r = rootRow(ctx)
    if (!r) return noAccount()
    if (!r.row) return noRow(r.account)
    const keys = existingKeys(r.row.value)
    const o = { evidence: [r.row.evidence], certainty: 'proven' as const, sources: report }
    if (!keys.length) return outcome('no', `the root user of ${r.account} has no access key (both slots of the credential report are empty): there is nothing to remove`, o)
    return outcome('yes', `the root user of ${r.account} has ${keys.map(keyText).join(' and ')}`, o)
  }
})

const rootKeyUsed = defineStep({
  name: 'iam.root-key-used',
  summary:
    'whether a root access key was used in the window: the credential report\'s last-used dates, and CloudTrail calls by the root user signed with a long-term key (by service, call and source address) in every Region of the account; "no" needs both, with CloudTrail covering every Region for the whole window',
  resourceTypes: ACCOUNT,
  params: z.object({}).strict(),
  run(ctx) {
    const r = rootRow(ctx)
    if (!r) return noAccount()
    const trail = accountTrail(ctx, r.account)
    const root = trail.index.records.filter((c) => c.identity.type === 'Root' && inWindow(c.time, ctx.window))
    const withKey = root.filter((c) => /^AKIA/.test(c.identity.accessKeyId ?? ''))
    const console = root.filter((c) => !/^AKIA/.test(c.identity.accessKeyId ?? ''))
    const consoleText = console.length
      ? `; the root user also made ${plural(console.length, 'call')} without an access key (console sign-ins and console sessions, ${addressesText(console)}), which removing the keys leaves working`
      : ''
    const sources = [...report, 'aws.cloudtrail' as const]
    const files = [...new Set(withKey.map((c) => c.file))]
    const keys = r.row ? existingKeys(r.row.value) : []
    const usedByReport = keys.filter((k) => inWindow(k.lastUsed, ctx.window))
    if (withKey.length || usedByReport.length) {
      const parts: string[] = []
      if (usedByReport.length)
        parts.push(
          `the credential report says ${usedByReport.map((k) => `access key ${k.slot} was last used on ${day(k.lastUsed)}${k.lastUsedService ? ` for ${k.lastUsedService}` : ''}${k.lastUsedRegion ? ` in ${k.lastUsedRegion}` : ''}`).join('; ')}`
        )
      if (withKey.length) {
        const ids = [...new Set(withKey.map((c) => c.identity.accessKeyId!))].sort()
        const last = withKey[withKey.length - 1]
        parts.push(
          `CloudTrail shows ${plural(withKey.length, 'call')} by the root user signed with ${ids.length === 1 ? `the access key ${ids[0]}` : `the access keys ${ids.join(', ')}`} ${windowText(ctx.window)}: ${callsText(withKey)}, ${addressesText(withKey)}; the last ${last.source.replace(/\.amazonaws\.com$/, '')} ${last.name} on ${day(last.time)}`
        )
      }
      return outcome('yes', `${parts.join('; ')}: whatever makes these calls stops working once the key is deactivated or deleted — proven${consoleText}`, {
        evidence: [r.row?.evidence, files],
        certainty: 'proven',
        sources,
        windowed: true
      })
    }
    if (!r.row) return noRow(r.account)
    if (!keys.length)
      return outcome('no', `the root user has no access key, and CloudTrail shows no root call signed with one ${windowText(ctx.window)}${consoleText}`, {
        evidence: [r.row.evidence, trail.evidence],
        certainty: 'proven',
        sources,
        windowed: true
      })
    const reportText = keys.map((k) => `access key ${k.slot}: ${k.lastUsed ? `last used ${day(k.lastUsed)}, before the window` : 'never used'}`).join('; ')
    if (trail.gaps.length)
      return outcome(
        'unknown',
        `the credential report shows no use in the window (${reportText}) and CloudTrail shows no root call signed with a key${trail.covered.length ? ` in ${trail.covered.join(', ')}` : ''}, but ${trail.gaps.join('; ')}${consoleText}`,
        { evidence: [r.row.evidence, trail.evidence], sources, windowed: true }
      )
    return outcome(
      'no',
      `${reportText} (credential report); and CloudTrail covering every Region the evidence holds for ${r.account} (${trail.regions.join(', ')}) over ${windowText(ctx.window)} without a gap shows no root call signed with an access key${consoleText}`,
      { evidence: [r.row.evidence, trail.evidence], certainty: 'proven', sources, windowed: true }
    )
  }
})

export const ROOT_KEY_STEPS = [rootKeyExists, rootKeyUsed]
