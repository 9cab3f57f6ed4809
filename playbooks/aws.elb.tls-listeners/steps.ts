// Step functions of aws.elb.tls-listeners: which listeners of a Classic Load Balancer take traffic
// unencrypted, whether each has an HTTPS/SSL counterpart with a certificate, and who connected
// unencrypted in the window. The access-log coverage step is aws.elbv2.http-redirect's, which reads
// both generations (the playbook names it).
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { coverageText, day, inWindow, outcome, plural, windowText } from '../../main/controls/step-common'
import { plainClassicListeners, secureCounterpart, type ClassicListenerFacet, type ElbClassicConfigFacet } from '../../main/semantics/load-balancer'
import { iso } from '../../main/semantics/time'

const TYPES = ['aws.elb.load-balancer'] as const

function lbOf(ctx: StepContext): { lb: ElbClassicConfigFacet; evidence: string[] } | null {
  const c = ctx.ev.config(ctx.finding.resource.id, 'elb.config')
  return c ? { lb: c.value, evidence: c.evidence } : null
}

const notInEvidence = (ctx: StepContext) =>
  outcome(
    'unknown',
    `the load balancer ${ctx.finding.resource.name ?? ctx.finding.resource.id} is not in the evidence (inventory/load-balancers.json "LoadBalancerDescriptions")`,
    {
      sources: ['aws.inventory']
    }
  )

export const listenerText = (l: ClassicListenerFacet) => `${l.protocol}:${l.port} → ${l.instanceProtocol ?? '?'}:${l.instancePort}`

const plainStep = defineStep({
  name: 'elb.classic-plain-listeners',
  summary: "the Classic Load Balancer's listeners that take traffic unencrypted (front-end HTTP or TCP), with the back end each sends it to",
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const t = lbOf(ctx)
    if (!t) return notInEvidence(ctx)
    const o = { evidence: [t.evidence], sources: ['aws.inventory' as const] }
    const plain = plainClassicListeners(t.lb)
    if (!plain) return outcome('unknown', `the listeners of ${t.lb.name} are not in the evidence (no ListenerDescriptions)`, o)
    if (plain.length)
      return outcome(
        'yes',
        `${plural(plain.length, 'listener')} of ${t.lb.name} ${plain.length === 1 ? 'takes' : 'take'} traffic unencrypted: ${plain.map(listenerText).join('; ')}`,
        {
          ...o,
          certainty: 'proven'
        }
      )
    return outcome('no', `every listener of ${t.lb.name} is HTTPS or SSL (${(t.lb.listeners ?? []).map(listenerText).join('; ') || 'no listener'}): the finding is stale`, {
      ...o,
      certainty: 'proven'
    })
  }
})

const secureStep = defineStep({
  name: 'elb.classic-secure-counterpart',
  summary: 'for each plain listener, an HTTPS (for HTTP) or SSL (for TCP) listener with a certificate that sends traffic to the same instance port, where its clients can move',
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const t = lbOf(ctx)
    if (!t) return notInEvidence(ctx)
    const o = { evidence: [t.evidence], sources: ['aws.inventory' as const] }
    const plain = plainClassicListeners(t.lb)
    if (!plain) return outcome('unknown', `the listeners of ${t.lb.name} are not in the evidence (no ListenerDescriptions)`, o)
    const missing = plain.filter((p) => !secureCounterpart(t.lb, p))
    if (missing.length)
      return outcome(
        'no',
        `no HTTPS or SSL listener with a certificate serves the back end of ${missing.map(listenerText).join('; ')}: deleting ${missing.length === 1 ? 'it' : 'them'} leaves ${missing.length === 1 ? 'its' : 'their'} clients nothing. A certificate (ACM) and the secure listener must come first, chosen by a person`,
        { ...o, certainty: 'proven' }
      )
    return outcome(
      'yes',
      plain.length
        ? plain.map((p) => `${listenerText(p)} has ${listenerText(secureCounterpart(t.lb, p)!)} (${secureCounterpart(t.lb, p)!.certificate})`).join('; ')
        : 'there is no plain listener',
      { ...o, certainty: 'proven' }
    )
  }
})

const clientsStep = defineStep({
  name: 'elb.classic-plain-clients',
  summary:
    'the requests and connections of the window that reached the Classic Load Balancer unencrypted (all cut off when the plain listeners go), by port, method and user agent',
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const id = ctx.finding.resource.id
    const f = ctx.ev.config(id, 'activity.aws.elb-access-logs')
    const cov = ctx.ev.coverage('aws.elb-access-logs', id, ctx.window)
    const sources = ['aws.elb-access-logs' as const]
    if (!f)
      return outcome('unknown', 'no access log of the load balancer is in evidence: who connects unencrypted cannot be shown', {
        evidence: [cov.evidence],
        sources,
        windowed: true
      })
    const a = f.value
    const evidence = [f.evidence, cov.evidence]
    const last = a.plainLast === null ? null : iso(a.plainLast)
    if (a.plain > 0 && inWindow(last, ctx.window)) {
      const ports = Object.entries(a.plainPorts)
        .map(([p, n]) => `${p === '-' ? 'TCP' : `port ${p}`} ${n}`)
        .join(', ')
      const methods = Object.entries(a.plainMethods)
        .map(([m, n]) => `${m === '-' ? 'TCP connections' : m} ${n}`)
        .join(', ')
      return outcome(
        'yes',
        `${plural(a.plain, 'request or connection', 'requests or connections')} reached ${ctx.finding.resource.name ?? 'the load balancer'} unencrypted, the last on ${day(last)} (${ports}; ${methods}); clients: ${a.agents
          .slice(0, 6)
          .map((g) => `${g.agent} (${g.requests})`)
          .join('; ')}. A Classic Load Balancer cannot redirect: deleting the plain listeners cuts them off`,
        { evidence, certainty: 'proven', sources, windowed: true }
      )
    }
    if (cov.state !== 'covered') return outcome('unknown', `the logs hold no unencrypted request, but ${coverageText(cov, 'they')}`, { evidence, sources, windowed: true })
    return outcome('no', `no request or connection reached the load balancer unencrypted ${windowText(ctx.window)} (${plural(a.requests, 'request')}, all encrypted)`, {
      evidence,
      certainty: 'proven',
      sources,
      windowed: true
    })
  }
})

export const ELB_CLASSIC_STEPS = [plainStep, secureStep, clientsStep]
