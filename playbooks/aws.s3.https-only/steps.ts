// aws.s3.https-only's step functions: does the bucket policy already refuse plain HTTP, who still
// uses plain HTTP, is the bucket empty and unused, is it served over HTTP by design. The policy's
// semantics are the evaluator's (./evaluate.ts); these steps feed it the bucket's configuration
// from the case's evidence.
import { z } from 'zod'
import type { Coverage } from '../../shared/evidence'
import { httpsOnlyForBucket } from './evaluate'
import { bucketRequests, callersText, type S3Request } from '../../main/controls/s3/requests'
import { BUCKET, builtOnTheBucket, bucketName, configOf, flaggedEvents, lastOf, noConfig, opsOf, websiteOn } from '../../main/controls/s3/steps'
import { coverageText, day, inWindow, outcome, plural, timelineLink, whoText, windowText } from '../../main/controls/step-common'
import { defineStep, type StepContext } from '../../main/controls/step'

/** The trail recorded every read and every write of the bucket (a "covered" span of only writes proves nothing about reads). */
const allRecorded = (c: Coverage): boolean => !c.recording || (c.recording.reads === 'all' && c.recording.writes === 'all')

// ---- does the policy already refuse plain HTTP? -------------------------------------------------

export const policyEnforcesHttps = defineStep({
  name: 's3.policy-enforces-https',
  summary: 'whether the bucket policy already refuses every request made over plain HTTP (the control evaluator reads the policy)',
  resourceTypes: BUCKET,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return noConfig(ctx)
    const v = httpsOnlyForBucket({ policy: cfg.value.policy }, ctx.finding.resource.id, `${bucketName(ctx)} policy`)
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: ['aws.inventory' as const] }
    if (v.status === 'PASS') return outcome('yes', `${v.reason}: the fix would change nothing`, o)
    if (v.status === 'FAIL') return outcome('no', `${v.reason} (GetBucketPolicy, as collected)`, o)
    return outcome('unknown', v.reason, o)
  }
})

// ---- were there plain-HTTP requests? ------------------------------------------------------------

