// The step functions of the Kubernetes workload-hardening playbooks, made for a folder from the
// concerns it declares (which containers or pod specs of a workload its controls find at fault, and
// why: kubernetes-evidence.ts WorkloadConcern): which workloads and containers the finding means (a
// finding on the cluster means every workload of it at fault; a finding on an object that runs no
// container, none), do they run pods, and are they the cluster's own. From
// kubernetes/<cluster>/workloads.json (main/semantics/kubernetes-workloads.ts).
import { z } from 'zod'
import { defineStep, type StepFunction } from './step'
import { outcome, plural } from './step-common'
import { judge, offenderText, runs, systemWorkload, WORKLOAD_TYPES, type Judged, type Offender, type WorkloadConcerns } from './kubernetes-evidence'
import { workloadText } from '../semantics/kubernetes-workloads'

const noted = (j: Judged): string => (j.notes.length ? ` (${j.notes.join('; ')})` : '')
const list = (os: readonly Offender[], max = 6): string => `${os.slice(0, max).map(offenderText).join('; ')}${os.length > max ? `; and ${os.length - max} more` : ''}`

/** A folder's workload steps: `<prefix>-offends`, `<prefix>-runs`, `<prefix>-system`, answering for the controls of `concerns`. */
export function workloadSteps(prefix: string, concerns: WorkloadConcerns): { offends: StepFunction; runs: StepFunction; system: StepFunction } {
  const offends = defineStep({
    name: `${prefix}-offends`,
    summary:
      'which workloads (the controller a person changes: Deployment, DaemonSet, StatefulSet, CronJob, or a pod no controller owns) and containers the finding means — every one at fault in the cluster for a finding on the cluster, none for an object that runs no container — from workloads.json',
    resourceTypes: WORKLOAD_TYPES,
    params: z.object({}).strict(),
    run(ctx) {
      const j = judge(ctx, concerns)
      if ('error' in j) return j.error
      if (j.noContainer) return outcome('no', `${j.noContainer}: there is nothing to change, and the finding is stale`, { certainty: 'proven' })
      const o = { evidence: [j.evidence], sources: ['kubernetes.workloads' as const] }
      if (j.at.length) return outcome('yes', `${plural(j.at.length, 'workload')} at fault, with ${j.concern.what}${noted(j)}: ${list(j.at)}`, { ...o, certainty: 'proven' })
      if (j.unknown.length) return outcome('unknown', `no workload is known to have ${j.concern.what}, but ${j.unknown.slice(0, 4).join('; ')}`, o)
      return outcome('no', `no workload in workloads.json has ${j.concern.what}${noted(j)}: there is nothing to change, and the finding is stale`, { ...o, certainty: 'proven' })
    }
  })

  const running = defineStep({
    name: `${prefix}-runs`,
    summary: 'whether the workloads at fault run pods now (pods in workloads.json, replicas above zero, a DaemonSet, a CronJob not suspended)',
    resourceTypes: WORKLOAD_TYPES,
    params: z.object({}).strict(),
    run(ctx) {
      const j = judge(ctx, concerns)
      if ('error' in j) return j.error
      const o = { evidence: [j.evidence], sources: ['kubernetes.workloads' as const], certainty: 'proven' as const }
      if (!j.at.length) return outcome('no', 'no workload is at fault, so none runs', o)
      const live = j.at.map((x) => ({ x, r: runs(x.workload) }))
      const yes = live.filter((l) => l.r.yes)
      if (yes.length) return outcome('yes', `${yes.map((l) => `${workloadText(l.x.workload)}: ${l.r.why}`).join('; ')}`, o)
      return outcome(
        'no',
        `none runs a pod: ${live.map((l) => `${workloadText(l.x.workload)}: ${l.r.why}`).join('; ')}. The change reaches only the template, for pods not started yet (an autoscaler that scales from zero, such as KEDA, is not in workloads.json)`,
        o
      )
    }
  })

  const system = defineStep({
    name: `${prefix}-system`,
    summary:
      "whether a workload at fault is the cluster's own (the rule: kube-system, AKS's managedby/add-on manager labels, calico-system, tigera-operator, gatekeeper-system), which AKS deploys and needs as it is",
    resourceTypes: WORKLOAD_TYPES,
    params: z.object({}).strict(),
    run(ctx) {
      const j = judge(ctx, concerns)
      if ('error' in j) return j.error
      const o = { evidence: [j.evidence], sources: ['kubernetes.workloads' as const], certainty: 'proven' as const }
      const own = j.at.flatMap((x) => {
        const why = systemWorkload(x.workload)
        return why ? [`${workloadText(x.workload)}: ${why}`] : []
      })
      if (own.length) {
        const others = j.at.filter((x) => !systemWorkload(x.workload))
        return outcome('yes', `${own.join('; ')}${others.length ? `. The others (${others.map((x) => workloadText(x.workload)).join(', ')}) are not the cluster's own` : ''}`, o)
      }
      return outcome('no', j.at.length ? `${j.at.map((x) => workloadText(x.workload)).join(', ')}: none is the cluster's own` : 'no workload is at fault', o)
    }
  })

  return { offends, runs: running, system }
}
