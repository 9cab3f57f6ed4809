// What azure.aks.automount-service-account-token finds at fault in a workload: its pods get their
// service account's token mounted (the pod spec's automountServiceAccountToken wins over the
// ServiceAccount's; true when neither says). The steps are the workload kit's: which workloads, are
// they the cluster's own (main/controls/kubernetes-steps.ts), and did their token call the API server
// in the window (main/controls/kubernetes-token.ts).
import type { WorkloadConcerns } from '../../main/controls/kubernetes-evidence'
import { workloadSteps } from '../../main/controls/kubernetes-steps'
import { tokenUsedStep } from '../../main/controls/kubernetes-token'
import { automounts, serviceAccountOf } from '../../main/semantics/kubernetes-workloads'

export const AUTOMOUNT = 'azure.aks.automount-service-account-token'

export const AUTOMOUNT_CONCERNS: WorkloadConcerns = {
  [AUTOMOUNT]: {
    what: "its service account's token mounted into its pods",
    pod: (w, all) => {
      const a = automounts(w, all.serviceAccounts)
      if (!a)
        return { at: null, why: `ServiceAccount ${w.namespace}/${serviceAccountOf(w.spec)} is not in workloads.json and the pod spec does not set automountServiceAccountToken` }
      return { at: a.value, why: `automountServiceAccountToken ${a.value} by ${a.by}` }
    }
  }
}

const { offends, system } = workloadSteps('k8s.automount', AUTOMOUNT_CONCERNS)
export const TOKEN_STEPS = [offends, tokenUsedStep('k8s.token-used', AUTOMOUNT_CONCERNS), system]
