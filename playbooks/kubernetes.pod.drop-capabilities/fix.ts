// kubernetes.pod.drop-capabilities (and iac.trivy.ksv-0106, which its playbook serves): patch each
// workload at fault (not the cluster's own) so that its containers at fault drop ALL capabilities and
// add back only what they keep (keptCapabilities: what they added, for KSV-0003; only NET_BIND_SERVICE,
// for KSV-0106 — and NET_BIND_SERVICE for a container that declares a port below 1024 and may run as
// root). One JSON patch of the controller's pod template replaces each container's securityContext
// after testing it is as the evidence showed (main/controls/kubernetes-container-patch.ts); the
// rollback puts the old one back exactly.
import type { FixRenderer } from '../../main/controls/fix'
import { renderWorkloadPatches, workloadFixInputs } from '../../main/controls/kubernetes-fix'
import { securityContextPatch } from '../../main/controls/kubernetes-container-patch'
import { CAPABILITY_CONCERNS, CONTROL, keptCapabilities } from './steps'

const show = (xs: readonly string[] | null | undefined): string => (xs?.length ? `[${xs.join(', ')}]` : '(none)')

export const dropCapabilitiesFix: FixRenderer = {
  control: CONTROL,
  summary: "drop ALL capabilities on the containers at fault, adding back only what each keeps (a JSON patch of each controller's pod template)",
  inputs: (db, target) =>
    workloadFixInputs(db, target, CAPABILITY_CONCERNS, (o) =>
      securityContextPatch(o, (c) => {
        const sc = c.securityContext ?? {}
        const kept = keptCapabilities(target.control, o.workload.spec, c)
        const capabilities = { ...(sc.capabilities ?? {}), drop: ['ALL'], ...(kept.add.length ? { add: kept.add } : {}) }
        if (!kept.add.length) delete (capabilities as { add?: unknown }).add
        return {
          next: { ...sc, capabilities },
          change: `capabilities.drop ${show(sc.capabilities?.drop)} → [ALL], add ${show(sc.capabilities?.add)} → ${show(kept.add)}${kept.why ? ` (${kept.why})` : ''}`
        }
      })
    ),
  render: (ctx) =>
    renderWorkloadPatches(ctx, {
      title: `Fix: drop ALL capabilities on the containers at fault of ${ctx.target.name ?? ctx.target.resourceId}`,
      summary: 'patch capabilities.drop [ALL] onto the containers at fault',
      clusterName: ctx.target.name ?? ctx.target.resourceId,
      preconditions: [
        'a process that runs as root does not need the capabilities it loses (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, KILL …): an entrypoint that chowns its data or switches user fails without them; no evidence shows what it uses (the investigation says RISKY then); test the patched workload outside production first',
        "the cluster's own workloads (kube-system, AKS-managed) are left as they are: the investigation names them"
      ]
    })
}
