// Step functions of aws.cloudfront.viewer-https: which cache behaviours allow plain HTTP, whether the
// viewer certificate serves HTTPS for every alternate domain name, whether the standard logs cover
// the window, and who used plain HTTP on those behaviours (by behaviour, method and user agent). Each
// reads the distribution once through main/semantics/cloudfront-viewer.ts, which the fix reads too.
import { z } from 'zod'
import { defineStep, type StepContext, type StepOutcome } from '../../main/controls/step'
import { outcome, plural, windowText } from '../../main/controls/step-common'
import { plainHttpRequests, topOf } from '../../main/semantics/cloudfront-logs'
import { viewerEvidence, type ViewerEvidence } from '../../main/semantics/cloudfront-viewer'
import { behaviourName } from '../../main/semantics/inventory-cloudfront'

const TYPES = ['aws.cloudfront.distribution'] as const

type Read = { ok: true; e: ViewerEvidence } | { ok: false; answer: ReturnType<typeof outcome> }

function read(ctx: StepContext): Read {
  const r = ctx.finding.resource
  try {
    const e = viewerEvidence(ctx.ev.files(), (id) => ctx.ev.bytes(id), r.id, ctx.window)
    if (e) return { ok: true, e }
    return {
      ok: false,
      answer: outcome(
        'unknown',
        `the distribution ${r.name ?? r.id} is not in the evidence (inventory/cloudfront-distributions.json, inventory/cloudfront-distribution-configs.json)`,
        {
          sources: ['aws.inventory']
        }
      )
    }
  } catch (e) {
    return { ok: false, answer: outcome('unknown', `the distribution cannot be read: ${(e as Error).message}`, { sources: ['aws.inventory'] }) }
  }
}

const logEvidence = (e: ViewerEvidence) => [e.distribution.evidence, e.use?.files]

/**
 * What the two log-counting steps share: the distribution and its counted logs, or the answer when
 * there is nothing to count (no behaviour allows plain HTTP: no; no log file: unknown).
 */
function counted(ctx: StepContext): { e: ViewerEvidence; use: NonNullable<ViewerEvidence['use']>; o: LogOptions } | { answer: StepOutcome } {
  const r = read(ctx)
  if (!r.ok) return { answer: r.answer }
  const e = r.e
  const o: LogOptions = { evidence: logEvidence(e), sources: ['aws.cloudfront-logs'], windowed: true }
  if (!e.offending.length) return { answer: outcome('no', `no behaviour of ${e.distribution.id} allows plain HTTP`, { ...o, certainty: 'proven' }) }
  if (!e.use) return { answer: outcome('unknown', `no standard log of ${e.distribution.id} is in evidence: ${e.logs.why}`, o) }
  return { e, use: e.use, o }
}
type LogOptions = { evidence: ReturnType<typeof logEvidence>; sources: Array<'aws.cloudfront-logs'>; windowed: true }

const behavioursStep = defineStep({
  name: 'cloudfront.plain-http-behaviours',
  summary: "the distribution's cache behaviours (ordered ones by path pattern, then the default) whose ViewerProtocolPolicy is allow-all",
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const r = read(ctx)
    if (!r.ok) return r.answer
    const { distribution: d, offending } = r.e
    const o = { evidence: [d.evidence], sources: ['aws.inventory' as const], certainty: 'proven' as const }
    if (!offending.length)
      return outcome(
        'no',
        `every cache behaviour of ${d.id} redirects or refuses plain HTTP (${d.behaviours.map((b) => `${b.path}: ${b.policy}`).join(', ')}); the finding is stale`,
        o
      )
    return outcome('yes', `${plural(offending.length, 'cache behaviour')} of ${d.id} allow plain HTTP (allow-all): ${offending.map(behaviourName).join(', ')}`, o)
  }
})

