// azure.aks.privileged-containers — containers should not run privileged or add Linux capabilities;
// its playbook also serves azure.aks.container-added-capabilities and kubernetes.pod.added-capabilities.
// What playbook.yaml cannot declare: what its controls find at fault in a workload, handed to the
// workload kit's step functions (which workloads, do they run, are they the cluster's own).
import { defineControl } from '../../main/controls/control'
import { privilegedGuardrails } from './guardrails'
import { privilegedFix } from './fix'
import { WORKLOAD_STEPS } from './steps'

export default defineControl({
  id: 'azure.aks.privileged-containers',
  steps: WORKLOAD_STEPS,
  fix: privilegedFix,
  guardrails: privilegedGuardrails
})
