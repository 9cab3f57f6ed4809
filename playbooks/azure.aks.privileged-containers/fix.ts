// azure.aks.privileged-containers: patch each workload at fault (not the cluster's own) so that its
// privileged containers are no longer privileged — `securityContext.privileged: false` on the
// controller's pod template, by a JSON patch whose test operations pin the container's name and the
// value the evidence showed. The rollback patches `true` back on exactly those containers.
import type { FixRenderer } from '../../main/controls/fix'
import { containerPath, renderWorkloadPatches, workloadFixInputs, type WorkloadPatch } from '../../main/controls/kubernetes-fix'
import type { Offender } from '../../main/controls/kubernetes-evidence'
import { PRIVILEGED_CONCERNS } from './steps'

export const CONTROL = 'azure.aks.privileged-containers'

/** The patch of one workload: privileged true → false on each of its privileged containers, and back. */
export function privilegedPatch(o: Offender): WorkloadPatch {
  const w = o.workload
  const ops = o.containers.map((c) => ({ name: `${containerPath(w, c)}/name`, field: `${containerPath(w, c)}/securityContext/privileged`, container: c.name }))
  return {
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    patch: ops.flatMap((x) => [
      { op: 'test' as const, path: x.name, value: x.container },
      { op: 'test' as const, path: x.field, value: true },
      { op: 'replace' as const, path: x.field, value: false }
    ]),
    rollback: ops.flatMap((x) => [
      { op: 'test' as const, path: x.name, value: x.container },
      { op: 'test' as const, path: x.field, value: false },
      { op: 'replace' as const, path: x.field, value: true }
    ]),
    before: ops.map((x) => ({ path: x.field, value: true })),
    after: ops.map((x) => ({ path: x.field, value: false })),
    changes: ops.map((x) => `container ${x.container}: privileged true → false`)
  }
}

export const privilegedFix: FixRenderer = {
  control: CONTROL,
  summary: "turn privileged mode off on the containers of the workloads at fault (a JSON patch of each controller's pod template)",
  inputs: (db, target) => workloadFixInputs(db, target, PRIVILEGED_CONCERNS, privilegedPatch),
  render: (ctx) =>
    renderWorkloadPatches(ctx, {
      title: `Fix: turn privileged mode off on the containers of the workloads at fault in ${ctx.target.name ?? ctx.target.resourceId}`,
      summary: 'patch privileged: false onto the containers at fault',
      clusterName: ctx.target.name ?? ctx.target.resourceId,
      preconditions: [
        'the containers do not need privileged mode: no evidence shows it (the investigation says RISKY for a workload that runs); test the patched workload outside production first, or patch only a workload that runs no pod',
        "the cluster's own workloads (kube-system, AKS-managed) are left as they are: the investigation names them"
      ]
    })
}
