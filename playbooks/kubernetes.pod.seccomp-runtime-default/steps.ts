// What kubernetes.pod.seccomp-runtime-default finds at fault in a workload, for its own control (Trivy
// KSV-0030: a container — of `containers` or `initContainers` — whose seccomp profile, its own or else the
// pod's, is neither RuntimeDefault nor Localhost) and the one its playbook serves (iac.trivy.ksv-0104,
// KSV-0104: a profile not set, or Unconfined), and the question the fix turns on: does the container make
// a system call the runtime's default profile refuses? The workload kit's steps (which workloads, do they
// run, are they the cluster's own) are made with the concerns; `syscalls` is this folder's.
import { z } from 'zod'
import { defineStep } from '../../main/controls/step'
import { outcome } from '../../main/controls/step-common'
import { judge, WORKLOAD_TYPES, type WorkloadConcern, type WorkloadConcerns } from '../../main/controls/kubernetes-evidence'
import { workloadSteps } from '../../main/controls/kubernetes-steps'
import { containerAt } from '../../main/controls/kubernetes-container-patch'
import { containersOf, workloadText, type Container, type PodSpec } from '../../main/semantics/kubernetes-workloads'
import { addedCapabilities, isPrivileged, seccompOf } from '../../main/semantics/kubernetes-security-context'

export const CONTROL = 'kubernetes.pod.seccomp-runtime-default'
export const NOT_UNCONFINED = 'iac.trivy.ksv-0104'

const concern = (what: string, atFault: (type: string | null) => boolean): WorkloadConcern => ({
  what,
  containers: (w) =>
    containersOf(w.spec).flatMap(({ list, index, container }) => {
      const s = seccompOf(w.spec, container)
      return list !== 'ephemeralContainers' && atFault(s.type) ? [{ list, index, name: container.name, what: s.type ? s.why : 'no seccompProfile (Unconfined)' }] : []
    })
})

export const SECCOMP_CONCERNS: WorkloadConcerns = {
  [CONTROL]: concern('a container whose seccomp profile is neither RuntimeDefault nor Localhost', (t) => t !== 'RuntimeDefault' && t !== 'Localhost'),
  [NOT_UNCONFINED]: concern('a container without a seccomp profile, or Unconfined', (t) => t === null || t.toLowerCase() === 'unconfined')
}

const { offends, runs, system } = workloadSteps('k8s.seccomp', SECCOMP_CONCERNS)

/** What setting RuntimeDefault means for one container, from what its spec says. */
function confinement(spec: PodSpec, c: Container): string {
  if (isPrivileged(c))
    return 'privileged: the runtime runs it unconfined whatever the profile says; the patch changes nothing while it is privileged, and confines it once privileged mode goes'
  const s = seccompOf(spec, c)
  const caps = addedCapabilities(c).filter((x) => ['SYS_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_TIME', 'SYS_BOOT', 'PERFMON', 'BPF'].includes(x))
  const held = caps.length ? `; the default profile still allows the calls its added ${caps.join(', ')} ${caps.length > 1 ? 'are' : 'is'} for` : ''
  if (s.type && s.type.toLowerCase() === 'unconfined')
    return `${s.why}, set on purpose: someone chose to run it without a filter (a debugger, a sandbox that makes namespaces, a profiler)${held}`
  return `${s.why}${held}`
}

const syscalls = defineStep({
  name: 'k8s.seccomp-syscalls',
  summary:
    "whether a container at fault makes a system call the runtime's default seccomp profile refuses (unshare and clone of new namespaces, mount, keyctl, bpf, perf_event_open, userfaultfd … unless it holds the capability they need): which calls a process makes no evidence of the bundle shows; the step says what each container's spec tells (no profile, Unconfined on purpose, privileged)",
  resourceTypes: WORKLOAD_TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const j = judge(ctx, SECCOMP_CONCERNS)
    if ('error' in j) return j.error
    const o = { evidence: [j.evidence], sources: ['kubernetes.workloads' as const] }
    if (!j.at.length) return outcome('no', 'no container is at fault', { ...o, certainty: 'proven' })
    const text = j.at.flatMap((x) => x.containers.map((at) => `${workloadText(x.workload)} container ${at.name}: ${confinement(x.workload.spec, containerAt(x, at))}`)).join('; ')
    return outcome(
      'unknown',
      `${text}. RuntimeDefault refuses some system calls (unshare and clone of new namespaces, mount, keyctl, bpf, perf_event_open, userfaultfd, kexec_load …) unless the container holds the capability they need; which calls its processes make no evidence in the bundle shows (audit logs record API requests, not system calls)`,
      o
    )
  }
})

export const SECCOMP_STEPS = [offends, runs, system, syscalls]
