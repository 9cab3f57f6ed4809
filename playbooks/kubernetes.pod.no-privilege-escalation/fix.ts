// kubernetes.pod.no-privilege-escalation: patch each workload at fault (not the cluster's own) so that
// its containers at fault set allowPrivilegeEscalation: false — the kubelet then sets no_new_privs on
// their processes. One JSON patch of the controller's pod template replaces each container's
// securityContext after testing it is as the evidence showed (main/controls/kubernetes-container-patch.ts);
// the rollback puts the old one back exactly. A privileged container or one adding SYS_ADMIN is
// refused: the API server refuses the setting beside privileged: true or CAP_SYS_ADMIN.
import type { FixRenderer } from '../../main/controls/fix'
import { renderWorkloadPatches, workloadFixInputs } from '../../main/controls/kubernetes-fix'
import { securityContextPatch } from '../../main/controls/kubernetes-container-patch'
import { escalationRequired } from '../../main/semantics/kubernetes-security-context'
import { CONTROL, ESCALATION_CONCERNS } from './steps'

export const noEscalationFix: FixRenderer = {
  control: CONTROL,
  summary: "set allowPrivilegeEscalation: false on the containers at fault (a JSON patch of each controller's pod template)",
  inputs: (db, target) =>
    workloadFixInputs(db, target, ESCALATION_CONCERNS, (o) =>
      securityContextPatch(o, (c) => {
        const why = escalationRequired(c)
        if (why) return { refuse: `${why}: turn privileged mode or SYS_ADMIN off first` }
        const was = c.securityContext?.allowPrivilegeEscalation
        return { next: { ...(c.securityContext ?? {}), allowPrivilegeEscalation: false }, change: `allowPrivilegeEscalation ${was === true ? 'true' : '(not set)'} → false` }
      })
    ),
  render: (ctx) =>
    renderWorkloadPatches(ctx, {
      title: `Fix: set allowPrivilegeEscalation: false on the containers at fault of ${ctx.target.name ?? ctx.target.resourceId}`,
      summary: 'patch allowPrivilegeEscalation: false onto the containers at fault',
      clusterName: ctx.target.name ?? ctx.target.resourceId,
      preconditions: [
        'no process of the containers needs a setuid or setcap program to gain privileges (sudo, su, ping where it is setuid): no evidence shows it (the investigation says RISKY for a workload that runs); test the patched workload outside production first',
        "the cluster's own workloads (kube-system, AKS-managed) are left as they are: the investigation names them"
      ]
    })
}
