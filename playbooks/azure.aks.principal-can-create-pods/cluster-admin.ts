// azure.aks.cluster-admin-in-use (Wiz "AKS cluster-admin role is used by an account"): the finding names
// the cluster, not the account. The same three questions as for a subject, asked of every subject the
// cluster's bindings give the cluster-admin ClusterRole: who holds it (rbac.json), did they use what
// cluster-admin gives beyond their other roles (their allowed requests in the audit log that no other
// binding of theirs allows), and are they the cluster's own identities. The fix removes the
// cluster-admin bindings of the holders that are not the cluster's own; those of the cluster's own
// (system:masters, AKS's accounts, kube-system) stay.
import {
  eventAllowed,
  eventResource,
  grantsOf,
  objectRef,
  ruleAllows,
  subjectText,
  usernameOf,
  type AuditEvent,
  type BindingObject,
  type K8sSubject,
  type Rbac
} from '../../main/semantics/kubernetes-rbac'
import type { AuditScan } from '../../main/semantics/kubernetes-rbac'

export const CLUSTER_ADMIN = 'azure.aks.cluster-admin-in-use'

/** A subject a cluster-admin binding names: a user or service account (RBAC resolves its requests), or a group. */
export type Holder = { subject: K8sSubject; binding: BindingObject } | { group: string; binding: BindingObject }

const isClusterAdmin = (b: BindingObject): boolean => b.roleRef.kind === 'ClusterRole' && b.roleRef.name === 'cluster-admin'

/** Every subject of a binding of ClusterRole cluster-admin (a RoleBinding of it gives it in its namespace only: named with it). */
export function clusterAdminHolders(rbac: Rbac): Holder[] {
  const out: Holder[] = []
  for (const b of rbac.bindings.filter(isClusterAdmin)) {
    for (const s of b.subjects ?? []) {
      if (s.kind === 'ServiceAccount') out.push({ subject: { kind: 'ServiceAccount', namespace: s.namespace ?? b.metadata.namespace ?? 'default', name: s.name }, binding: b })
      else if (s.kind === 'User') out.push({ subject: { kind: 'User', name: s.name }, binding: b })
      else if (s.kind === 'Group') out.push({ group: s.name, binding: b })
    }
  }
  return out
}

export const holderText = (h: Holder): string => `${'group' in h ? `group ${h.group}` : subjectText(h.subject)} (${objectRef(h.binding)})`

/** Why a group holding cluster-admin is the cluster's own, or null: system:masters is Kubernetes's built-in administrators' group. */
export const systemGroup = (g: string): string | null =>
  g === 'system:masters' ? "Kubernetes's built-in administrators' group (the cluster's own certificate credentials; its binding is recreated by the API server)" : null

/** Requests every signed-in subject may make (system:discovery, system:public-info-viewer): no use of cluster-admin. */
const DISCOVERY = /^\/(api|apis|version|healthz|livez|readyz|openapi)(\/|$|\?)/

/**
 * The subject's allowed, completed requests in the window that only cluster-admin allows: no other
 * binding of the subject (its RoleBindings in the request's namespace, its other ClusterRoleBindings)
 * has a rule allowing the verb on the resource. A request without a resource (a non-resource URL other
 * than discovery) counts as a use: cluster-admin's nonResourceURLs "*" is what allows it.
 */
export function beyondOtherRoles(rbac: Rbac, audit: AuditScan, s: K8sSubject, from: string | null): AuditEvent[] {
  const user = usernameOf(s)
  const others = grantsOf(rbac, s, () => true).filter((g) => !isClusterAdmin(g.binding) && g.role)
  return audit.events.filter((e) => {
    if (e.user.username !== user || (e.stage && e.stage !== 'ResponseComplete') || !eventAllowed(e)) return false
    if (from && e.stageTimestamp < from) return false
    const res = eventResource(e)
    if (!res) return !DISCOVERY.test(e.requestURI ?? '/')
    return !others.some((g) => {
      if (g.binding.kind === 'RoleBinding' && e.objectRef?.namespace !== g.binding.metadata.namespace) return false
      return (g.role!.rules ?? []).some((r) => ruleAllows(r, e.verb, res, e.objectRef?.apiGroup ?? ''))
    })
  })
}