export const plainHttpRequests = defineStep({
  name: 's3.plain-http-requests',
  summary:
    'plain-HTTP requests to the bucket in the window: proven by server access logs (cipher suite and TLS version "-"), inferred from CloudTrail data events without TLS details; "no" needs a source that covered the whole window',
  resourceTypes: BUCKET,
  params: z.object({}).strict(),
  run(ctx) {
    const id = ctx.finding.resource.id
    const s3 = ctx.ev.facts(id).s3
    const al = s3?.accessLogs ?? null
    const ct = s3?.cloudTrailData ?? null
    const covCt = ctx.ev.coverage('aws.cloudtrail.s3-data', id, ctx.window)
    const covAl = ctx.ev.coverage('aws.s3-access-logs', id, ctx.window)
    const sources = ['aws.s3-access-logs', 'aws.cloudtrail.s3-data'] as const
    const events = flaggedEvents(ctx, /plain HTTP/)
    const link = timelineLink(ctx, [id], ['aws.s3-access-logs', 'aws.cloudtrail'], events)
    // each source itemises the same requests its own way: name the callers from the one that answers
    const detail = (source: string): string => {
      const mine = events.filter((e) => e.source === source)
      if (!mine.length) return ''
      const ops = [...new Set(mine.map((e) => e.action))].sort().join(', ')
      return ` (${ops}); made by ${whoText(mine)}${mine.length >= 100 ? ' among the requests the timeline itemises' : ''}`
    }

    // Requests S3 refused (AccessDenied) are not use: enforcing HTTPS takes nothing from them. The
    // requests are read back one by one; what cannot be read back counts as the facts say.
    const back = bucketRequests(ctx.ev, ctx.ev.facts(id).account, bucketName(ctx))
    const inW = back.requests.filter((r) => inWindow(r.time, ctx.window))
    const alHttp = inW.filter((r) => r.source === 'aws.s3-access-logs' && r.transport === 'http')
    const ctNone = inW.filter((r) => r.source === 'aws.cloudtrail' && r.cloudTrailTls === 'none')
    const partial = back.unreadable.length > 0
    const served = (rs: S3Request[]) => rs.filter((r) => !r.refused)
    const refusedNote = (rs: S3Request[], other = true): string => {
      const n = rs.length - served(rs).length
      const what = other ? plural(n, 'other plain-HTTP request was', 'other plain-HTTP requests were') : plural(n, 'plain-HTTP request was', 'plain-HTTP requests were')
      return n ? `; ${what} refused (AccessDenied), which enforcing HTTPS changes nothing for` : ''
    }
    const alUse = served(alHttp)
    if (alUse.length || (partial && al && al.plainHttp > 0 && inWindow(al.plainHttpLast, ctx.window))) {
      const n = alUse.length || al!.plainHttp
      const last = alUse.length ? lastOf(alUse) : al!.plainHttpLast
      const who = alUse.length ? ` (${opsOf(alUse)}); made by ${callersText(alUse)}` : detail('aws.s3-access-logs')
      return outcome(
        'yes',
        `${plural(n, 'request')} over plain HTTP in the server access logs, the last on ${day(last)}${who}${refusedNote(alHttp)} — proven: the logs write cipher suite and TLS version "-" only for HTTP. Enforcing HTTPS would refuse these callers`,
        { evidence: [al?.evidence, back.files, events.map((e) => e.evidence)], certainty: 'proven', sources: [...sources], windowed: true, timeline: link }
      )
    }
    const ctUse = served(ctNone)
    if (ctUse.length || (partial && ct && ct.nonTlsInferred > 0 && inWindow(ct.nonTlsLast, ctx.window))) {
      const n = ctUse.length || ct!.nonTlsInferred
      const last = ctUse.length ? lastOf(ctUse) : ct!.nonTlsLast
      const who = ctUse.length ? ` (${opsOf(ctUse)}); made by ${callersText(ctUse)}` : detail('aws.cloudtrail')
      const alSaw = al
        ? ` Server access logs of the bucket show ${alUse.length ? 'some' : 'none'} (their delivery is best-effort).`
        : ' No server access logs are in evidence to confirm it.'
      return outcome(
        'yes',
        `${plural(n, 'S3 data event')} without TLS details, the last on ${day(last)}${who}${refusedNote(ctNone)} — inferred, not proven: CloudTrail does not document that a missing tlsDetails means HTTP (AWS-service and console calls are left out).${alSaw}`,
        { evidence: [ct?.evidence, back.files, events.map((e) => e.evidence)], certainty: 'inferred', sources: [...sources], windowed: true, timeline: link }
      )
    }
    if (covCt.state === 'covered' && allRecorded(covCt) && !websiteOn(ctx)) {
      return outcome(
        'no',
        `CloudTrail recorded every S3 data event of the bucket (reads and writes) over ${windowText(ctx.window)} without a gap: ${tlsCounts(ctx, ct?.requests ?? 0)} — no plain-HTTP request was served${refusedNote(ctNone, false)}`,
        { evidence: [covCt.evidence, ct?.evidence], certainty: 'proven', sources: [...sources], windowed: true, timeline: timelineLink(ctx, [id], ['aws.cloudtrail'], []) }
      )
    }
    if (covAl.state === 'covered' && (al?.tlsUnknown ?? 0) > 0) {
      return outcome(
        'unknown',
        `the server access logs cover every day of ${windowText(ctx.window)}, but ${plural(al!.tlsUnknown, 'line')} of them ${al!.tlsUnknown === 1 ? 'has' : 'have'} no cipher suite field (an older log format), so whether ${al!.tlsUnknown === 1 ? 'it was' : 'they were'} plain HTTP cannot be told; ${coverageText(covCt, 'S3 data events (CloudTrail)')}`,
        { evidence: [covAl.evidence, al?.evidence], sources: [...sources], windowed: true, timeline: link }
      )
    }
    if (covAl.state === 'covered') {
      return outcome(
        'no',
        `the server access logs hold requests for every day of ${windowText(ctx.window)} and S3 served none over plain HTTP (${plural(al?.requests ?? 0, 'request')}; their delivery is best-effort)${refusedNote(alHttp, false)}; S3 data events: ${covCt.state === 'none' ? 'not recorded' : covCt.state !== 'covered' ? 'only partly recorded' : websiteOn(ctx) ? 'recorded, but CloudTrail does not log the website endpoint' : 'recorded, but not every read and write'}`,
        { evidence: [covAl.evidence, al?.evidence], certainty: 'proven', sources: [...sources], windowed: true, timeline: timelineLink(ctx, [id], ['aws.s3-access-logs'], []) }
      )
    }
    const ctText =
      covCt.state === 'covered' && websiteOn(ctx)
        ? 'S3 data events (CloudTrail): recorded, but CloudTrail does not log requests to the website endpoint, which speaks only HTTP'
        : coverageText(covCt, 'S3 data events (CloudTrail)')
    return outcome(
      'unknown',
      `no plain-HTTP request was seen, but no source covered the whole window, so their absence proves nothing — ${ctText}; ${coverageText(covAl, 'server access logs')}`,
      { evidence: [covCt.evidence, covAl.evidence], sources: [...sources], windowed: true, timeline: link }
    )
  }
})

