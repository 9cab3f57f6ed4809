// aws.iam.full-admin-policy — IAM policies should not allow full "*:*" administrative privileges (Security Hub IAM.1).
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateFullAdminPolicies } from './evaluate'
import { fullAdminPolicyFix } from './fix'
import { fullAdminPolicyGuardrails } from './guardrails'
import { FULL_ADMIN_STEPS } from './steps'

export default defineControl({
  id: 'aws.iam.full-admin-policy',
  evaluate: perAccount(evaluateFullAdminPolicies),
  steps: FULL_ADMIN_STEPS,
  fix: fullAdminPolicyFix,
  guardrails: fullAdminPolicyGuardrails
})
