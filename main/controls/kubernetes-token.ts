// The step that counts the API requests of a workload's service account token (made as k8s.token-used):
// did the service account token of the workloads at fault call the API server in the
// window? The audit events whose user is system:serviceaccount:<namespace>:<name> are that token's
// requests (a bound token also names its pod in user.extra), counted and named, whatever the answer
// (a refused request still shows the app calls the API). A token used cannot be taken from the pods
// without breaking what they do; its absence means something only over every day of the window, when
// the cluster logs reads (get, list, watch), which are what a token mostly does, and when nobody had a
// token reviewed (a TokenReview: how Vault's or Consul's Kubernetes auth checks a pod's token, made as
// the service itself, so the log cannot say whose token it was). The service-account
// playbooks (azure.aks.automount-service-account-token, azure.aks.default-service-account) make it with their concerns.
import { z } from 'zod'
import { defineStep, type StepFunction } from './step'
import { day, outcome, plural, windowText } from './step-common'
import { auditGaps, judge, loadAudit, WORKLOAD_TYPES, type WorkloadConcerns } from './kubernetes-evidence'
import { eventResource, type AuditEvent } from '../semantics/kubernetes-rbac'
import { serviceAccountOf } from '../semantics/kubernetes-workloads'

const POD_NAME = 'authentication.kubernetes.io/pod-name'

/** The pod a bound service account token was issued for, when the event says (user.extra). */
const podOf = (e: AuditEvent): string | null => {
  const extra = (e.user as { extra?: Record<string, unknown> }).extra
  const v = extra?.[POD_NAME]
  return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null
}

/** The step that counts the API requests of the service account tokens of the workloads at fault (those of `concerns`' controls). */
export const tokenUsedStep = (name: string, concerns: WorkloadConcerns): StepFunction =>
  defineStep({
    name,
    summary:
      "the API requests in the window made with the service account token of the workloads at fault (the cluster's audit events by user system:serviceaccount:<namespace>:<name>), counted and named by verb and resource, with the days the audit files cover",
    resourceTypes: WORKLOAD_TYPES,
    params: z.object({}).strict(),
    run(ctx) {
      const j = judge(ctx, concerns)
      if ('error' in j) return j.error
      const sources = ['kubernetes.workloads' as const, 'kubernetes.audit' as const]
      if (!j.at.length) return outcome('no', 'no workload is at fault, so no token of one is in question', { evidence: [j.evidence], certainty: 'proven', sources, windowed: true })
      const accounts = [...new Set(j.at.map((o) => `system:serviceaccount:${o.workload.namespace}:${serviceAccountOf(o.workload.spec)}`))].sort()
      const files = ctx.ev.files()
      const a = loadAudit(files, (id) => ctx.ev.bytes(id), j.cluster)
      if (!a.ok) return outcome('unknown', `${a.why}: whether ${accounts.join(', ')} called the API server cannot be shown`, { evidence: [j.evidence], sources, windowed: true })
      const evidence = [j.evidence, a.files]
      const from = ctx.window?.from ?? null
      const mine = new Set(accounts)
      const calls = a.value.events.filter((e) => mine.has(e.user.username ?? '') && (!e.stage || e.stage === 'ResponseComplete') && (!from || e.stageTimestamp >= from))
      if (calls.length) {
        const said: string[] = []
        for (const user of accounts) {
          const its = calls.filter((e) => e.user.username === user)
          if (!its.length) continue
          const by = new Map<string, number>()
          for (const e of its) {
            const k = `${e.verb} ${eventResource(e) ?? e.requestURI ?? '?'}${e.objectRef?.namespace ? ` in ${e.objectRef.namespace}` : ''}`
            by.set(k, (by.get(k) ?? 0) + 1)
          }
          const named = [...by].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([k, n]) => `${k} (${n})`)
          const pods = [...new Set(its.map(podOf).filter((p): p is string => !!p))]
          const last = its.reduce((m, e) => (e.stageTimestamp > m ? e.stageTimestamp : m), '')
          said.push(
            `${user} made ${plural(its.length, 'request')} (the last on ${day(last)}): ${named.slice(0, 6).join(', ')}${named.length > 6 ? `, and ${named.length - 6} more` : ''}${pods.length ? `; from pods ${pods.slice(0, 3).join(', ')}${pods.length > 3 ? ', …' : ''}` : ''}`
          )
        }
        return outcome('yes', `${said.join('; ')}. The pods use their token: without it these requests fail`, { evidence, certainty: 'proven', sources, windowed: true })
      }
      if (!ctx.window) return outcome('unknown', 'the evidence gives no window to judge the audit log against', { evidence, sources, windowed: true })
      const gaps = auditGaps(a.value, ctx.window, ['get', 'list', 'watch'])
      if (gaps.length) return outcome('unknown', `no request of ${accounts.join(', ')} is in the audit files, but ${gaps.join('; ')}`, { evidence, sources, windowed: true })
      // a token is also presented to services outside the API server (Vault's or Consul's Kubernetes
      // auth), which check it with a TokenReview made as themselves: the log says who reviewed, not whose token
      const reviews = a.value.events.filter(
        (e) => eventResource(e) === 'tokenreviews' && e.verb === 'create' && (!e.stage || e.stage === 'ResponseComplete') && (!from || e.stageTimestamp >= from)
      )
      if (reviews.length) {
        const by = [...new Set(reviews.map((e) => e.user.username ?? '?'))].sort()
        return outcome(
          'unknown',
          `none of the audit events of ${windowText(ctx.window)} is a request of ${accounts.join(', ')}, but ${by.slice(0, 3).join(', ')}${by.length > 3 ? ', …' : ''} asked the API server to review tokens ${plural(reviews.length, 'time')} (TokenReview), the last on ${day(reviews.reduce((m, e) => (e.stageTimestamp > m ? e.stageTimestamp : m), ''))}: a service such as Vault's Kubernetes auth checks a pod's mounted token that way, and the log does not say whose token it was`,
          { evidence, sources, windowed: true }
        )
      }
      return outcome(
        'no',
        `the cluster's audit events cover every day of ${windowText(ctx.window)} (${plural(a.value.events.length, 'event')}, reads included), none is a request of ${accounts.join(', ')}, and nobody had a token reviewed (TokenReview, as a service outside the API server checking a pod's token would): the token mounted into the pods was not used`,
        { evidence, certainty: 'proven', sources, windowed: true }
      )
    }
  })
