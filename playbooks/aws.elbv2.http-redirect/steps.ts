// Step functions of aws.elbv2.http-redirect: which HTTP listeners of an Application Load Balancer
// still serve plain HTTP, whether an HTTPS listener with a certificate answers on 443 (where the
// redirect sends clients), whether listener rules keep serving HTTP past the default action, whether
// the access logs cover the window, and who used plain HTTP in a way a redirect breaks.
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { coverageText, day, inWindow, outcome, plural, windowText } from '../../main/controls/step-common'
import { actionText, followsRedirect, httpsLanding, plainHttpListeners, type Elbv2ConfigFacet } from '../../main/semantics/load-balancer'
import { iso } from '../../main/semantics/time'

const TYPES = ['aws.elbv2.load-balancer'] as const
const CLASSIC = 'aws.elb.load-balancer'

function lbOf(ctx: StepContext): { lb: Elbv2ConfigFacet; evidence: string[] } | null {
  const c = ctx.ev.config(ctx.finding.resource.id, 'elbv2.config')
  return c ? { lb: c.value, evidence: c.evidence } : null
}

const notInEvidence = (ctx: StepContext) =>
  outcome('unknown', `the load balancer ${ctx.finding.resource.name ?? ctx.finding.resource.id} is not in the evidence (inventory/load-balancers.json)`, {
    sources: ['aws.inventory']
  })

const noListeners = (lb: Elbv2ConfigFacet, evidence: string[]) =>
  outcome('unknown', `the listeners of ${lb.name} were not collected (no "Listeners" in inventory/load-balancers.json: DescribeListeners)`, {
    evidence: [evidence],
    sources: ['aws.inventory']
  })

const listenerName = (port: number) => `HTTP:${port}`

const httpListeners = defineStep({
  name: 'elb.http-listeners',
  summary: "the load balancer's HTTP listeners whose default action or rules do not redirect to HTTPS, and what they do instead (forward, fixed response)",
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const t = lbOf(ctx)
    if (!t) return notInEvidence(ctx)
    const o = { evidence: [t.evidence], sources: ['aws.inventory' as const] }
    if (t.lb.type !== null && t.lb.type !== 'application')
      return outcome('unknown', `${t.lb.name} is a ${t.lb.type} load balancer: ELB.1 judges Application Load Balancers, whose HTTP listeners can redirect`, o)
    const plain = plainHttpListeners(t.lb)
    if (!plain) return noListeners(t.lb, t.evidence)
    const serving = plain.filter((p) => p.servesByDefault || (p.servingRules?.length ?? 0) > 0)
    if (serving.length)
      return outcome(
        'yes',
        `${plural(serving.length, 'HTTP listener')} of ${t.lb.name} still ${serving.length === 1 ? 'serves' : 'serve'} plain HTTP: ${serving
          .map(
            (p) =>
              `${listenerName(p.listener.port)} ${p.servesByDefault ? actionText(p.listener.defaultActions) : 'redirects by default'}${p.servingRules?.length ? ` and ${plural(p.servingRules.length, 'rule')} ${actionText(p.servingRules[0].actions)}` : ''}`
          )
          .join('; ')}`,
        { ...o, certainty: 'proven' }
      )
    if (plain.length)
      return outcome(
        'unknown',
        `every HTTP listener of ${t.lb.name} redirects to HTTPS by default, but the rules of ${plain.map((p) => listenerName(p.listener.port)).join(', ')} were not collected (DescribeRules)`,
        o
      )
    const http = (t.lb.listeners ?? []).filter((l) => l.protocol.toUpperCase() === 'HTTP')
    return outcome(
      'no',
      http.length
        ? `every HTTP listener of ${t.lb.name} (${http.map((l) => listenerName(l.port)).join(', ')}) redirects to HTTPS, rules included: the finding is stale`
        : `${t.lb.name} has no HTTP listener (${(t.lb.listeners ?? []).map((l) => `${l.protocol}:${l.port}`).join(', ') || 'no listener at all'}): the finding is stale`,
      { ...o, certainty: 'proven' }
    )
  }
})

