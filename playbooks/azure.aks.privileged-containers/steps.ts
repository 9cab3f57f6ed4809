// What azure.aks.privileged-containers and the capability controls its playbook serves find at fault
// in a workload: a container that runs privileged, or adds Linux capabilities (any, or beyond those
// the Pod Security Standards' Baseline profile allows). The steps (which workloads, do they run, are
// they the cluster's own) are the workload kit's (main/controls/kubernetes-steps.ts), made with these.
import { containerConcern, type WorkloadConcerns } from '../../main/controls/kubernetes-evidence'
import { workloadSteps } from '../../main/controls/kubernetes-steps'
import { BASELINE_CAPABILITIES, capabilityName, type Container } from '../../main/semantics/kubernetes-workloads'

export const PRIVILEGED = 'azure.aks.privileged-containers'
export const ADDED_CAPABILITIES = 'azure.aks.container-added-capabilities'
export const PSS_CAPABILITIES = 'kubernetes.pod.added-capabilities'
/** Trivy's KSV-0017 on one workload of a cluster (the Pod Security Standards' Baseline "Privileged Containers") */
export const PSS_PRIVILEGED = 'kubernetes.pod.privileged'

const privileged = containerConcern('a privileged container', (c) => (c.securityContext?.privileged === true ? 'privileged: true' : null))

const added = (c: Container, beyondBaseline: boolean): string[] =>
  (c.securityContext?.capabilities?.add ?? []).map(capabilityName).filter((x) => !beyondBaseline || !BASELINE_CAPABILITIES.has(x))

export const PRIVILEGED_CONCERNS: WorkloadConcerns = {
  [PRIVILEGED]: privileged,
  [PSS_PRIVILEGED]: privileged,
  [ADDED_CAPABILITIES]: containerConcern('a container that adds Linux capabilities', (c) => {
    const a = added(c, false)
    return a.length ? `adds ${a.join(', ')}` : null
  }),
  // the Pod Security Standards' Baseline profile allows a container to add the capabilities of BASELINE_CAPABILITIES
  [PSS_CAPABILITIES]: containerConcern('a container that adds Linux capabilities beyond the Baseline profile', (c) => {
    const a = added(c, true)
    return a.length ? `adds ${a.join(', ')} (beyond Baseline)` : null
  })
}

const { offends, runs, system } = workloadSteps('k8s.workload', PRIVILEGED_CONCERNS)
export const WORKLOAD_STEPS = [offends, runs, system]
