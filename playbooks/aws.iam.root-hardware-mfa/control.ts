// aws.iam.root-hardware-mfa — hardware MFA for the root user (Security Hub IAM.6, CIS 1.2's 1.14).
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateRootHardwareMfa } from './evaluate'
import { rootHardwareMfaFix } from './fix'
import { rootHardwareMfaGuardrails } from './guardrails'
import { ROOT_HARDWARE_MFA_STEPS } from './steps'

export default defineControl({
  id: 'aws.iam.root-hardware-mfa',
  evaluate: perAccount(evaluateRootHardwareMfa),
  steps: ROOT_HARDWARE_MFA_STEPS,
  fix: rootHardwareMfaFix,
  guardrails: rootHardwareMfaGuardrails
})
