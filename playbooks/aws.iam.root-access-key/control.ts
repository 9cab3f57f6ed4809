// aws.iam.root-access-key — the root user should have no access key (Security Hub IAM.4, CIS 1.4).
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateRootAccessKey } from './evaluate'
import { rootAccessKeyFix } from './fix'
import { rootAccessKeyGuardrails } from './guardrails'
import { ROOT_KEY_STEPS } from './steps'

export default defineControl({
  id: 'aws.iam.root-access-key',
  evaluate: perAccount(evaluateRootAccessKey),
  steps: ROOT_KEY_STEPS,
  fix: rootAccessKeyFix,
  guardrails: rootAccessKeyGuardrails
})
