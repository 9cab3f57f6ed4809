// aws.iam.console-mfa — IAM users should have MFA (Security Hub IAM.5, IAM.19; CIS 1.10).
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateConsoleMfa } from './evaluate'
import { consoleMfaFix } from './fix'
import { consoleMfaGuardrails } from './guardrails'
import { CONSOLE_MFA_STEPS } from './steps'

export default defineControl({
  id: 'aws.iam.console-mfa',
  evaluate: perAccount(evaluateConsoleMfa),
  steps: CONSOLE_MFA_STEPS,
  fix: consoleMfaFix,
  guardrails: consoleMfaGuardrails
})
