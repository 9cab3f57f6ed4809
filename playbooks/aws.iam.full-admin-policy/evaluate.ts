// aws.iam.full-admin-policy (Security Hub IAM.1, CIS 1.16, Config iam-policy-no-statements-with-admin-access,
// Prowler iam_*_policy_no_administrative_privileges), from inventory/iam-authorization.json: one row
// per customer managed policy. FAIL when its default version has an Allow statement granting every
// action on every resource with no condition (read by the IAM policy evaluator, so `"Action": "*"`
// with `"Resource": "*"` and its equivalents); PASS otherwise; UNKNOWN when the default version
// cannot be read. AWS managed policies (arn:aws:iam::aws:policy/…) are not this control's to change.
import type { EvaluationContext } from '../../main/controls/evaluation'
import { accountUnknown, evaluation } from '../../main/controls/evaluation'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import type { IamPolicyDetail } from '../../main/semantics/inventory-iam'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'
import { adminState } from './authorization'

const CONTROL = 'aws.iam.full-admin-policy'

export function fullAdminVerdict(p: IamPolicyDetail): Verdict {
  const s = adminState(p)
  if (s.state === 'unknown') return unknown(s.why)
  if (s.state === 'admin') return fail(`the default version ${s.version} of ${p.PolicyName} allows every action on every resource (${s.sids.join(', ')})`)
  return pass(`the default version ${s.version} of ${p.PolicyName} grants no "*" on "*"`)
}

export function evaluateFullAdminPolicies(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const f = inv.iamAuthorization
  if (f.state !== 'ok') return [accountUnknown(CONTROL, inv, f, 'the IAM policies')]
  return f.value.Policies.flatMap((p, i) =>
    p.Arn.startsWith('arn:aws:iam::aws:') ? [] : [evaluation(CONTROL, p.Arn, fullAdminVerdict(p), { account: inv.account, evidence: [`${f.rel}#/Policies/${i}`] })]
  )
}
