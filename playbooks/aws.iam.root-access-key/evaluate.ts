// aws.iam.root-access-key (Security Hub IAM.4, CIS AWS Foundations 1.4, Config
// iam-root-access-key-check, Prowler iam_no_root_access_key), from the `<root_account>` row of the
// IAM credential report.
//
// A slot holds a key when it is active, or inactive with a creation time (`_last_rotated` is N/A
// for an empty slot). An inactive key still exists: Config's rule (GetAccountSummary
// AccountAccessKeysPresent) and Security Hub count it, and it can be reactivated by anyone signed
// in as root; Prowler's check looks at the active flag only and passes it. Here it FAILs, with the
// reason saying it is inactive, since the control says the key should not exist.
import type { EvaluationContext } from '../../main/controls/evaluation'
import { accountUnknown, evaluation } from '../../main/controls/evaluation'
import type { CredentialReportKey, CredentialReportRow } from '../../main/semantics/credential-report'
import { accountResource } from '../../main/semantics/ids'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

export const ROOT_ROW = '<root_account>'

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

export type RootKeySlot =
  | { slot: 1 | 2; state: 'none' }
  | { slot: 1 | 2; state: 'active' | 'inactive'; created: string; lastUsed: string | null }
  | { slot: 1 | 2; state: 'unknown'; why: string }

/** What one slot of the root row holds. */
export function rootKeySlot(k: CredentialReportKey): RootKeySlot {
  const active = k.active.toLowerCase()
  const created = ISO.test(k.lastRotated) ? k.lastRotated : null
  const lastUsed = ISO.test(k.lastUsedDate) ? k.lastUsedDate : null
  if (k.lastUsedDate !== 'N/A' && !lastUsed) return { slot: k.slot, state: 'unknown', why: `access key ${k.slot}: last used date "${k.lastUsedDate}" is not a date` }
  if (active === 'true') {
    if (!created) return { slot: k.slot, state: 'unknown', why: `access key ${k.slot} is active but its creation time "${k.lastRotated}" is not a date` }
    return { slot: k.slot, state: 'active', created, lastUsed }
  }
  if (active !== 'false') return { slot: k.slot, state: 'unknown', why: `access_key_${k.slot}_active is "${k.active}", not true or false` }
  if (k.lastRotated === 'N/A') return { slot: k.slot, state: 'none' }
  if (!created) return { slot: k.slot, state: 'unknown', why: `access key ${k.slot} is inactive and its creation time "${k.lastRotated}" is not a date or N/A` }
  return { slot: k.slot, state: 'inactive', created, lastUsed }
}

const used = (s: { lastUsed: string | null }) => (s.lastUsed ? `last used ${s.lastUsed.slice(0, 10)}` : 'never used')

export function rootKeyVerdict(row: Pick<CredentialReportRow, 'keys'>): Verdict {
  const slots = row.keys.map(rootKeySlot)
  const keys = slots.filter((s): s is Extract<RootKeySlot, { created: string }> => s.state === 'active' || s.state === 'inactive')
  if (keys.length)
    return fail(
      `the root user has ${keys
        .map((k) => `${k.state === 'active' ? 'an active' : 'an inactive (but existing)'} access key ${k.slot}, created ${k.created.slice(0, 10)}, ${used(k)}`)
        .join('; and ')}`
    )
  const unsure = slots.filter((s): s is Extract<RootKeySlot, { state: 'unknown' }> => s.state === 'unknown')
  if (unsure.length) return unknown(unsure.map((s) => s.why).join('; '))
  return pass('the root user has no access key (both slots of the credential report are empty)')
}

export function evaluateRootAccessKey(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const control = 'aws.iam.root-access-key'
  const f = inv.credentialReport
  if (f.state !== 'ok') return [accountUnknown(control, inv, f, "the root user's access keys")]
  const resource = accountResource(inv.account)
  const item = f.value.find((i) => (i.ok ? i.value.user === ROOT_ROW : (i.name ?? '').endsWith(':root')))
  if (!item) return [evaluation(control, resource, unknown(`${f.rel} has no ${ROOT_ROW} row`), { account: inv.account, evidence: [f.rel] })]
  const evidence = [`${f.rel}#${item.pointer}`]
  if (!item.ok) return [evaluation(control, resource, unknown(`${f.rel}: ${item.error}`), { account: inv.account, evidence })]
  return [evaluation(control, resource, rootKeyVerdict(item.value), { account: inv.account, evidence })]
}
