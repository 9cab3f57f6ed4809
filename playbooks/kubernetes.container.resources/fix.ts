// kubernetes.container.resources: set the missing request or limit on each container at fault of the
// workloads (not the cluster's own), from what the container used over the window (./sizing.ts says
// which statistic and headroom, and why), by a JSON patch of the controller's pod template. The patch
// tests the container's name at its index and its `resources` object as the evidence had it (the API
// server stores `resources: {}` on a container that sets none), then writes the new object; the
// rollback tests the object the fix wrote and puts the old one back, exactly. Refused when the values
// cannot be chosen from evidence (a container not seen every day of the window), or when the pods with
// them would be refused (no node's allocatable fits them, a LimitRange or quota refuses them).
import type { FixRenderer } from '../../main/controls/fix'
import { LastmileError } from '../../main/errors'
import { evidenceEnd, listEvidence, playbookWindow, readEvidenceBytes } from '../../main/case/evidence'
import { containerPath, patchTargets, renderWorkloadPatches, type WorkloadPatch } from '../../main/controls/kubernetes-fix'
import { kubernetesObjectOf, type Offender } from '../../main/controls/kubernetes-evidence'
import { workloadText } from '../../main/semantics/kubernetes-workloads'
import { resourcesOf, RESOURCE_CONCERNS, sizeOffender, type ContainerSizing } from './sizing'
import { loadCapacity, loadPlacements, loadUsage } from './evidence'
import { placement } from './steps'

export const CONTROL = 'kubernetes.container.resources'
const WINDOW_DAYS = 90

/** The patch of one workload: each container's resources object, as the evidence had it → with the chosen values, and back. */
export function resourcesPatch(o: Offender, sizes: readonly ContainerSizing[]): WorkloadPatch {
  const w = o.workload
  const ops = sizes.map((z) => {
    const c = (w.spec[z.container.list] ?? [])[z.container.index]
    const before = (resourcesOf(c) ?? {}) as Record<string, Record<string, string | number> | null | undefined>
    const after: Record<string, unknown> = { ...before }
    for (const v of z.set) after[v.kind] = { ...((after[v.kind] as Record<string, unknown> | undefined) ?? {}), [v.resource]: v.value }
    const base = containerPath(w, z.container)
    return { name: `${base}/name`, field: `${base}/resources`, container: z.container.name, before, after, set: z.set }
  })
  return {
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    patch: ops.flatMap((x) => [
      { op: 'test' as const, path: x.name, value: x.container },
      { op: 'test' as const, path: x.field, value: x.before },
      { op: 'add' as const, path: x.field, value: x.after }
    ]),
    rollback: ops.flatMap((x) => [
      { op: 'test' as const, path: x.name, value: x.container },
      { op: 'test' as const, path: x.field, value: x.after },
      { op: 'replace' as const, path: x.field, value: x.before }
    ]),
    before: ops.map((x) => ({ path: x.field, value: x.before })),
    after: ops.map((x) => ({ path: x.field, value: x.after })),
    changes: ops.map((x) => `container ${x.container}: ${x.set.map((v) => `${v.kind}.${v.resource} ${v.value} (${v.why})`).join(', ')}`)
  }
}

export const resourcesFix: FixRenderer = {
  control: CONTROL,
  summary: "set the missing CPU or memory request or limit on the containers at fault, from their observed use (a JSON patch of each controller's pod template)",
  inputs: (db, target) => {
    const t = patchTargets(db, target, RESOURCE_CONCERNS)
    const window = playbookWindow(evidenceEnd(db), WINDOW_DAYS)
    if (!window) throw new LastmileError('not-found', `${target.finding}: no evidence bundle gives a window: the containers' use over it is unknown`)
    const files = listEvidence(db)
    const bytes = (id: string): Buffer | null => readEvidenceBytes(db, id)
    const usage = loadUsage(files, bytes, t.cluster)
    const sized = t.offenders.map((o) => ({ o, sizes: sizeOffender(o, target.control, usage.series, window) }))
    const unknown = sized.flatMap((s) => s.sizes.filter((z) => z.unknown).map((z) => `${workloadText(s.o.workload)}: ${z.unknown}`))
    if (unknown.length)
      throw new LastmileError(
        'conflict',
        `${target.finding}: the values cannot be chosen from evidence — ${unknown.join('; ')}. Collect kubernetes/<cluster>/metrics/ covering every day of the window (docs/evidence-bundle.md), or choose the values yourself and change the workload's manifest`
      )
    const cap = loadCapacity(files, bytes, t.cluster)
    if (!cap.ok) throw new LastmileError('not-found', `${target.finding}: ${cap.why}; add it before planning`)
    const pods = loadPlacements(files, bytes, t.cluster)
    const refused = sized.map((s) => placement(s.o, s.sizes, cap.value, pods).refused).filter((x): x is string => !!x)
    if (refused.length)
      throw new LastmileError('conflict', `${target.finding}: ${refused.join('; ')}; the fix would leave pods Pending (UNSAFE): route it to the workload's owners`)
    return {
      values: { patches: sized.map((s) => resourcesPatch(s.o, s.sizes)), left: t.left },
      evidence: [...t.evidence, ...usage.files, ...cap.files],
      collectedAt: t.collectedAt
    }
  },
  render: (ctx) =>
    renderWorkloadPatches(ctx, {
      title: `Fix: set the missing CPU and memory requests or limits, from observed use, on the containers at fault of ${ctx.target.name ?? ctx.target.resourceId}`,
      summary: 'patch the chosen requests and limits onto the containers at fault',
      // Trivy's k8s:<cluster>/… names the cluster as the kubeconfig context does (an EKS cluster by its ARN)
      clusterName: kubernetesObjectOf(ctx.target.resourceId)?.cluster || (ctx.target.name ?? ctx.target.resourceId),
      preconditions: [
        'the values come from the use the metrics show over the window (requests: the 95th percentile of the hourly peaks; limits: the highest peak × 2 for CPU, × 1.5 for memory); a load the window did not see (a yearly batch, a launch) needs more: raise them before applying',
        'the controller rolls its pods out with the new template: pods restart, as for any change of it',
        "the cluster's own workloads (kube-system, AKS-managed) are left as they are: the investigation names them"
      ]
    })
}
