// kubernetes.container.read-only-root-filesystem: set securityContext.readOnlyRootFilesystem: true on
// each container at fault of the workloads (not the cluster's own), by a JSON patch of the controller's
// pod template. The patch tests the whole container object as the evidence had it (so a container whose
// securityContext someone set since is refused, not overwritten), then writes its securityContext with
// the one field added; the rollback tests the container as the fix left it and puts the old object back.
import type { FixRenderer } from '../../main/controls/fix'
import { containerPath, renderWorkloadPatches, workloadFixInputs, type WorkloadPatch } from '../../main/controls/kubernetes-fix'
import { kubernetesObjectOf, type Offender } from '../../main/controls/kubernetes-evidence'
import { READ_ONLY_CONCERNS } from './steps'

export const CONTROL = 'kubernetes.container.read-only-root-filesystem'

export function readOnlyPatch(o: Offender): WorkloadPatch {
  const w = o.workload
  const ops = o.containers.map((c) => {
    const before = (w.spec[c.list] ?? [])[c.index] as unknown as Record<string, unknown>
    const sc = (before.securityContext as Record<string, unknown> | null | undefined) ?? {}
    const after = { ...before, securityContext: { ...sc, readOnlyRootFilesystem: true } }
    return { path: containerPath(w, c), container: c.name, before, after }
  })
  return {
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    patch: ops.flatMap((x) => [
      { op: 'test' as const, path: x.path, value: x.before },
      { op: 'add' as const, path: `${x.path}/securityContext`, value: x.after.securityContext }
    ]),
    rollback: ops.flatMap((x) => [
      { op: 'test' as const, path: x.path, value: x.after },
      { op: 'replace' as const, path: x.path, value: x.before }
    ]),
    before: ops.map((x) => ({ path: x.path, value: x.before })),
    after: ops.map((x) => ({ path: x.path, value: x.after })),
    changes: ops.map((x) => `container ${x.container}: readOnlyRootFilesystem → true`)
  }
}

export const readOnlyFix: FixRenderer = {
  control: CONTROL,
  summary: "make the root filesystem of the containers at fault read-only (a JSON patch of each controller's pod template)",
  inputs: (db, target) => workloadFixInputs(db, target, READ_ONLY_CONCERNS, readOnlyPatch),
  render: (ctx) =>
    renderWorkloadPatches(ctx, {
      title: `Fix: make the root filesystem of the containers at fault read-only in ${ctx.target.name ?? ctx.target.resourceId}`,
      summary: 'patch readOnlyRootFilesystem: true onto the containers at fault',
      clusterName: kubernetesObjectOf(ctx.target.resourceId)?.cluster || (ctx.target.name ?? ctx.target.resourceId),
      preconditions: [
        'the processes write nothing to the root filesystem (a write fails with EROFS): the investigation found no more than the runtime’s own bytes in the writable layers it measured, which cannot show a file written and deleted or written only at times; give the paths they do write (/tmp, a cache) an emptyDir volume first, and test the patched workload outside production',
        "the cluster's own workloads (kube-system, AKS-managed) are left as they are: the investigation names them"
      ]
    })
}
