// azure.aks.automount-service-account-token: patch each workload at fault (not the cluster's own) so
// that its pods no longer get the token — `automountServiceAccountToken: false` on the controller's
// pod template (the pod spec's setting wins over the ServiceAccount's). The rollback patches back
// exactly what the template had: the field removed when it was absent, true when it said true.
import type { FixRenderer } from '../../main/controls/fix'
import { renderWorkloadPatches, workloadFixInputs, type PatchOp, type WorkloadPatch } from '../../main/controls/kubernetes-fix'
import type { Offender } from '../../main/controls/kubernetes-evidence'
import { AUTOMOUNT_CONCERNS } from './steps'

export const CONTROL = 'azure.aks.automount-service-account-token'

/** The patch of one workload: automountServiceAccountToken false on its pod template, and back to what it was. */
export function automountPatch(o: Offender): WorkloadPatch {
  const w = o.workload
  const field = `${w.specPath}/automountServiceAccountToken`
  const had = w.spec.automountServiceAccountToken
  // the template's first container, by name: the patch is refused on another template
  const guard: PatchOp = { op: 'test', path: `${w.specPath}/containers/0/name`, value: w.spec.containers[0]?.name ?? '' }
  return {
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    patch: had == null ? [guard, { op: 'add', path: field, value: false }] : [guard, { op: 'test', path: field, value: had }, { op: 'replace', path: field, value: false }],
    rollback:
      had == null
        ? [guard, { op: 'test', path: field, value: false }, { op: 'remove', path: field }]
        : [guard, { op: 'test', path: field, value: false }, { op: 'replace', path: field, value: had }],
    before: [{ path: field, value: had ?? null }],
    after: [{ path: field, value: false }],
    changes: [`automountServiceAccountToken ${had == null ? '(not set: the default, true)' : String(had)} → false`]
  }
}

export const automountFix: FixRenderer = {
  control: CONTROL,
  summary: "stop mounting the service account token into the pods of the workloads at fault (a JSON patch of each controller's pod template)",
  inputs: (db, target) => workloadFixInputs(db, target, AUTOMOUNT_CONCERNS, automountPatch),
  render: (ctx) =>
    renderWorkloadPatches(ctx, {
      title: `Fix: stop mounting the service account token into the pods of the workloads at fault in ${ctx.target.name ?? ctx.target.resourceId}`,
      summary: 'patch automountServiceAccountToken: false onto the pod templates at fault',
      clusterName: ctx.target.name ?? ctx.target.resourceId,
      preconditions: [
        'the pods do not call the API server: the investigation must have found no request of their service account in audit events covering every day of the window, reads included (its RCI says so); a workload whose token is used keeps it',
        'the pods restart (the controller rolls them out with the new template)'
      ]
    })
}
