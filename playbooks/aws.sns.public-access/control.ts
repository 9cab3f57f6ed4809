// aws.sns.public-access — SNS topic access policies should not allow public access (Security Hub SNS.4).
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateSnsPublicAccess } from './evaluate'
import { snsPublicAccessFix } from './fix'
import { snsPublicAccessGuardrails } from './guardrails'
import { SNS_PUBLIC_STEPS } from './steps'

export default defineControl({
  id: 'aws.sns.public-access',
  evaluate: perAccount(evaluateSnsPublicAccess),
  steps: SNS_PUBLIC_STEPS,
  fix: snsPublicAccessFix,
  guardrails: snsPublicAccessGuardrails
})
