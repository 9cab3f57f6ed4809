// aws.iam.user-direct-policies (Security Hub IAM.2, Config iam-user-no-policies-check, Prowler
// iam_policy_attached_only_to_group_or_roles), from inventory/iam-authorization.json: one row per IAM user.
// FAIL when the user has a managed policy attached or an inline policy of its own; PASS otherwise.
import type { EvaluationContext } from '../../main/controls/evaluation'
import { accountUnknown, evaluation } from '../../main/controls/evaluation'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { ownPolicies, type IamUserDetail } from '../../main/semantics/inventory-iam'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, type Verdict } from '../../main/semantics/verdict'
import { ownText } from './move'

const CONTROL = 'aws.iam.user-direct-policies'

export function userDirectPoliciesVerdict(u: IamUserDetail): Verdict {
  const own = ownPolicies(u)
  if (own.managed.length || own.inline.length) return fail(`${u.UserName} holds ${ownText(u)} directly, not through a group`)
  return pass(`${u.UserName} holds no policy of its own${u.GroupList?.length ? ` (groups: ${u.GroupList.join(', ')})` : ''}`)
}

export function evaluateUserDirectPolicies(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const f = inv.iamAuthorization
  if (f.state !== 'ok') return [accountUnknown(CONTROL, inv, f, "the IAM users' policies")]
  return f.value.UserDetailList.map((u, i) => evaluation(CONTROL, u.Arn, userDirectPoliciesVerdict(u), { account: inv.account, evidence: [`${f.rel}#/UserDetailList/${i}`] }))
}
