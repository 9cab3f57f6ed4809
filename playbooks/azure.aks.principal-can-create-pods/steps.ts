// Step functions of the Kubernetes RBAC playbook (azure.aks.principal-can-create-pods, and the
// controls it serves: principal-can-read-secrets, role-wildcard): which bindings and roles give the
// subject the permission (rbac.json), did the subject use it in the window (the audit events of the
// cluster, with the days they cover), and is it a system or managed identity that the cluster needs.
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { day, outcome, plural, windowText } from '../../main/controls/step-common'
import { eventResource, subjectOfResourceId, subjectText, usernameOf, type K8sSubject } from '../../main/semantics/kubernetes-rbac'
import { CONCERNS, grantText, groupGrants, holding, loadAudit, loadRbac, targetOf, uses, windowDays, type Concern, type Target } from './rbac'

const SUBJECTS = ['kubernetes.serviceaccount', 'kubernetes.user'] as const

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
    const days = windowDays(ctx.window)
    const missing = days.filter((d) => !a.value.days.has(d))
    const gaps: string[] = []
    if (missing.length) gaps.push(`the audit files hold no event on ${plural(missing.length, 'day')} of ${windowText(ctx.window)} (from ${missing[0]})`)
    if (a.value.unread.length) gaps.push(`${plural(a.value.unread.length, 'audit file')} kept as a hash only (${a.value.unread[0]})`)
    if (a.value.problems.length) gaps.push(`${plural(a.value.problems.length, 'unreadable audit line')} (${a.value.problems[0]})`)
    // the verbs the subject's grants give it (of those the permission names) must be in the log for their absence to mean anything
    const granted = (s.c.verbs ?? []).filter((v) => h.grants.some((g) => g.rules.some((i) => ['*', v].some((x) => g.role!.rules![i].verbs.includes(x)))))
    const unlogged = granted.filter((v) => !a.value.events.some((e) => e.verb === v))
    if (unlogged.length)
      gaps.push(
        `no request of anyone with the verb ${unlogged.join(', ')} is in the audit files: the cluster does not log them (AKS kube-audit-admin leaves out get and list; an audit policy may say None)`
      )
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
    // the subject's name says it: no evidence of the cluster is needed
    const s = subjectOfResourceId(ctx.finding.resource.id)
    if (!s) return outcome('unknown', `${ctx.finding.resource.id} is not a Kubernetes subject id this playbook reads`, {})
    const why = systemIdentity(s.subject)
    if (why) return outcome('yes', `${subjectText(s.subject)} is ${why}: narrowing its permissions breaks what the cluster does for itself`, { certainty: 'proven' })
    return outcome('no', `${subjectText(s.subject)} is not a system, kube-system or managed-service identity`, { certainty: 'proven' })
  }
})

export const RBAC_STEPS = [holds, used, system]
