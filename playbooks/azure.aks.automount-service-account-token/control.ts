// azure.aks.automount-service-account-token — pods should get a service account token only when they
// call the API server. What playbook.yaml cannot declare: what it finds at fault in a workload, handed
// to the workload kit's step functions (which workloads, the token's requests in the audit log, the
// cluster's own).
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
