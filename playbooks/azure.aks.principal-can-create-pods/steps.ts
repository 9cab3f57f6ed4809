// Step functions of the Kubernetes RBAC playbook (azure.aks.principal-can-create-pods, and the
// controls it serves: principal-can-read-secrets, role-wildcard): which bindings and roles give the
// subject the permission (rbac.json), did the subject use it in the window (the audit events of the
// cluster, with the days they cover), and is it a system or managed identity that the cluster needs.
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { day, outcome, plural, windowText } from '../../main/controls/step-common'
import { eventResource, subjectOfResourceId, subjectText, usernameOf, type K8sSubject } from '../../main/semantics/kubernetes-rbac'
import { auditGaps } from '../../main/controls/kubernetes-evidence'
import { CONCERNS, clusterFolder, grantText, groupGrants, holding, loadAudit, loadRbac, targetOf, uses, type Concern, type Target } from './rbac'
import { beyondOtherRoles, CLUSTER_ADMIN, clusterAdminHolders, holderText, systemGroup, type Holder } from './cluster-admin'

// subjects (Wiz's RBAC findings), and the cluster itself (cluster-admin-in-use names the cluster)
const SUBJECTS = ['kubernetes.serviceaccount', 'kubernetes.user', 'azure.aks.cluster'] as const

function setup(ctx: StepContext): { error: ReturnType<typeof outcome> } | { t: Target; c: Concern } {
  const c = CONCERNS[ctx.finding.control]
  if (!c) return { error: outcome('unknown', `${ctx.finding.control} is not a control this playbook knows the permission of`, {}) }
  const t = targetOf(ctx.finding.resource.id, ctx.ev.files())
  if (!t.ok) return { error: outcome('unknown', t.why, {}) }
  return { t: t.value, c }
}

const where = (t: Target): string => (t.chosen ? ` (cluster: ${t.chosen})` : '')

const holds = defineStep({
  name: 'k8s.subject-holds-permission',
  summary: "which bindings give the subject the permission the finding names, through which roles and rules (rbac.json: bindings → roles → rules, '*' matching anything)",
  resourceTypes: SUBJECTS,
  params: z.object({}).strict(),
  run(ctx) {
    if (ctx.finding.control === CLUSTER_ADMIN) return adminHolds(ctx)
    const s = setup(ctx)
    if ('error' in s) return s.error
    const r = loadRbac(ctx.ev.files(), (id) => ctx.ev.bytes(id), s.t.cluster)
    const sources = ['kubernetes.rbac' as const]
    if (!r.ok) return outcome('unknown', r.why, { evidence: [r.files], sources })
    const h = holding(r.value, s.t.subject, s.c)
    const o = { evidence: [r.files], certainty: 'proven' as const, sources }
    const who = subjectText(s.t.subject)
    if (h.grants.length)
      return outcome(
        'yes',
        `${who} may ${s.c.what}${where(s.t)}: ${h.grants.map(grantText).join('; ')}${h.missing.length ? `; and ${h.missing.map(grantText).join('; ')}` : ''}`,
        o
      )
    if (h.missing.length) return outcome('unknown', `${who} is bound to roles that are not in rbac.json: ${h.missing.map(grantText).join('; ')}`, { evidence: [r.files], sources })
    // a user's groups come from the identity provider (Entra ID, IAM), not from RBAC: a group binding may give it the permission
    const groups = s.t.subject.kind === 'User' ? groupGrants(r.value, s.c) : []
    if (groups.length)
      return outcome(
        'unknown',
        `no binding names ${who}, but ${groups.slice(0, 5).join('; ')} give the permission to groups, and which groups the user is in is not in rbac.json (the identity provider says)`,
        { evidence: [r.files], sources }
      )
    return outcome('no', `no binding in rbac.json lets ${who} ${s.c.what}${where(s.t)}: there is nothing to remove`, o)
  }
})