/**
 * What the data events of the window say of TLS, counted record by record (FORMATS.md B1): with
 * TLS details, with only a negotiated cipher suite, or without either but made by an AWS service
 * or through the console (which CloudTrail logs without them). Never "each with TLS details" when
 * some had neither.
 */
function tlsCounts(ctx: StepContext, factsCount: number): string {
  const r = bucketRequests(ctx.ev, ctx.ev.facts(ctx.finding.resource.id).account, bucketName(ctx))
  const data = r.requests.filter((q) => q.source === 'aws.cloudtrail' && inWindow(q.time, ctx.window))
  if (!data.length) return factsCount ? `${plural(factsCount, 'request')}, none without TLS details outside AWS-service and console calls` : 'no request at all'
  const n = (k: string) => data.filter((q) => q.cloudTrailTls === k).length
  const parts = [
    n('tls-details') ? `${n('tls-details').toLocaleString('en-US')} with TLS details` : '',
    n('cipher-suite') ? `${n('cipher-suite').toLocaleString('en-US')} without TLS details but with a negotiated cipher suite` : '',
    n('aws-service') ? `${n('aws-service').toLocaleString('en-US')} made by AWS services, which CloudTrail logs without TLS details` : '',
    n('console') ? `${n('console').toLocaleString('en-US')} made through the console, logged without TLS details` : '',
    n('none') ? `${n('none').toLocaleString('en-US')} with neither (plain HTTP inferred)` : ''
  ].filter(Boolean)
  return `${plural(data.length, 'request')}: ${parts.join(', ')}`
}

// ---- empty and unused? --------------------------------------------------------------------------