const httpsLandingStep = defineStep({
  name: 'elb.https-landing',
  summary: 'whether an HTTPS listener with a certificate answers on port 443 of the load balancer, where a redirect to HTTPS sends clients',
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const t = lbOf(ctx)
    if (!t) return notInEvidence(ctx)
    if (!t.lb.listeners) return noListeners(t.lb, t.evidence)
    const o = { evidence: [t.evidence], sources: ['aws.inventory' as const], certainty: 'proven' as const }
    const landing = httpsLanding(t.lb)
    if (landing) return outcome('yes', `${t.lb.name} answers HTTPS on 443 with ${plural(landing.certificates.length, 'certificate')} (${landing.certificates[0]})`, o)
    const other = t.lb.listeners.filter((l) => l.protocol.toUpperCase() === 'HTTPS')
    return outcome(
      'no',
      `${t.lb.name} has no HTTPS listener with a certificate on port 443${other.length ? ` (HTTPS only on ${other.map((l) => l.port).join(', ')})` : ''}: a redirect to https://…:443 would reach nothing. The certificate (ACM) and the listener must come first`,
      o
    )
  }
})

const rulesStep = defineStep({
  name: 'elb.http-listener-rules',
  summary: 'the rules of the HTTP listeners other than the default one that still forward or answer plain HTTP (the fix changes only the default action)',
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const t = lbOf(ctx)
    if (!t) return notInEvidence(ctx)
    const plain = plainHttpListeners(t.lb)
    if (!plain) return noListeners(t.lb, t.evidence)
    const o = { evidence: [t.evidence], sources: ['aws.inventory' as const] }
    const serving = plain.flatMap((p) => (p.servingRules ?? []).map((r) => ({ port: p.listener.port, r })))
    if (serving.length)
      return outcome(
        'yes',
        `${plural(serving.length, 'rule')} of the HTTP listeners ${serving.length === 1 ? 'serves' : 'serve'} plain HTTP past the default action: ${serving
          .slice(0, 5)
          .map((x) => `${listenerName(x.port)} priority ${x.r.priority} ${actionText(x.r.actions)}`)
          .join('; ')}. Redirecting the default action leaves them as they are`,
        { ...o, certainty: 'proven' }
      )
    const unread = plain.filter((p) => p.servingRules === null)
    if (unread.length) return outcome('unknown', `the rules of ${unread.map((p) => listenerName(p.listener.port)).join(', ')} were not collected (DescribeRules)`, o)
    return outcome('no', 'the HTTP listeners have no rule besides the default one that serves plain HTTP', { ...o, certainty: 'proven' })
  }
})

/** Either generation's configuration, for what they share (name, access logs): aws.elb.tls-listeners' playbook names the access-log step too. */
function anyLbOf(ctx: StepContext): { lb: { name: string; accessLogs: Elbv2ConfigFacet['accessLogs'] }; evidence: string[] } | null {
  if (ctx.finding.resource.type === CLASSIC) {
    const c = ctx.ev.config(ctx.finding.resource.id, 'elb.config')
    return c ? { lb: c.value, evidence: c.evidence } : null
  }
  return lbOf(ctx)
}

