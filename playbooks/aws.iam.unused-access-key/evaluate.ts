// aws.iam.unused-access-key (Security Hub IAM.22, CIS AWS Foundations 1.12: "credentials unused for
// 45 days or greater"), from the IAM credential report.
//
// An access key is unused when it is active and either its last use, or — never used — its
// creation (`_last_rotated`, which is the creation time until the key is rotated), lies N days or
// more before the bundle was collected. N is 45 by default. Ages are measured from the manifest's
// `collectedAt`, never from the wall clock, so the same bundle always gives the same answer.
//
// One row per IAM user (and the root user): the credential report does not carry access key ids,
// so a key is named by its slot ("access key 1") in the reason, and the resource is the user's ARN
// exactly as the report gives it (path included: arn:aws:iam::<account>:user/<path/>name).
//
// Peers, for comparison (Prowler `iam_user_accesskey_unused`): it measures from the wall clock at
// scan time, counts whole days and fails only when they are strictly more than 45 (a key idle for
// exactly 45 days passes there, fails here, as CIS says "45 days or greater"), and never looks at
// a key that was never used (`_last_used_date` "N/A"), however old — an active, never-used key
// created a year ago passes there and fails here.
import type { EvaluationContext } from '../../main/controls/evaluation'
import { accountUnknown, evaluation, namelessProblems } from '../../main/controls/evaluation'
import type { CredentialReportKey, CredentialReportRow } from '../../main/semantics/credential-report'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

const DAY_MS = 86_400_000

/** ISO 8601 as the credential report writes it (2024-05-02T10:11:12+00:00). */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

function isoTime(s: string): number | null {
  if (!ISO.test(s)) return null
  const t = Date.parse(s)
  return Number.isFinite(t) ? t : null
}

const dayCount = (n: number): string => `${n} day${n === 1 ? '' : 's'}`

function day(t: number): string {
  return new Date(t).toISOString().slice(0, 10)
}

type KeyState = { kind: 'inactive' } | { kind: 'unused'; text: string } | { kind: 'in-use'; text: string } | { kind: 'unknown'; text: string }

export function accessKeyState(k: CredentialReportKey, at: Date, threshold: number): KeyState {
  const name = `access key ${k.slot}`
  const active = k.active.toLowerCase()
  if (active === 'false') return { kind: 'inactive' }
  if (active !== 'true') return { kind: 'unknown', text: `${name}: access_key_${k.slot}_active is "${k.active}", not true or false` }
  const now = at.getTime()
  const limit = threshold * DAY_MS
  if (k.lastUsedDate === 'N/A') {
    const created = isoTime(k.lastRotated)
    if (created === null) return { kind: 'unknown', text: `${name} is active and never used, but its creation time "${k.lastRotated}" is not a date` }
    const age = now - created
    const text = `${name} is active and has never been used; it was created ${day(created)}, ${dayCount(Math.floor(age / DAY_MS))} before collection`
    return age >= limit ? { kind: 'unused', text } : { kind: 'in-use', text }
  }
  const used = isoTime(k.lastUsedDate)
  if (used === null) return { kind: 'unknown', text: `${name}: last used date "${k.lastUsedDate}" is not a date` }
  const idle = now - used
  const text = `${name} is active and was last used ${day(used)}, ${dayCount(Math.max(0, Math.floor(idle / DAY_MS)))} before collection`
  return idle >= limit ? { kind: 'unused', text } : { kind: 'in-use', text }
}

export function accessKeyVerdict(row: Pick<CredentialReportRow, 'keys'>, at: Date, days: number): Verdict {
  const states = row.keys.map((k) => accessKeyState(k, at, days))
  const unused = states.filter((s): s is Extract<KeyState, { kind: 'unused' }> => s.kind === 'unused')
  if (unused.length) return fail(`${unused.map((s) => s.text).join('; ')} (threshold: ${days} days)`)
  const unsure = states.filter((s): s is Extract<KeyState, { kind: 'unknown' }> => s.kind === 'unknown')
  if (unsure.length) return unknown(unsure.map((s) => s.text).join('; '))
  const inUse = states.filter((s): s is Extract<KeyState, { kind: 'in-use' }> => s.kind === 'in-use')
  if (!inUse.length) return pass('no active access key')
  return pass(`${inUse.map((s) => s.text).join('; ')} (threshold: ${days} days)`)
}

export function evaluateUnusedAccessKeys(ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const control = 'aws.iam.unused-access-key'
  const f = inv.credentialReport
  if (f.state !== 'ok') return [accountUnknown(control, inv, f, 'access keys')]
  const out = namelessProblems(control, inv, f.rel, f.value, 'rows')
  for (const item of f.value) {
    const evidence = [`${f.rel}#${item.pointer}`]
    if (!item.ok) {
      if (item.name) out.push(evaluation(control, item.name, unknown(`${f.rel}: ${item.error}`), { account: inv.account, evidence }))
      continue
    }
    const row = item.value
    const resource = row.arn.startsWith('arn:') ? row.arn : `arn:aws:iam::${inv.account}:user/${row.user}`
    out.push(evaluation(control, resource, accessKeyVerdict(row, ctx.at, ctx.unusedKeyDays), { account: inv.account, evidence }))
  }
  return out
}
