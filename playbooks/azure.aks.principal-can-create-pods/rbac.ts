// What the steps (and the tests) of the Kubernetes RBAC playbook share: the permission each served
// control is about, the cluster's rbac.json and audit files from the evidence, and the subject's
// grants of the permission and its allowed requests that used them.
import {
  eventAllowed,
  eventResource,
  grantsOf,
  objectRef,
  ruleGrants,
  ruleHasWildcard,
  ruleAllows,
  subjectOfResourceId,
  usernameOf,
  type AuditEvent,
  type AuditScan,
  type Grant,
  type K8sSubject,
  type PolicyRule,
  type Rbac
} from '../../main/semantics/kubernetes-rbac'
import type { EvidenceFileSummary } from '../../shared/evidence'
import { clusterFolder, type Loaded } from '../../main/controls/kubernetes-evidence'

// the cluster evidence readers the Kubernetes playbooks share (main/controls/kubernetes-evidence.ts)
export { clusterFolder, loadAudit, loadRbac, windowDays, type Audit, type Loaded } from '../../main/controls/kubernetes-evidence'

export const CREATE_PODS = 'azure.aks.principal-can-create-pods'
export const READ_SECRETS = 'azure.aks.principal-can-read-secrets'
export const WILDCARD = 'azure.aks.role-wildcard'

export interface Concern {
  /** the permission in words, for explanations */
  what: string
  /** the rules of a role that grant it */
  grants(rule: PolicyRule): boolean
  /** the verbs whose events the audit log must record for "not used" to be shown */
  verbs: readonly string[] | null
  /** does an allowed request use a grant (one of its matching rules, in its scope)? */
  uses(e: AuditEvent, rules: readonly PolicyRule[]): boolean
}

const coreResource = (e: AuditEvent, verbs: readonly string[], resource: string): boolean => verbs.includes(e.verb) && eventResource(e) === resource && !e.objectRef?.apiGroup

export const CONCERNS: Record<string, Concern> = {
  [CREATE_PODS]: {
    what: 'create pods',
    grants: (r) => ruleGrants(r, { verbs: ['create'], resources: ['pods'], apiGroups: [''] }),
    verbs: ['create'],
    uses: (e) => coreResource(e, ['create'], 'pods')
  },
  [READ_SECRETS]: {
    what: 'get, list or watch secrets',
    grants: (r) => ruleGrants(r, { verbs: ['get', 'list', 'watch'], resources: ['secrets'], apiGroups: [''] }),
    verbs: ['get', 'list', 'watch'],
    uses: (e) => coreResource(e, ['get', 'list', 'watch'], 'secrets')
  },
  [WILDCARD]: {
    what: 'use a rule with a wildcard ("*") in its verbs, resources or API groups',
    grants: ruleHasWildcard,
    // any request a wildcard rule allows is a use; which verbs the log records is judged by the days it covers
    verbs: null,
    uses: (e, rules) => {
      const res = eventResource(e)
      return res !== null && rules.some((r) => ruleAllows(r, e.verb, res, e.objectRef?.apiGroup ?? ''))
    }
  }
}

export interface Target {
  subject: K8sSubject
  cluster: string
  /** how the cluster folder was chosen, when not by the id's own cluster */
  chosen: string | null
}

/**
 * The subject a finding names and the evidence's folder for its cluster: kubernetes/<cluster>/ named as
 * the scanner names the cluster (Wiz: the id in the resource's external id), or the only cluster in evidence.
 */
export function targetOf(resourceId: string, files: readonly EvidenceFileSummary[]): Loaded<Target> {
  const s = subjectOfResourceId(resourceId)
  if (!s)
    return {
      ok: false,
      why: `${resourceId} is not a Kubernetes subject id this playbook reads (k8s/serviceaccount/<cluster>/<namespace>/<name> or k8s/user/<cluster>/<name>)`,
      files: []
    }
  const c = clusterFolder(s.cluster, files)
  return c.ok ? { ok: true, value: { subject: s.subject, cluster: c.value.cluster, chosen: c.value.chosen }, files: [] } : c
}

export interface Holding {
  grants: Grant[]
  /** bindings of the subject whose role is not in rbac.json */
  missing: Grant[]
}

export function holding(rbac: Rbac, subject: K8sSubject, c: Concern): Holding {
  const all = grantsOf(rbac, subject, c.grants)
  return { grants: all.filter((g) => g.role), missing: all.filter((g) => !g.role) }
}

/** The bindings that give the permission to a group other than those every subject is in (a user's groups are the identity provider's). */
export function groupGrants(rbac: Rbac, c: Concern): string[] {
  const everyone = new Set(['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts'])
  const out: string[] = []
  for (const b of rbac.bindings) {
    const groups = (b.subjects ?? []).filter(
      (x) => x.kind === 'Group' && !everyone.has(x.name) && !x.name.startsWith('system:serviceaccounts:') && !x.name.startsWith('system:nodes')
    )
    if (!groups.length) continue
    const ns = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined
    const role = rbac.roles.find((r) => r.kind === b.roleRef.kind && r.metadata.name === b.roleRef.name && (r.kind === 'ClusterRole' || r.metadata.namespace === ns))
    if (role && !(role.rules ?? []).some(c.grants)) continue
    out.push(`${objectRef(b)} (group ${groups.map((g) => g.name).join(', ')})`)
  }
  return out
}

export const grantText = (g: Grant): string =>
  `${objectRef(g.binding)} → ${g.role ? objectRef(g.role) : `${g.binding.roleRef.kind} ${g.binding.roleRef.name} (not in rbac.json)`}${g.role ? ` (${g.rules.map((i) => ruleText(g.role!.rules![i])).join('; ')})` : ''} in ${g.scope}`

export const ruleText = (r: PolicyRule): string =>
  `${r.verbs.join(',')} on ${(r.resources ?? []).join(',')}${r.apiGroups && !(r.apiGroups.length === 1 && r.apiGroups[0] === '') ? ` [${r.apiGroups.map((g) => g || 'core').join(',')}]` : ''}${r.resourceNames?.length ? ` named ${r.resourceNames.join(',')}` : ''}`

/** The subject's allowed, completed requests that a grant covers (in the grant's namespace, or anywhere for a cluster-wide one). */
export function uses(audit: AuditScan, subject: K8sSubject, c: Concern, grants: readonly Grant[], from: string | null): AuditEvent[] {
  const user = usernameOf(subject)
  return audit.events.filter((e) => {
    if (e.user.username !== user || (e.stage && e.stage !== 'ResponseComplete') || !eventAllowed(e)) return false
    if (from && e.stageTimestamp < from) return false
    return grants.some((g) => {
      if (g.binding.kind === 'RoleBinding' && e.objectRef?.namespace !== g.binding.metadata.namespace) return false
      return c.uses(
        e,
        g.rules.map((i) => g.role!.rules![i])
      )
    })
  })
}
