// aws.sqs.public-access — SQS queue access policies should not allow public access (Security Hub SQS.3).
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateSqsPublicAccess } from './evaluate'
import { sqsPublicAccessFix } from './fix'
import { sqsPublicAccessGuardrails } from './guardrails'
import { SQS_PUBLIC_STEPS } from './steps'

export default defineControl({
  id: 'aws.sqs.public-access',
  evaluate: perAccount(evaluateSqsPublicAccess),
  steps: SQS_PUBLIC_STEPS,
  fix: sqsPublicAccessFix,
  guardrails: sqsPublicAccessGuardrails
})