const logsStep = defineStep({
  name: 'elb.access-logs-complete',
  summary: "whether the load balancer's access logs are on and hold requests on every day of the window, so that a client not in them did not call",
  resourceTypes: [...TYPES, CLASSIC],
  params: z.object({}).strict(),
  run(ctx) {
    const t = anyLbOf(ctx)
    if (!t) return notInEvidence(ctx)
    const id = ctx.finding.resource.id
    const cov = ctx.ev.coverage('aws.elb-access-logs', id, ctx.window)
    const sources = ['aws.inventory' as const, 'aws.elb-access-logs' as const]
    const evidence = [t.evidence, cov.evidence]
    if (t.lb.accessLogs?.enabled === false)
      return outcome(
        'no',
        `access logging of ${t.lb.name} is off (access_logs.s3.enabled false): no request is recorded, so who uses plain HTTP cannot be shown. Turning it on is additive (S3 storage); investigate again after a window of logs`,
        { evidence, certainty: 'proven', sources, windowed: true }
      )
    if (cov.state === 'none')
      return outcome(
        'unknown',
        `no access log of ${t.lb.name} is in evidence: add the files its logging delivers${t.lb.accessLogs?.bucket ? ` (s3://${t.lb.accessLogs.bucket}/${t.lb.accessLogs.prefix ? `${t.lb.accessLogs.prefix}/` : ''}AWSLogs/…)` : ''} under elb-access-logs/`,
        { evidence, sources, windowed: true }
      )
    if (cov.state === 'covered')
      return outcome(
        'yes',
        `the access logs of ${t.lb.name} hold requests on every day ${windowText(ctx.window)} (${plural(cov.records, 'request')} in ${plural(cov.files, 'file')})`,
        {
          evidence,
          certainty: 'proven',
          sources,
          windowed: true
        }
      )
    return outcome('no', coverageText(cov, `the access logs of ${t.lb.name}`), { evidence, certainty: 'proven', sources, windowed: true })
  }
})

const clientsStep = defineStep({
  name: 'elb.http-clients-break',
  summary:
    'the plain-HTTP requests of the window a redirect to HTTPS breaks — methods other than GET and HEAD, WebSocket handshakes, clients known to follow no redirect (curl, Java, CloudFront as origin fetcher) — by method and user agent; GET and HEAD from a client not known to follow one (or with no user agent) leave it unknown',
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const id = ctx.finding.resource.id
    const f = ctx.ev.config(id, 'activity.aws.elb-access-logs')
    const cov = ctx.ev.coverage('aws.elb-access-logs', id, ctx.window)
    const sources = ['aws.elb-access-logs' as const]
    if (!f)
      return outcome('unknown', 'no access log of the load balancer is in evidence: who uses plain HTTP cannot be shown', { evidence: [cov.evidence], sources, windowed: true })
    const a = f.value
    const evidence = [f.evidence, cov.evidence]
    const at = (s: number | null) => (s === null ? null : iso(s))
    const methods = Object.entries(a.plainMethods)
      .sort(([, x], [, y]) => y - x)
      .map(([m, n]) => `${m === '-' ? 'TCP' : m} ${n}`)
      .join(', ')
    const agents = (list: typeof a.agents) => list.map((g) => `${g.agent} (${plural(g.requests, 'request')}${g.breaking ? `, ${g.breaking} a redirect breaks` : ''})`).join('; ')
    if (a.breaking > 0 && inWindow(at(a.breakingLast), ctx.window))
      return outcome(
        'yes',
        `${plural(a.breaking, 'plain-HTTP request')} a redirect to HTTPS breaks, the last on ${day(at(a.breakingLast))} (methods over HTTP: ${methods}); clients: ${agents(a.agents.filter((g) => g.breaking).slice(0, 6))}${a.agentsTruncated ? '; and more' : ''}`,
        { evidence, certainty: 'proven', sources, windowed: true }
      )
    const plainInWindow = a.plain > 0 && inWindow(at(a.plainLast), ctx.window)
    if (cov.state !== 'covered')
      return outcome(
        'unknown',
        `${plainInWindow ? `the logs hold ${plural(a.plain, 'plain-HTTP request')}, none a redirect breaks` : 'the logs hold no plain-HTTP request a redirect breaks'}, but ${coverageText(cov, 'they')}`,
        { evidence, sources, windowed: true }
      )
    // GET/HEAD from clients not known to follow a redirect: counted when the bundle was added
    // (noAgent), and read again from the clients named, so a bundle added before the count meant
    // "not known to follow" ("(no user agent)" is one of them; "(other clients)" the rest, unnamed)
    const unknown = a.agents.filter((g) => g.requests > g.breaking && !followsRedirect(g.agent))
    if ((a.noAgent > 0 || unknown.length) && plainInWindow)
      return outcome(
        'unknown',
        `plain-HTTP GET/HEAD requests come from clients not known to follow a redirect to HTTPS (${unknown.length ? agents(unknown.slice(0, 5)) : `${plural(a.noAgent, 'request')}, among the clients not named`}): whether a redirect breaks them cannot be told (methods over HTTP: ${methods})`,
        { evidence, sources, windowed: true }
      )
    if (!plainInWindow)
      return outcome('no', `no request reached the load balancer over plain HTTP ${windowText(ctx.window)} (${plural(a.requests, 'request')} over HTTPS)`, {
        evidence,
        certainty: 'proven',
        sources,
        windowed: true
      })
    return outcome(
      'no',
      `${plural(a.plain, 'plain-HTTP request')} ${windowText(ctx.window)}, all GET or HEAD from clients that follow redirects: ${agents(a.agents.slice(0, 5))}. They get the same answer over HTTPS after one redirect`,
      { evidence, certainty: 'proven', sources, windowed: true }
    )
  }
})

export const ELB_REDIRECT_STEPS = [httpListeners, httpsLandingStep, rulesStep, logsStep, clientsStep]
