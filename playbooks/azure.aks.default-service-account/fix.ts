// azure.aks.default-service-account: give each workload at fault (not the cluster's own) a service
// account of its own, with the same permissions the default one has: the account is created in the
// workload's namespace (named after the workload), added as a subject to every RoleBinding and
// ClusterRoleBinding of rbac.json that names the namespace's default account (bindings to its groups,
// system:serviceaccounts:<namespace>, hold for it already), and the workload's pod template is patched
// to run as it (serviceAccountName; the deprecated serviceAccount too when the template has it). The
// pods restart as the new account and may do what they did. The rollback patches the template back,
// takes the account out of the bindings and deletes it (only if this fix created it).
import { LastmileError } from '../../main/errors'
import type { FixRenderer } from '../../main/controls/fix'
import { patchTargets, renderWorkloadPatches, type PatchOp, type WorkloadPatch } from '../../main/controls/kubernetes-fix'
import { loadRbac } from '../../main/controls/kubernetes-evidence'
import { listEvidence, readEvidenceBytes } from '../../main/case/evidence'
import type { BindingObject, Rbac } from '../../main/semantics/kubernetes-rbac'
import type { Workload } from '../../main/semantics/kubernetes-workloads'
import { DEFAULT_SA_CONCERNS } from './steps'

export const CONTROL = 'azure.aks.default-service-account'

/** The workload's patch: serviceAccountName (and the deprecated serviceAccount when set) → the new account, and back. */
export function runAsPatch(w: Workload, account: string): WorkloadPatch {
  const guard: PatchOp = { op: 'test', path: `${w.specPath}/containers/0/name`, value: w.spec.containers[0]?.name ?? '' }
  const patch: PatchOp[] = [guard]
  const rollback: PatchOp[] = [guard]
  const before: WorkloadPatch['before'] = []
  const after: WorkloadPatch['after'] = []
  for (const key of ['serviceAccountName', 'serviceAccount'] as const) {
    const path = `${w.specPath}/${key}`
    const had = w.spec[key]
    if (had == null && key === 'serviceAccount') continue
    if (had == null) {
      patch.push({ op: 'add', path, value: account })
      rollback.push({ op: 'test', path, value: account }, { op: 'remove', path })
    } else {
      patch.push({ op: 'test', path, value: had }, { op: 'replace', path, value: account })
      rollback.push({ op: 'test', path, value: account }, { op: 'replace', path, value: had })
    }
    before.push({ path, value: had ?? null })
    after.push({ path, value: account })
  }
  return {
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    patch,
    rollback,
    before,
    after,
    changes: [`runs as service account ${w.namespace}/${account} instead of ${w.namespace}/default`]
  }
}

/** A binding's patch: the new accounts appended to its subjects, and taken out again (from the end). */
export function bindingPatch(b: BindingObject, accounts: Array<{ namespace: string; name: string }>): WorkloadPatch {
  const n = (b.subjects ?? []).length
  const subjects = accounts.map((a) => ({ kind: 'ServiceAccount', name: a.name, namespace: a.namespace }))
  const guard: PatchOp = { op: 'test', path: '/roleRef/name', value: b.roleRef.name }
  return {
    kind: b.kind,
    // a ClusterRoleBinding has no namespace: kubectl ignores the one given
    namespace: b.metadata.namespace ?? 'default',
    name: b.metadata.name,
    patch: [guard, ...subjects.map((value) => ({ op: 'add' as const, path: '/subjects/-', value }))],
    rollback: [
      guard,
      ...subjects.map((value, i) => ({ op: 'test' as const, path: `/subjects/${n + i}`, value })),
      ...subjects.map((_, i) => ({ op: 'remove' as const, path: `/subjects/${n + subjects.length - 1 - i}` }))
    ],
    before: subjects.map((_, i) => ({ path: `/subjects/${n + i}`, value: null })),
    after: subjects.map((value, i) => ({ path: `/subjects/${n + i}`, value })),
    changes: [`binds ${b.roleRef.kind} ${b.roleRef.name} to ${accounts.map((a) => `${a.namespace}/${a.name}`).join(', ')} too, as it does the default account`]
  }
}

/** The bindings of rbac.json that name a namespace's default service account itself. */
export const defaultBindings = (rbac: Rbac, namespace: string): BindingObject[] =>
  rbac.bindings.filter((b) => (b.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === 'default' && (s.namespace ?? b.metadata.namespace) === namespace))

export const defaultServiceAccountFix: FixRenderer = {
  control: CONTROL,
  summary: 'give each workload at fault a service account of its own, bound as the default one is, and run its pods as it',
  inputs(db, target) {
    const t = patchTargets(db, target, DEFAULT_SA_CONCERNS)
    const r = loadRbac(listEvidence(db), (id) => readEvidenceBytes(db, id), t.cluster)
    if (!r.ok) throw new LastmileError('not-found', `${target.finding}: ${r.why}; the permissions the new accounts need (those of the default account) cannot be computed`)
    const created: Array<{ namespace: string; name: string }> = []
    const patches: WorkloadPatch[] = []
    for (const o of t.offenders) {
      const w = o.workload
      const taken = (n: string) => t.serviceAccounts.has(`${w.namespace}/${n}`) || created.some((c) => c.namespace === w.namespace && c.name === n)
      const name = [w.name, `${w.name}-workload`].find((n) => !taken(n))
      if (!name)
        throw new LastmileError(
          'conflict',
          `${target.finding}: service accounts ${w.namespace}/${w.name} and ${w.name}-workload exist already; name one for ${w.kind} ${w.namespace}/${w.name} and plan again`
        )
      created.push({ namespace: w.namespace, name })
      patches.push(runAsPatch(w, name))
    }
    // each binding of a default account gets the new accounts of its namespace
    const bindings: WorkloadPatch[] = []
    for (const ns of [...new Set(created.map((c) => c.namespace))])
      for (const b of defaultBindings(r.value, ns))
        bindings.push(
          bindingPatch(
            b,
            created.filter((c) => c.namespace === ns)
          )
        )
    return { values: { created, patches: [...bindings, ...patches], left: t.left }, evidence: [...t.evidence, ...r.files], collectedAt: t.collectedAt }
  },
  render: (ctx) =>
    renderWorkloadPatches(ctx, {
      title: `Fix: give each workload at fault in ${ctx.target.name ?? ctx.target.resourceId} a service account of its own`,
      summary: 'create a service account for each workload, bind it as the default one is, and run the workload as it',
      clusterName: ctx.target.name ?? ctx.target.resourceId,
      preconditions: [
        'the new account is bound to every role the default one is bound to by name (rbac.json); a binding to the namespace’s service-account group holds for it already: what the pods did, they may still do',
        'the pods restart (the controller rolls them out with the new template)'
      ]
    })
}
