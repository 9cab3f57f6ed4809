// azure.aks.default-service-account — workloads should run as a service account of their own. What
// playbook.yaml cannot declare: what it finds at fault in a workload, handed to the workload kit's
// step functions (./steps.ts), and the fix (a service account per workload, bound as the default one
// is, and the workload patched to run as it) with its rollback.
import { defineControl } from '../../main/controls/control'
import { defaultServiceAccountFix } from './fix'
import { DEFAULT_SA_STEPS } from './steps'

export default defineControl({
  id: 'azure.aks.default-service-account',
  steps: DEFAULT_SA_STEPS,
  fix: defaultServiceAccountFix
})
