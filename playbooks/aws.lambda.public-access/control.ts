// aws.lambda.public-access — Lambda function policies should prohibit public access (Security Hub Lambda.1).
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateLambdaPublicAccess } from './evaluate'
import { lambdaPublicAccessFix } from './fix'
import { lambdaPublicAccessGuardrails } from './guardrails'
import { LAMBDA_PUBLIC_STEPS } from './steps'

export default defineControl({
  id: 'aws.lambda.public-access',
  evaluate: perAccount(evaluateLambdaPublicAccess),
  steps: LAMBDA_PUBLIC_STEPS,
  fix: lambdaPublicAccessFix,
  guardrails: lambdaPublicAccessGuardrails
})
