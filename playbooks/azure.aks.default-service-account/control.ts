// azure.aks.default-service-account — workloads should run as a service account of their own. What
// playbook.yaml cannot declare: the fix (a service account per workload, bound as the default one is,
// and the workload patched to run as it) with its rollback. The steps are other folders' (named there).
import { defineControl } from '../../main/controls/control'
import { defaultServiceAccountFix } from './fix'

export default defineControl({
  id: 'azure.aks.default-service-account',
  fix: defaultServiceAccountFix
})
