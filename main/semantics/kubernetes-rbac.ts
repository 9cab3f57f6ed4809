// Kubernetes RBAC and audit evidence (docs/evidence-bundle.md, kubernetes/<cluster>/):
// - rbac.json: `kubectl get roles,clusterroles,rolebindings,clusterrolebindings -A -o json` (a List);
// - audit/*: the API server's audit events, one JSON object a line, as the clouds deliver them:
//   the audit.k8s.io/v1 Event itself (a kube-apiserver log file, an EKS control-plane log
//   exported from CloudWatch Logs: {"message": "<event JSON>"} or the event), or an AKS diagnostic
//   setting record (category kube-audit / kube-audit-admin, the event as a string in properties.log).
// What a subject may do is resolved the way the RBAC authorizer does it: its bindings (subjects by
// kind, name and, for service accounts, namespace; groups it is known to be in), the role each
// binds, each rule's apiGroups, resources and verbs with "*" matching anything.
import { z } from 'zod'
import { parseJson } from './json-text'

const Meta = z.object({ name: z.string(), namespace: z.string().optional() }).passthrough()

export const PolicyRule = z
  .object({
    apiGroups: z.array(z.string()).optional(),
    resources: z.array(z.string()).optional(),
    verbs: z.array(z.string()),
    resourceNames: z.array(z.string()).optional(),
    nonResourceURLs: z.array(z.string()).optional()
  })
  .passthrough()
export type PolicyRule = z.infer<typeof PolicyRule>

const RoleObject = z.object({ kind: z.enum(['Role', 'ClusterRole']), apiVersion: z.string().optional(), metadata: Meta, rules: z.array(PolicyRule).nullish() }).passthrough()
const Subject = z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional(), apiGroup: z.string().optional() }).passthrough()
const BindingObject = z
  .object({
    kind: z.enum(['RoleBinding', 'ClusterRoleBinding']),
    apiVersion: z.string().optional(),
    metadata: Meta,
    roleRef: z.object({ kind: z.enum(['Role', 'ClusterRole']), name: z.string(), apiGroup: z.string().optional() }).passthrough(),
    subjects: z.array(Subject).nullish()
  })
  .passthrough()
export type RoleObject = z.infer<typeof RoleObject>
export type BindingObject = z.infer<typeof BindingObject>

/** rbac.json: a List of the four kinds (other kinds in it are refused: the file is not what was asked for). */
export const RbacList = z.object({ kind: z.literal('List'), items: z.array(z.union([RoleObject, BindingObject])) }).passthrough()

export interface Rbac {
  roles: RoleObject[]
  bindings: BindingObject[]
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; why: string }

export function parseRbac(text: string, path: string): Parsed<Rbac> {
  const j = parseJson(text)
  if (!j.ok) return { ok: false, why: `${path}: ${j.error}` }
  const r = RbacList.safeParse(j.value)
  if (!r.success) {
    const i = r.error.issues[0]
    return {
      ok: false,
      why: `${path}: ${i.path.join('.') || '(top)'}: not the List of \`kubectl get roles,clusterroles,rolebindings,clusterrolebindings -A -o json\` (${i.message})`
    }
  }
  const roles: RoleObject[] = []
  const bindings: BindingObject[] = []
  for (const it of r.data.items) {
    if (it.kind === 'Role' || it.kind === 'ClusterRole') roles.push(it as RoleObject)
    else bindings.push(it as BindingObject)
  }
  return { ok: true, value: { roles, bindings } }
}

/** A subject as RBAC names it: a service account (namespace and name) or a user. */
export type K8sSubject = { kind: 'ServiceAccount'; namespace: string; name: string } | { kind: 'User'; name: string }

/** The user name the API server gives a subject's requests (what audit events carry in user.username). */
export const usernameOf = (s: K8sSubject): string => (s.kind === 'ServiceAccount' ? `system:serviceaccount:${s.namespace}:${s.name}` : s.name)

export const subjectText = (s: K8sSubject): string => (s.kind === 'ServiceAccount' ? `service account ${s.namespace}/${s.name}` : `user ${s.name}`)

/**
 * The subject and cluster of a scanner's resource id: Wiz's `k8s/serviceaccount/<cluster>/<namespace>/<name>`
 * and `k8s/user/<cluster>/<name>` (the cluster is Wiz's id of it). Null for anything else.
 */
export function subjectOfResourceId(id: string): { cluster: string; subject: K8sSubject } | null {
  const sa = /^k8s\/serviceaccount\/([^/]+)\/([^/]+)\/([^/]+)$/i.exec(id)
  if (sa) return { cluster: sa[1], subject: { kind: 'ServiceAccount', namespace: sa[2], name: sa[3] } }
  const u = /^k8s\/user\/([^/]+)\/(.+)$/i.exec(id)
  if (u) return { cluster: u[1], subject: { kind: 'User', name: u[2] } }
  return null
}

/** What a finding is about: a verb on a resource of an API group ("*" in a rule matches any). */
export interface Permission {
  verbs: readonly string[]
  resources: readonly string[]
  apiGroups: readonly string[]
}

const has = (list: readonly string[] | undefined, v: string): boolean => !!list && (list.includes('*') || list.includes(v))

/** Does a rule allow one verb on one resource (a subresource like pods/exec is its own resource)? */
export function ruleAllows(rule: PolicyRule, verb: string, resource: string, apiGroup: string): boolean {
  if (!rule.resources?.length) return false // a nonResourceURLs rule
  return has(rule.verbs, verb) && has(rule.resources, resource) && has(rule.apiGroups ?? [''], apiGroup)
}

/** Does a rule allow any of the permission's verbs on any of its resources? */
export function ruleGrants(rule: PolicyRule, p: Permission): boolean {
  return p.verbs.some((v) => p.resources.some((r) => p.apiGroups.some((g) => ruleAllows(rule, v, r, g))))
}

