// aws.kms.public-access — KMS keys should not be publicly accessible (Security Hub KMS.5).
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateKmsPublicAccess } from './evaluate'
import { kmsPublicAccessFix } from './fix'
import { kmsPublicAccessGuardrails } from './guardrails'
import { KMS_PUBLIC_STEPS } from './steps'

export default defineControl({
  id: 'aws.kms.public-access',
  evaluate: perAccount(evaluateKmsPublicAccess),
  steps: KMS_PUBLIC_STEPS,
  fix: kmsPublicAccessFix,
  guardrails: kmsPublicAccessGuardrails
})