const certificateStep = defineStep({
  name: 'cloudfront.https-for-every-name',
  summary:
    "whether the viewer certificate serves HTTPS for every name the distribution answers to: CloudFront's default certificate covers only *.cloudfront.net, so alternate domain names need a certificate of their own (CloudFront refuses an alias its attached certificate does not cover)",
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const r = read(ctx)
    if (!r.ok) return r.answer
    const d = r.e.distribution
    const o = { evidence: [d.evidence], sources: ['aws.inventory' as const], certainty: 'proven' as const }
    if (!d.aliases.length) return outcome('yes', `${d.id} answers only to its *.cloudfront.net name, which CloudFront's default certificate covers`, o)
    if (!d.certificate) return outcome('unknown', `${d.id} answers to ${d.aliases.join(', ')} but its viewer certificate is not in the evidence`, { ...o, certainty: null })
    if (d.certificate.defaultCertificate)
      return outcome(
        'no',
        `${d.id} answers to ${d.aliases.join(', ')} with only CloudFront's default certificate (*.cloudfront.net): HTTPS to those names fails certificate validation, so redirecting their viewers to HTTPS breaks them`,
        o
      )
    return outcome(
      'yes',
      `${d.id} answers to ${d.aliases.join(', ')} with its own certificate (${d.certificate.source}${d.certificate.sslSupportMethod ? `, ${d.certificate.sslSupportMethod}` : ''}); CloudFront accepts an alternate domain name only when the attached certificate covers it`,
      o
    )
  }
})

const loggingStep = defineStep({
  name: 'cloudfront.logs-complete',
  summary: "whether the distribution's standard logging is on and its log files in evidence hold requests on every day of the window",
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const r = read(ctx)
    if (!r.ok) return r.answer
    const e = r.e
    return outcome(e.logs.answer, e.logs.why, { evidence: logEvidence(e), certainty: 'proven', sources: ['aws.inventory', 'aws.cloudfront-logs'], windowed: true })
  }
})

const useStep = defineStep({
  name: 'cloudfront.plain-http-requests',
  summary: 'the plain-HTTP requests (cs-protocol http) of the window served by the behaviours that allow them, matched by path pattern, by behaviour, method and user agent',
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const c = counted(ctx)
    if ('answer' in c) return c.answer
    const { e, use, o } = c
    const n = plainHttpRequests(use)
    if (n > 0) {
      const per = [...use.byBehaviour].map(([path, b]) => `${path === '*' ? 'default (*)' : path}: ${b.requests} (${topOf(b.methods)})`)
      return outcome('yes', `${plural(n, 'plain-HTTP request')} ${windowText(ctx.window)} on ${per.join('; ')}; user agents: ${topOf(use.agents)}`, { ...o, certainty: 'proven' })
    }
    if (e.logs.answer !== 'yes') return outcome('unknown', `no plain-HTTP request in the log files, but ${e.logs.why}`, o)
    return outcome('no', `no plain-HTTP request reached ${e.offending.map(behaviourName).join(', ')} ${windowText(ctx.window)} (${plural(use.records, 'request')} logged)`, {
      ...o,
      certainty: 'proven'
    })
  }
})

const redirectStep = defineStep({
  name: 'cloudfront.requests-not-redirectable',
  summary: 'the plain-HTTP requests of the window with a method a redirect does not carry (anything but GET and HEAD), by method and user agent',
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const c = counted(ctx)
    if ('answer' in c) return c.answer
    const { e, use, o } = c
    const n = [...use.unsafeMethods.values()].reduce((s, x) => s + x, 0)
    if (n > 0)
      return outcome(
        'yes',
        `${plural(n, 'plain-HTTP request')} ${windowText(ctx.window)} used methods a redirect does not carry (${topOf(use.unsafeMethods)}), from ${topOf(use.unsafeAgents)}: redirect-to-https turns them into GETs or drops them, https-only refuses them`,
        { ...o, certainty: 'proven' }
      )
    if (e.logs.answer !== 'yes') return outcome('unknown', `no such request in the log files, but ${e.logs.why}`, o)
    return outcome('no', `every plain-HTTP request ${windowText(ctx.window)} was a GET or HEAD, which a redirect carries`, { ...o, certainty: 'proven' })
  }
})

export const CLOUDFRONT_VIEWER_STEPS = [behavioursStep, certificateStep, loggingStep, useStep, redirectStep]
