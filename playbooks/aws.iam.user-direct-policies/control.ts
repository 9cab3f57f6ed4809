// aws.iam.user-direct-policies — IAM users should not have IAM policies attached (Security Hub IAM.2, CIS 1.2's 1.16).
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateUserDirectPolicies } from './evaluate'
import { userDirectPoliciesFix } from './fix'
import { userDirectPoliciesGuardrails } from './guardrails'
import { USER_DIRECT_POLICIES_STEPS } from './steps'

export default defineControl({
  id: 'aws.iam.user-direct-policies',
  evaluate: perAccount(evaluateUserDirectPolicies),
  steps: USER_DIRECT_POLICIES_STEPS,
  fix: userDirectPoliciesFix,
  guardrails: userDirectPoliciesGuardrails
})
