// aws.s3.cross-account-access — S3 bucket policies should restrict access to other AWS accounts
// (Security Hub S3.6): the evaluator, the steps, the fix (the blocked actions removed from the
// statements granting them to other accounts) with its rollback, and the Config rule guardrail.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateCrossAccountAccess } from './evaluate'
import { crossAccountFix } from './fix'
import { crossAccountGuardrails } from './guardrails'
import { CROSS_ACCOUNT_STEPS } from './steps'

export default defineControl({
  id: 'aws.s3.cross-account-access',
  evaluate: perAccount(evaluateCrossAccountAccess),
  steps: CROSS_ACCOUNT_STEPS,
  fix: crossAccountFix,
  guardrails: crossAccountGuardrails
})
