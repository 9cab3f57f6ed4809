// aws.iam.console-mfa (Security Hub IAM.5 and IAM.19, CIS AWS Foundations 1.10, Config
// mfa-enabled-for-iam-console-access and iam-user-mfa-enabled, Prowler
// iam_user_mfa_enabled_console_access), from the IAM credential report: one row per IAM user.
//
// IAM.5 and Prowler look only at users with a console password; IAM.19 (Config
// iam-user-mfa-enabled) at every IAM user. One control, one status per user: a user without an MFA
// device FAILs, and the reason says whether it has a console password (IAM.5 and Prowler report it
// only then). A PASS for a password-less user without MFA would close an IAM.19 finding that is
// still open. The root user is another control (IAM.9) and is not evaluated here.
import type { EvaluationContext } from '../../main/controls/evaluation'
import { accountUnknown, evaluation, namelessProblems } from '../../main/controls/evaluation'
import type { CredentialReportRow } from '../../main/semantics/credential-report'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

const CONTROL = 'aws.iam.console-mfa'

export function consoleMfaVerdict(cell: (name: string) => string | undefined): Verdict {
  const mfa = (cell('mfa_active') ?? '').toLowerCase()
  const password = (cell('password_enabled') ?? '').toLowerCase()
  if (mfa === 'true') return pass(`the user has an MFA device (mfa_active true)${password === 'true' ? ' and a console password' : ''}`)
  if (mfa !== 'false') return unknown(`mfa_active is "${cell('mfa_active') ?? ''}", not true or false`)
  if (password === 'true') {
    const used = cell('password_last_used') ?? ''
    return fail(
      `the user has a console password and no MFA device${/^\d{4}-/.test(used) ? ` (password last used ${used.slice(0, 10)})` : ' (password never used, as far as IAM recorded)'}`
    )
  }
  if (password === 'false') return fail('the user has no MFA device; it has no console password either (IAM.5 and Prowler pass it, IAM.19 counts every IAM user)')
  return unknown(`the user has no MFA device, and password_enabled is "${cell('password_enabled') ?? ''}", not true or false`)
}

export function evaluateConsoleMfa(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const f = inv.credentialReport
  if (f.state !== 'ok') return [accountUnknown(CONTROL, inv, f, "the IAM users' MFA")]
  const out = namelessProblems(CONTROL, inv, f.rel, f.value, 'rows')
  for (const item of f.value) {
    const evidence = [`${f.rel}#${item.pointer}`]
    if (!item.ok) {
      if (item.name && !item.name.endsWith(':root')) out.push(evaluation(CONTROL, item.name, unknown(`${f.rel}: ${item.error}`), { account: inv.account, evidence }))
      continue
    }
    const row: CredentialReportRow = item.value
    if (row.user === '<root_account>') continue
    const resource = row.arn.startsWith('arn:') ? row.arn : `arn:aws:iam::${inv.account}:user/${row.user}`
    out.push(
      evaluation(
        CONTROL,
        resource,
        consoleMfaVerdict((n) => row.columns.get(n)),
        { account: inv.account, evidence }
      )
    )
  }
  return out
}
