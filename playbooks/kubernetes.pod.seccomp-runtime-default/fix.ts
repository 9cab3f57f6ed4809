// kubernetes.pod.seccomp-runtime-default (and iac.trivy.ksv-0104, which its playbook serves): patch each
// workload at fault (not the cluster's own) so that its containers at fault run under the runtime's
// default seccomp profile — seccompProfile.type RuntimeDefault on each container (its own setting wins
// over the pod's, and the other containers' choices stay as they are). One JSON patch of the controller's
// pod template replaces each container's securityContext after testing it is as the evidence showed
// (main/controls/kubernetes-container-patch.ts); the rollback puts the old one back exactly.
import type { FixRenderer } from '../../main/controls/fix'
import { renderWorkloadPatches, workloadFixInputs } from '../../main/controls/kubernetes-fix'
import { securityContextPatch } from '../../main/controls/kubernetes-container-patch'
import { seccompOf } from '../../main/semantics/kubernetes-security-context'
import { CONTROL, SECCOMP_CONCERNS } from './steps'

export const seccompFix: FixRenderer = {
  control: CONTROL,
  summary: "set seccompProfile RuntimeDefault on the containers at fault (a JSON patch of each controller's pod template)",
  inputs: (db, target) =>
    workloadFixInputs(db, target, SECCOMP_CONCERNS, (o) =>
      securityContextPatch(o, (c) => ({
        next: { ...(c.securityContext ?? {}), seccompProfile: { type: 'RuntimeDefault' } },
        change: `seccompProfile ${seccompOf(o.workload.spec, c).type ?? '(not set: Unconfined)'} → RuntimeDefault`
      }))
    ),
  render: (ctx) =>
    renderWorkloadPatches(ctx, {
      title: `Fix: run the containers at fault of ${ctx.target.name ?? ctx.target.resourceId} under the RuntimeDefault seccomp profile`,
      summary: 'patch seccompProfile RuntimeDefault onto the containers at fault',
      clusterName: ctx.target.name ?? ctx.target.resourceId,
      preconditions: [
        'the containers make no system call the default profile refuses (unshare or clone of namespaces, mount, keyctl, bpf, perf_event_open, userfaultfd …): no evidence shows it (the investigation says RISKY for a workload that runs); test the patched workload outside production first — a refused call fails with EPERM',
        "the cluster's own workloads (kube-system, AKS-managed) are left as they are: the investigation names them"
      ]
    })
}