export const emptyAndUnused = defineStep({
  name: 's3.empty-and-unused',
  summary: 'whether the bucket holds no objects (inventory) and nobody used it in the window (a source covering the whole window shows no request)',
  resourceTypes: BUCKET,
  params: z.object({}).strict(),
  run(ctx) {
    const id = ctx.finding.resource.id
    const cfg = configOf(ctx)
    if (!cfg) return noConfig(ctx)
    const count = cfg.value.objectCount
    const o = { evidence: [cfg.evidence], sources: ['aws.inventory' as const] }
    if (count === null || count === undefined) return outcome('unknown', 'the inventory does not count the bucket\'s objects ("objectCount" is missing or null)', o)
    if (count > 0) return outcome('no', `the bucket holds ${plural(count, 'object')} (inventory at collection)`, { ...o, certainty: 'proven' })
    const facts = ctx.ev.facts(id)
    const s3 = facts.s3
    const sources = ['aws.inventory', 'aws.cloudtrail.s3-data', 'aws.s3-access-logs'] as const
    // Used means served: a request S3 refused (AccessDenied) shows nobody relies on the bucket.
    const back = bucketRequests(ctx.ev, facts.account, bucketName(ctx))
    const inW = back.requests.filter((r) => inWindow(r.time, ctx.window))
    const served = inW.filter((r) => !r.refused)
    if (served.length) {
      return outcome('no', `the bucket is empty but in use: ${plural(served.length, 'request')} served, the last on ${day(lastOf(served))}, by ${callersText(served)}`, {
        evidence: [cfg.evidence, back.files],
        certainty: 'proven',
        sources: [...sources],
        windowed: true
      })
    }
    const counted = [s3?.cloudTrailData, s3?.accessLogs].find((a) => a && a.requests > 0 && inWindow(a.lastAccess, ctx.window))
    if (counted && (back.unreadable.length || !inW.length)) {
      // the evidence stage counted requests the read-back could not itemise: count them as use
      return outcome(
        'no',
        `the bucket is empty but ${plural(counted.requests, 'request')} to it ${counted.requests === 1 ? 'was' : 'were'} recorded, the last on ${day(counted.lastAccess)}, and could not be read back one by one to tell served from refused`,
        {
          evidence: [cfg.evidence, counted.evidence],
          certainty: 'proven',
          sources: [...sources],
          windowed: true
        }
      )
    }
    const refused = inW.length ? ` (${plural(inW.length, 'request was', 'requests were')} refused with AccessDenied: nobody was served)` : ''
    const covCt = ctx.ev.coverage('aws.cloudtrail.s3-data', id, ctx.window)
    if (covCt.state === 'covered' && allRecorded(covCt) && !websiteOn(ctx)) {
      return outcome(
        'yes',
        `the bucket holds no objects and CloudTrail, recording every read and write of it over ${windowText(ctx.window)} without a gap, shows no served request${refused}`,
        {
          evidence: [cfg.evidence, covCt.evidence],
          certainty: 'proven',
          sources: [...sources],
          windowed: true,
          timeline: timelineLink(ctx, [id], ['aws.cloudtrail', 'aws.inventory'], [])
        }
      )
    }
    return outcome('unknown', `the bucket holds no objects, but whether anyone used it cannot be told — ${coverageText(covCt, 'S3 data events (CloudTrail)')}`, {
      evidence: [cfg.evidence, covCt.evidence],
      sources: [...sources],
      windowed: true
    })
  }
})

// ---- CloudFront and website hosting -------------------------------------------------------------

export const servedOverHttpByDesign = defineStep({
  name: 's3.served-over-http-by-design',
  summary: 'whether the bucket is meant to be reached over HTTP: static website hosting (website endpoints speak HTTP only) or CloudFront letting viewers use HTTP to an S3 origin',
  resourceTypes: BUCKET,
  params: z.object({}).strict(),
  run: (ctx) =>
    builtOnTheBucket(ctx, {
      website: 'static website hosting is on: S3 website endpoints answer over HTTP only, so a deny on aws:SecureTransport = false refuses every website visitor',
      origin: (o) =>
        o.website
          ? `CloudFront ${o.distribution} uses the website endpoint ${o.domain} as its origin, which CloudFront must reach over HTTP`
          : o.viewerPolicies.includes('allow-all')
            ? `CloudFront ${o.distribution} lets viewers use HTTP (ViewerProtocolPolicy allow-all) and forwards to an S3 origin with the viewer's protocol`
            : null,
      safeOrigins: (distributions, origins) => `CloudFront ${distributions} serves it over HTTPS only (${[...new Set(origins.flatMap((o) => o.viewerPolicies))].join(', ')})`,
      noInventory: 'no CloudFront inventory is in evidence (cloudfront-distributions.json), so a distribution using it is not ruled out'
    })
})

export const HTTPS_ONLY_STEPS = [policyEnforcesHttps, plainHttpRequests, emptyAndUnused, servedOverHttpByDesign]
