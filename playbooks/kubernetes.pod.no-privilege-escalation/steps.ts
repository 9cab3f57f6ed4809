// What kubernetes.pod.no-privilege-escalation finds at fault in a workload — a container (of
// `containers` or `initContainers`, as Trivy's KSV-0001 reads them) whose allowPrivilegeEscalation is
// not false — and the question the fix turns on: can the container do without gaining privileges at
// exec? The workload kit's steps (which workloads, do they run, are they the cluster's own) are made
// with the concern; `needed` is this folder's.
import { z } from 'zod'
import { defineStep } from '../../main/controls/step'
import { outcome } from '../../main/controls/step-common'
import { judge, WORKLOAD_TYPES, type WorkloadConcern, type WorkloadConcerns } from '../../main/controls/kubernetes-evidence'
import { workloadSteps } from '../../main/controls/kubernetes-steps'
import { containerAt } from '../../main/controls/kubernetes-container-patch'
import { containersOf, workloadText } from '../../main/semantics/kubernetes-workloads'
import { escalationRequired, noNewPrivs, processUser } from '../../main/semantics/kubernetes-security-context'

export const CONTROL = 'kubernetes.pod.no-privilege-escalation'

const escalates: WorkloadConcern = {
  what: 'a container whose allowPrivilegeEscalation is not false',
  containers: (w) =>
    containersOf(w.spec).flatMap(({ list, index, container }) =>
      list === 'ephemeralContainers' || noNewPrivs(container)
        ? []
        : [{ list, index, name: container.name, what: `allowPrivilegeEscalation ${container.securityContext?.allowPrivilegeEscalation === true ? 'true' : 'not set (true)'}` }]
    )
}

export const ESCALATION_CONCERNS: WorkloadConcerns = { [CONTROL]: escalates }

const { offends, runs, system } = workloadSteps('k8s.no-escalation', ESCALATION_CONCERNS)

/** What no_new_privs takes from a container's processes, by who they run as. */
function felt(user: ReturnType<typeof processUser>): string {
  if (user.nonRoot === true) return `${user.why}: a setuid or setcap program it runs (sudo, su, newgrp, ping where it is setuid) no longer gains root or capabilities and fails`
  if (user.nonRoot === false) return `${user.why}: the capabilities it holds stay; only a process that switches to another user and then runs a setuid or setcap program is refused`
  return `${user.why}: as root, nothing it holds changes; as another user, a setuid or setcap program it runs (sudo, su, ping where it is setuid) fails`
}

const needed = defineStep({
  name: 'k8s.no-escalation-needed',
  summary:
    'whether a container at fault needs escalation: privileged or adding CAP_SYS_ADMIN (Kubernetes keeps escalation on for them, and the API server refuses allowPrivilegeEscalation: false beside privileged or CAP_SYS_ADMIN); otherwise what no_new_privs would take from its processes, by the user they run as — which no evidence of exec calls can settle',
  resourceTypes: WORKLOAD_TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const j = judge(ctx, ESCALATION_CONCERNS)
    if ('error' in j) return j.error
    const o = { evidence: [j.evidence], sources: ['kubernetes.workloads' as const] }
    if (!j.at.length) return outcome('no', 'no container is at fault', { ...o, certainty: 'proven' })
    const all = j.at.flatMap((x) => x.containers.map((at) => ({ w: x.workload, c: containerAt(x, at) })))
    const required = all.flatMap(({ w, c }) => {
      const why = escalationRequired(c)
      return why ? [`${workloadText(w)} container ${c.name}: ${why}`] : []
    })
    if (required.length)
      return outcome(
        'yes',
        `${required.join('; ')}. Escalation is part of what such a container is given; it goes only with privileged mode or SYS_ADMIN (kubernetes.pod privileged and capability findings), not by this setting`,
        { ...o, certainty: 'proven' }
      )
    return outcome(
      'unknown',
      `${all.map(({ w, c }) => `${workloadText(w)} container ${c.name}: ${felt(processUser(w.spec, c))}`).join('; ')}. Which programs the containers run no evidence in the bundle shows`,
      o
    )
  }
})

export const ESCALATION_STEPS = [offends, runs, system, needed]
