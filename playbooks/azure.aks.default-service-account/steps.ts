// What azure.aks.default-service-account finds at fault in a workload: its pods run as their
// namespace's default service account. The steps are the workload kit's: which workloads, are they
// the cluster's own (main/controls/kubernetes-steps.ts), and did the default account's token call the
// API server in the window (main/controls/kubernetes-token.ts).
import type { WorkloadConcerns } from '../../main/controls/kubernetes-evidence'
import { workloadSteps } from '../../main/controls/kubernetes-steps'
import { tokenUsedStep } from '../../main/controls/kubernetes-token'
import { serviceAccountOf } from '../../main/semantics/kubernetes-workloads'

export const DEFAULT_SA = 'azure.aks.default-service-account'

export const DEFAULT_SA_CONCERNS: WorkloadConcerns = {
  [DEFAULT_SA]: {
    what: 'the default service account of its namespace as the one its pods run as',
    pod: (w) => ({ at: serviceAccountOf(w.spec) === 'default', why: `service account ${w.namespace}/${serviceAccountOf(w.spec)}` })
  }
}

const { offends, system } = workloadSteps('k8s.default-sa', DEFAULT_SA_CONCERNS)
export const DEFAULT_SA_STEPS = [offends, tokenUsedStep('k8s.default-sa-token-used', DEFAULT_SA_CONCERNS), system]
