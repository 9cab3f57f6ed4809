// kubernetes.pod.run-as-non-root: patch each workload at fault (not the cluster's own) so that every
// container at fault must run as non-root — `securityContext.runAsNonRoot: true` on the container in
// the controller's pod template (the container's own setting wins over the pod's), by a JSON patch whose
// test operations pin the container's name and what its securityContext held. The rollback puts back
// exactly that: the field (or the whole securityContext) removed when it was absent, false when it said
// false. A container the kubelet would refuse to start with it (runAsUser 0, or an image whose USER is
// root or a name, by images.json) refuses the plan, naming it: the change would stop the workload.
import { LastmileError } from '../../main/errors'
import type { FixRenderer } from '../../main/controls/fix'
import { containerPath, kubeContextOf, patchTargets, renderWorkloadPatches, type PatchOp, type WorkloadPatch } from '../../main/controls/kubernetes-fix'
import { loadImages, type Offender } from '../../main/controls/kubernetes-evidence'
import { listEvidence, readEvidenceBytes } from '../../main/case/evidence'
import type { ImageUsers } from '../../main/semantics/kubernetes-images'
import { kubeletStarts, RUN_AS_NON_ROOT, RUN_AS_NON_ROOT_CONCERNS } from './steps'

/** The patch of one workload: runAsNonRoot true on each container at fault, and back to what each had. */
export function runAsNonRootPatch(o: Offender, images: ImageUsers | null): WorkloadPatch {
  const w = o.workload
  const patch: PatchOp[] = []
  const rollback: PatchOp[] = []
  const before: WorkloadPatch['before'] = []
  const after: WorkloadPatch['after'] = []
  const changes: string[] = []
  for (const x of o.containers) {
    const c = w.spec[x.list]![x.index]
    const k = kubeletStarts(w, c, images)
    if (k.starts === false)
      throw new LastmileError('conflict', `${k.why}; set runAsUser to a user id other than 0 the image can run as (or rebuild it with a numeric USER), and investigate again`)
    const at = containerPath(w, x)
    const name: PatchOp = { op: 'test', path: `${at}/name`, value: c.name }
    const sc = `${at}/securityContext`
    const field = `${sc}/runAsNonRoot`
    const had = c.securityContext?.runAsNonRoot ?? null
    // without a securityContext the patch adds one whole: it tests the whole container as the evidence
    // has it, so that one given a securityContext since (which the add would overwrite) refuses the patch
    patch.push(c.securityContext ? name : { op: 'test', path: at, value: c })
    rollback.push(name)
    if (!c.securityContext) {
      patch.push({ op: 'add', path: sc, value: { runAsNonRoot: true } })
      rollback.push({ op: 'test', path: sc, value: { runAsNonRoot: true } }, { op: 'remove', path: sc })
    } else if (had === null) {
      patch.push({ op: 'add', path: field, value: true })
      rollback.push({ op: 'test', path: field, value: true }, { op: 'remove', path: field })
    } else {
      patch.push({ op: 'test', path: field, value: had }, { op: 'replace', path: field, value: true })
      rollback.push({ op: 'test', path: field, value: true }, { op: 'replace', path: field, value: had })
    }
    before.push({ path: field, value: had })
    after.push({ path: field, value: true })
    changes.push(`container ${c.name}: runAsNonRoot ${had === null ? '(not set)' : String(had)} → true`)
  }
  return { kind: w.kind, namespace: w.namespace, name: w.name, patch, rollback, before, after, changes }
}

export const runAsNonRootFix: FixRenderer = {
  control: RUN_AS_NON_ROOT,
  summary: "make the containers at fault run as non-root: runAsNonRoot true on each (a JSON patch of each controller's pod template)",
  inputs(db, target) {
    const t = patchTargets(db, target, RUN_AS_NON_ROOT_CONCERNS)
    const img = loadImages(listEvidence(db), (id) => readEvidenceBytes(db, id), t.cluster)
    const images = img.ok ? img.value : null
    return {
      values: { patches: t.offenders.map((o) => runAsNonRootPatch(o, images)), left: t.left, context: kubeContextOf(target.resourceId, t.cluster) },
      evidence: [...t.evidence, ...img.files],
      collectedAt: t.collectedAt
    }
  },
  render: (ctx) =>
    renderWorkloadPatches(ctx, {
      title: `Fix: make the containers of ${ctx.target.resourceId} run as non-root`,
      summary: 'patch runAsNonRoot: true onto the containers at fault',
      clusterName: (ctx.inputs.values as { context: string }).context,
      preconditions: [
        'each container at fault runs as a user id other than 0 the kubelet can check (its runAsUser, or its image’s numeric USER): the investigation shows it for each, or says RISKY when the image’s USER is not in evidence; a container the kubelet would refuse is never patched (the plan is refused)',
        'the pods restart (the controller rolls them out with the new template); a pod the kubelet refuses shows CreateContainerConfigError — the rollback puts the field back'
      ]
    })
}