/** Does a rule hold a wildcard in its verbs, resources or API groups? */
export const ruleHasWildcard = (rule: PolicyRule): boolean => !!(rule.verbs.includes('*') || rule.resources?.includes('*') || rule.apiGroups?.includes('*'))

function bindsSubject(b: BindingObject, s: K8sSubject, groups: readonly string[]): boolean {
  return (b.subjects ?? []).some((x) => {
    if (s.kind === 'ServiceAccount' && x.kind === 'ServiceAccount') return x.name === s.name && (x.namespace ?? b.metadata.namespace) === s.namespace
    if (s.kind === 'User' && x.kind === 'User') return x.name === s.name
    return x.kind === 'Group' && groups.includes(x.name)
  })
}

/** The groups the API server puts a subject in whatever binds it (system:authenticated for anyone signed in). */
export function implicitGroups(s: K8sSubject): string[] {
  return s.kind === 'ServiceAccount' ? ['system:serviceaccounts', `system:serviceaccounts:${s.namespace}`, 'system:authenticated'] : ['system:authenticated']
}

export interface Grant {
  binding: BindingObject
  role: RoleObject | null
  /** the indexes in the role's rules of those matching (empty when the role is missing) */
  rules: number[]
  /** where the grant applies: a namespace (RoleBinding) or the whole cluster */
  scope: string
}

export const objectRef = (o: { kind: string; metadata: { name: string; namespace?: string } }): string =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`

/**
 * Every binding of the subject (by name, or by a group it is always in) with the role it binds and
 * the rules of that role `matches` picks. A binding whose role is not in the file is returned with
 * role null: what it grants is unknown.
 */
export function grantsOf(rbac: Rbac, s: K8sSubject, matches: (r: PolicyRule) => boolean): Grant[] {
  const groups = implicitGroups(s)
  const out: Grant[] = []
  for (const b of rbac.bindings) {
    if (!bindsSubject(b, s, groups)) continue
    const ns = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined
    const role = rbac.roles.find((r) => r.kind === b.roleRef.kind && r.metadata.name === b.roleRef.name && (r.kind === 'ClusterRole' || r.metadata.namespace === ns)) ?? null
    const rules = role ? (role.rules ?? []).flatMap((r, i) => (matches(r) ? [i] : [])) : []
    if (role && rules.length === 0) continue
    out.push({ binding: b, role, rules, scope: ns ? `namespace ${ns}` : 'every namespace' })
  }
  return out
}

// ---- audit events -------------------------------------------------------------------------------

export const AuditEvent = z
  .object({
    kind: z.literal('Event'),
    apiVersion: z.string().startsWith('audit.k8s.io/'),
    verb: z.string(),
    stage: z.string().optional(),
    user: z.object({ username: z.string().optional(), groups: z.array(z.string()).optional() }).passthrough(),
    objectRef: z
      .object({
        resource: z.string().optional(),
        namespace: z.string().optional(),
        name: z.string().optional(),
        subresource: z.string().optional(),
        apiGroup: z.string().optional()
      })
      .passthrough()
      .optional(),
    responseStatus: z.object({ code: z.number().optional() }).passthrough().optional(),
    stageTimestamp: z.string(),
    requestURI: z.string().optional()
  })
  .passthrough()
export type AuditEvent = z.infer<typeof AuditEvent>

/** One line of an audit file: the event itself, an AKS diagnostic record (properties.log), or a CloudWatch export ({"message"}). */
export function auditEventOfLine(line: string): Parsed<AuditEvent> {
  const j = parseJson(line)
  if (!j.ok) return { ok: false, why: j.error }
  let v: unknown = j.value
  const rec = v as { properties?: { log?: unknown }; message?: unknown }
  const inner = typeof rec?.properties?.log === 'string' ? rec.properties.log : typeof rec?.message === 'string' ? rec.message : null
  if (inner !== null) {
    const k = parseJson(inner)
    if (!k.ok) return { ok: false, why: `the record's ${typeof rec?.properties?.log === 'string' ? 'properties.log' : 'message'}: ${k.error}` }
    v = k.value
  }
  const r = AuditEvent.safeParse(v)
  if (!r.success) return { ok: false, why: `not an audit.k8s.io Event (${r.error.issues[0].path.join('.') || '(top)'}: ${r.error.issues[0].message})` }
  return { ok: true, value: r.data }
}

export interface AuditScan {
  events: AuditEvent[]
  /** the UTC days (YYYY-MM-DD) with at least one event: the days the files cover */
  days: Set<string>
  problems: string[]
}

/** Every event of an audit file; a bad line is a problem named with its line number, never a throw. */
export function scanAudit(text: string, path: string, into: AuditScan = { events: [], days: new Set(), problems: [] }): AuditScan {
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim()
    if (!l) continue
    const e = auditEventOfLine(l)
    if (!e.ok) {
      into.problems.push(`${path}: line ${i + 1}: ${e.why}`)
      continue
    }
    into.events.push(e.value)
    into.days.add(e.value.stageTimestamp.slice(0, 10))
  }
  return into
}

/** The resource an event acted on as RBAC names it: `pods`, `pods/exec`. */
export const eventResource = (e: AuditEvent): string | null =>
  e.objectRef?.resource ? (e.objectRef.subresource ? `${e.objectRef.resource}/${e.objectRef.subresource}` : e.objectRef.resource) : null

/** Was the request allowed (a response below 400, or 404/409: authorized, then not found or in conflict)? */
export const eventAllowed = (e: AuditEvent): boolean => {
  const c = e.responseStatus?.code
  return c === undefined || c < 400 || c === 404 || c === 409
}
