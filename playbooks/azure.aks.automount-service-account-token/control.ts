// azure.aks.automount-service-account-token — pods should get a service account token only when they
// call the API server. What playbook.yaml cannot declare: the step function that counts the token's
// requests in the audit log (azure.aks.default-service-account uses it too).
import { defineControl } from '../../main/controls/control'
import { automountGuardrails } from './guardrails'
import { automountFix } from './fix'
import { TOKEN_STEPS } from './steps'

export default defineControl({
  id: 'azure.aks.automount-service-account-token',
  steps: TOKEN_STEPS,
  fix: automountFix,
  guardrails: automountGuardrails
})