const used = defineStep({
  name: 'k8s.permission-used',
  summary:
    "the subject's allowed requests in the window that the permission covers (the cluster's audit events by its user name: verb, resource, namespace, object), counted and named, with the days the audit files cover",
  resourceTypes: SUBJECTS,
  params: z.object({}).strict(),
  run(ctx) {
    if (ctx.finding.control === CLUSTER_ADMIN) return adminUsed(ctx)
    const s = setup(ctx)
    if ('error' in s) return s.error
    const files = ctx.ev.files()
    const r = loadRbac(files, (id) => ctx.ev.bytes(id), s.t.cluster)
    const sources = ['kubernetes.rbac' as const, 'kubernetes.audit' as const]
    if (!r.ok) return outcome('unknown', r.why, { evidence: [r.files], sources, windowed: true })
    const h = holding(r.value, s.t.subject, s.c)
    const a = loadAudit(files, (id) => ctx.ev.bytes(id), s.t.cluster)
    if (!a.ok) return outcome('unknown', `${a.why}: whether ${subjectText(s.t.subject)} used the permission cannot be shown`, { evidence: [r.files], sources, windowed: true })
    const evidence = [r.files, a.files]
    const calls = uses(a.value, s.t.subject, s.c, h.grants, ctx.window?.from ?? null)
    if (calls.length) {
      const by = new Map<string, number>()
      for (const e of calls) {
        const k = `${e.verb} ${eventResource(e)}${e.objectRef?.namespace ? ` in ${e.objectRef.namespace}` : ''}`
        by.set(k, (by.get(k) ?? 0) + 1)
      }
      const named = [...by].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([k, n]) => `${k} (${n})`)
      const last = calls.reduce((m, e) => (e.stageTimestamp > m ? e.stageTimestamp : m), '')
      return outcome(
        'yes',
        `${usernameOf(s.t.subject)} made ${plural(calls.length, 'allowed request')} the permission covers (the last on ${day(last)}): ${named.slice(0, 8).join(', ')}${named.length > 8 ? `, and ${named.length - 8} more` : ''}. Taking it away would refuse them`,
        { evidence, certainty: 'proven', sources, windowed: true }
      )
    }
    if (!h.grants.length)
      return outcome('no', `${subjectText(s.t.subject)} holds no such permission, so no request of it uses one`, { evidence, certainty: 'proven', sources, windowed: true })
    if (!ctx.window) return outcome('unknown', 'the evidence gives no window to judge the audit log against', { evidence, sources, windowed: true })
    // the verbs the subject's grants give it (of those the permission names) must be in the log for their absence to mean anything
    const granted = (s.c.verbs ?? []).filter((v) => h.grants.some((g) => g.rules.some((i) => ['*', v].some((x) => g.role!.rules![i].verbs.includes(x)))))
    const gaps = auditGaps(a.value, ctx.window, granted)
    if (gaps.length) return outcome('unknown', `no request of ${usernameOf(s.t.subject)} used the permission, but ${gaps.join('; ')}`, { evidence, sources, windowed: true })
    return outcome(
      'no',
      `the cluster's audit events cover every day of ${windowText(ctx.window)} (${plural(a.value.events.length, 'event')}), and none is an allowed request of ${usernameOf(s.t.subject)} that the permission covers`,
      { evidence, certainty: 'proven', sources, windowed: true }
    )
  }
})

/** Why a subject is the cluster's own (its controllers, nodes, the managed service's accounts), or null. */
export function systemIdentity(s: K8sSubject): string | null {
  if (s.kind === 'ServiceAccount') {
    if (['kube-system', 'kube-node-lease', 'kube-public'].includes(s.namespace)) return `a service account of ${s.namespace}, where the cluster's controllers and add-ons run`
    return null
  }
  if (s.name.startsWith('system:')) return 'a system: user of Kubernetes itself (a control-plane component or node)'
  if (/^(aks|eks):/.test(s.name)) return `a user of the managed service (${s.name.slice(0, 3).toUpperCase()})`
  if (['aks-support', 'clusterAdmin', 'clusterUser', 'masterclient', 'nodeclient'].includes(s.name))
    return 'an account AKS creates and uses itself (support access, the local admin and user credentials)'
  return null
}

const system = defineStep({
  name: 'k8s.system-identity',
  summary: "whether the subject is the cluster's own: a kube-system service account, a system: user, an AKS/EKS-managed account (narrowing it breaks the cluster)",
  resourceTypes: SUBJECTS,
  params: z.object({}).strict(),
  run(ctx) {
    if (ctx.finding.control === CLUSTER_ADMIN) return adminSystem(ctx)
    // the subject's name says it: no evidence of the cluster is needed
    const s = subjectOfResourceId(ctx.finding.resource.id)
    if (!s) return outcome('unknown', `${ctx.finding.resource.id} is not a Kubernetes subject id this playbook reads`, {})
    const why = systemIdentity(s.subject)
    if (why) return outcome('yes', `${subjectText(s.subject)} is ${why}: narrowing its permissions breaks what the cluster does for itself`, { certainty: 'proven' })
    return outcome('no', `${subjectText(s.subject)} is not a system, kube-system or managed-service identity`, { certainty: 'proven' })
  }
})

// ---- azure.aks.cluster-admin-in-use: the finding names the cluster; the holders are found in rbac.json ----

type AdminSetup = { error: ReturnType<typeof outcome> } | { cluster: string; chosen: string | null }

function adminSetup(ctx: StepContext): AdminSetup {
  const c = clusterFolder(ctx.finding.resource.id, ctx.ev.files())
  return c.ok ? c.value : { error: outcome('unknown', c.why, {}) }
}

const isSystem = (h: Holder): string | null => ('group' in h ? systemGroup(h.group) : systemIdentity(h.subject))
const inCluster = (s: { chosen: string | null }): string => (s.chosen ? ` (cluster: ${s.chosen})` : '')

function adminHolds(ctx: StepContext): ReturnType<typeof outcome> {
  const s = adminSetup(ctx)
  if ('error' in s) return s.error
  const r = loadRbac(ctx.ev.files(), (id) => ctx.ev.bytes(id), s.cluster)
  const sources = ['kubernetes.rbac' as const]
  if (!r.ok) return outcome('unknown', r.why, { evidence: [r.files], sources })
  const all = clusterAdminHolders(r.value)
  const o = { evidence: [r.files], certainty: 'proven' as const, sources }
  if (!all.length) return outcome('no', `no binding in rbac.json gives the ClusterRole cluster-admin to anyone${inCluster(s)}: there is nothing to remove`, o)
  return outcome('yes', `cluster-admin is bound to ${plural(all.length, 'subject')}${inCluster(s)}: ${all.map(holderText).join('; ')}`, o)
}

