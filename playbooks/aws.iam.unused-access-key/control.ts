// aws.iam.unused-access-key — IAM access keys unused for 45 days or more (Security Hub IAM.22,
// CIS 1.12). What playbook.yaml cannot declare: the evaluator over the credential report, the step
// functions, the fix (deactivate, delete after the observation period) with its rollback, and the
// guardrails.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateUnusedAccessKeys } from './evaluate'
import { iamUnusedAccessKeyFix } from './fix'
import { unusedAccessKeyGuardrails } from './guardrails'
import { IAM_STEPS } from './steps'

export default defineControl({
  id: 'aws.iam.unused-access-key',
  evaluate: perAccount(evaluateUnusedAccessKeys),
  steps: IAM_STEPS,
  fix: iamUnusedAccessKeyFix,
  guardrails: unusedAccessKeyGuardrails
})
