// kubernetes.pod.non-root-groups: patch each workload at fault (not the cluster's own) so that no
// process of its pods gets group 0 from the pod spec. A JSON patch of the controller's pod template:
// - runAsGroup 0 (the pod's, or a container's) becomes the user id the same scope runs as (runAsUser,
//   the container's else the pod's), the group most images give their user (1000:1000, distroless
//   nonroot 65532:65532). With no runAsUser other than 0 there is no group to take from the evidence:
//   the plan is refused, naming the workload (choose the group, set it, plan again). Removing the field
//   instead would satisfy the scanner but not the rule: the primary group would be the image's, and
//   the runtime gives group 0 to a uid the image's /etc/passwd does not name.
// - fsGroup 0 is removed: the kubelet no longer makes the volumes group-owned by 0 at mount (what it
//   changed on them stays) and the containers no longer get group 0 for it.
// - supplementalGroups loses its 0 (the field goes when nothing is left).
// Every change is pinned by test operations (the container's name at its index, the value the evidence
// showed); the rollback puts back exactly those values.
import { LastmileError } from '../../main/errors'
import type { FixRenderer } from '../../main/controls/fix'
import { kubeContextOf, patchTargets, renderWorkloadPatches, type PatchOp, type WorkloadPatch } from '../../main/controls/kubernetes-fix'
import type { Offender } from '../../main/controls/kubernetes-evidence'
import { containersOf, workloadText, type Workload } from '../../main/semantics/kubernetes-workloads'
import { NON_ROOT_GROUPS, NON_ROOT_GROUPS_CONCERNS, rootGroups } from './steps'

/** The user id a runAsGroup at `path` would take: the container's runAsUser, else the pod's (null: not set, or 0). */
function uidFor(w: Workload, container: string | null): number | null {
  const c = container === null ? null : containersOf(w.spec).find((x) => x.container.name === container)
  const uid = c?.container.securityContext?.runAsUser ?? w.spec.securityContext?.runAsUser ?? null
  return uid && uid > 0 ? uid : null
}

/** The patch of one workload: each group 0 of its pod spec taken away, and put back by the rollback. */
export function nonRootGroupsPatch(o: Offender): WorkloadPatch {
  const w = o.workload
  const guard: PatchOp = { op: 'test', path: `${w.specPath}/containers/0/name`, value: w.spec.containers[0]?.name ?? '' }
  const patch: PatchOp[] = [guard]
  const rollback: PatchOp[] = [guard]
  const before: WorkloadPatch['before'] = []
  const after: WorkloadPatch['after'] = []
  const changes: string[] = []
  const found = rootGroups(w)
  for (const g of found.filter((x) => x.field === 'runAsGroup')) {
    const uid = uidFor(w, g.container)
    if (uid === null)
      throw new LastmileError(
        'conflict',
        `${workloadText(w)}: ${g.what}, and no runAsUser other than 0 ${g.container ? `on container ${g.container} or the pod` : 'on the pod'} to take a group id from: choose the group its processes should run as, set runAsGroup to it, and investigate again`
      )
    if (g.container) {
      const i = containersOf(w.spec).find((x) => x.container.name === g.container)!
      const name = { op: 'test' as const, path: `${w.specPath}/${i.list}/${i.index}/name`, value: g.container }
      patch.push(name)
      rollback.push(name)
    }
    patch.push({ op: 'test', path: g.path, value: 0 }, { op: 'replace', path: g.path, value: uid })
    rollback.push({ op: 'test', path: g.path, value: uid }, { op: 'replace', path: g.path, value: 0 })
    before.push({ path: g.path, value: 0 })
    after.push({ path: g.path, value: uid })
    changes.push(`${g.container ? `container ${g.container}` : 'pod'}: runAsGroup 0 → ${uid} (its runAsUser)`)
  }
  const fs = found.find((x) => x.field === 'fsGroup')
  if (fs) {
    patch.push({ op: 'test', path: fs.path, value: 0 }, { op: 'remove', path: fs.path })
    rollback.push({ op: 'add', path: fs.path, value: 0 })
    before.push({ path: fs.path, value: 0 })
    after.push({ path: fs.path, value: null })
    changes.push('pod: fsGroup 0 removed (volumes are no longer made group-owned by root at mount)')
  }
  const groups = w.spec.securityContext?.supplementalGroups ?? []
  if (found.some((x) => x.field === 'supplementalGroups')) {
    const path = `${w.specPath}/securityContext/supplementalGroups`
    const kept = groups.filter((g) => g !== 0)
    patch.push({ op: 'test', path, value: groups }, kept.length ? { op: 'replace', path, value: kept } : { op: 'remove', path })
    rollback.push(
      ...(kept.length
        ? [
            { op: 'test' as const, path, value: kept },
            { op: 'replace' as const, path, value: groups }
          ]
        : [{ op: 'add' as const, path, value: groups }])
    )
    before.push({ path, value: groups })
    after.push({ path, value: kept.length ? kept : null })
    changes.push(`pod: supplementalGroups [${groups.join(', ')}] → ${kept.length ? `[${kept.join(', ')}]` : 'removed'}`)
  }
  return { kind: w.kind, namespace: w.namespace, name: w.name, patch, rollback, before, after, changes }
}

export const nonRootGroupsFix: FixRenderer = {
  control: NON_ROOT_GROUPS,
  summary:
    "stop giving the pods of the workloads at fault group 0: runAsGroup to their user id, fsGroup and the supplementary 0 removed (a JSON patch of each controller's pod template)",
  inputs(db, target) {
    const t = patchTargets(db, target, NON_ROOT_GROUPS_CONCERNS)
    return {
      values: { patches: t.offenders.map(nonRootGroupsPatch), left: t.left, context: kubeContextOf(target.resourceId, t.cluster) },
      evidence: t.evidence,
      collectedAt: t.collectedAt
    }
  },
  render: (ctx) =>
    renderWorkloadPatches(ctx, {
      title: `Fix: stop giving the processes of ${ctx.target.resourceId} group 0`,
      summary: 'patch runAsGroup, fsGroup and supplementalGroups so that no process gets group 0',
      clusterName: (ctx.inputs.values as { context: string }).context,
      preconditions: [
        'the processes no longer reach files through group 0: files of the image group-owned by root (images built for arbitrary user ids give group 0 the owner’s rights) and volumes group-owned by 0 may become unreadable or read-only to them; no evidence shows which files they use (the investigation says RISKY for a workload that runs): test the patched workload outside production first',
        'volumes keep the group the kubelet gave them; a volume the pods must write may need its group changed (chgrp) to the new one',
        'the pods restart (the controller rolls them out with the new template)'
      ]
    })
}