function adminUsed(ctx: StepContext): ReturnType<typeof outcome> {
  const s = adminSetup(ctx)
  if ('error' in s) return s.error
  const files = ctx.ev.files()
  const sources = ['kubernetes.rbac' as const, 'kubernetes.audit' as const]
  const r = loadRbac(files, (id) => ctx.ev.bytes(id), s.cluster)
  if (!r.ok) return outcome('unknown', r.why, { evidence: [r.files], sources, windowed: true })
  // the cluster's own identities keep cluster-admin (the fix leaves their bindings): only the others' use counts
  const others = clusterAdminHolders(r.value).filter((h) => !isSystem(h))
  if (!others.length)
    return outcome('no', "only the cluster's own identities hold cluster-admin; the fix takes it from no one else, so no request is refused", {
      evidence: [r.files],
      certainty: 'proven',
      sources,
      windowed: true
    })
  const a = loadAudit(files, (id) => ctx.ev.bytes(id), s.cluster)
  if (!a.ok)
    return outcome('unknown', `${a.why}: whether ${others.map(holderText).join('; ')} used cluster-admin cannot be shown`, { evidence: [r.files], sources, windowed: true })
  const evidence = [r.files, a.files]
  const from = ctx.window?.from ?? null
  const named: string[] = []
  const groups: string[] = []
  for (const h of others) {
    if ('group' in h) {
      groups.push(h.group)
      continue
    }
    const calls = beyondOtherRoles(r.value, a.value, h.subject, from)
    if (!calls.length) continue
    const by = new Map<string, number>()
    for (const e of calls) {
      const k = `${e.verb} ${eventResource(e) ?? e.requestURI ?? '?'}${e.objectRef?.namespace ? ` in ${e.objectRef.namespace}` : ''}`
      by.set(k, (by.get(k) ?? 0) + 1)
    }
    const list = [...by].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([k, n]) => `${k} (${n})`)
    named.push(
      `${usernameOf(h.subject)}: ${plural(calls.length, 'request')} no other role of it allows — ${list.slice(0, 6).join(', ')}${list.length > 6 ? `, and ${list.length - 6} more` : ''}`
    )
  }
  if (named.length)
    return outcome('yes', `${named.join('; ')}. Removing their cluster-admin binding would refuse these`, { evidence, certainty: 'proven', sources, windowed: true })
  if (!ctx.window) return outcome('unknown', 'the evidence gives no window to judge the audit log against', { evidence, sources, windowed: true })
  const gaps = auditGaps(a.value, ctx.window, ['get', 'list', 'create', 'delete'])
  if (groups.length)
    gaps.push(
      `cluster-admin is bound to ${groups.map((g) => `group ${g}`).join(', ')}, whose members the identity provider knows, not rbac.json: their requests cannot be told apart`
    )
  const who = others.filter((h) => !('group' in h)).map((h) => usernameOf((h as { subject: K8sSubject }).subject))
  if (gaps.length)
    return outcome('unknown', `no request of ${who.join(', ') || 'a named holder'} needed cluster-admin, but ${gaps.join('; ')}`, { evidence, sources, windowed: true })
  return outcome(
    'no',
    `the cluster's audit events cover every day of ${windowText(ctx.window)} (${plural(a.value.events.length, 'event')}), and every allowed request of ${who.join(', ')} is one their other roles allow: none needed cluster-admin`,
    { evidence, certainty: 'proven', sources, windowed: true }
  )
}

function adminSystem(ctx: StepContext): ReturnType<typeof outcome> {
  const s = adminSetup(ctx)
  if ('error' in s) return s.error
  const r = loadRbac(ctx.ev.files(), (id) => ctx.ev.bytes(id), s.cluster)
  if (!r.ok) return outcome('unknown', r.why, { evidence: [r.files], sources: ['kubernetes.rbac'] })
  const all = clusterAdminHolders(r.value)
  const o = { evidence: [r.files], certainty: 'proven' as const, sources: ['kubernetes.rbac' as const] }
  const own = all.filter(isSystem)
  const others = all.filter((h) => !isSystem(h))
  if (!all.length) return outcome('no', 'no subject holds cluster-admin', o)
  if (!others.length)
    return outcome(
      'yes',
      `every holder of cluster-admin is the cluster's own: ${own.map((h) => `${holderText(h)}, ${isSystem(h)}`).join('; ')}. Their bindings are the cluster's design`,
      o
    )
  return outcome(
    'no',
    `${others.map(holderText).join('; ')} ${others.length === 1 ? 'is' : 'are'} not the cluster's own${own.length ? ` (the fix leaves ${own.map(holderText).join('; ')}: the cluster's own)` : ''}`,
    o
  )
}

export const RBAC_STEPS = [holds, used, system]
