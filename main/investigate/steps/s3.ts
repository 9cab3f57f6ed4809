// Step functions for S3 buckets: the HTTPS-only playbook (aws.s3.https-only) and the public-access
// playbook (aws.s3.public-access). Policy and ACL semantics are the control evaluators'
// (main/evaluate): these steps feed them the bucket's configuration from the case's evidence.
import { z } from 'zod'
import type { Coverage } from '../../../shared/evidence'
import { httpsOnlyForBucket } from '../../evaluate/s3'
import { bucketExposure, effectiveSetting, publicAccessForBucket, type Exposure } from '../../semantics/s3'
import type { PublicAccessBlock, S3Bucket } from '../../semantics/inventory'
import { accountResource } from '../../semantics/ids'
import { coverageText, day, inWindow, outcome, plural, sortedUnique, timelineLink, whoText, windowText } from '../../controls/step-common'
import { bucketRequests, callersText, type S3Request } from '../../controls/s3/requests'
import { BUCKET, builtOnTheBucket, bucketName, configOf, flaggedEvents, lastOf, noConfig, opsOf, sourcesOf, websiteOn } from '../../controls/s3/steps'
import { obj } from '../../semantics/cloud-output'
import { defineStep, type StepContext, type StepOutcome } from '../../controls/step'

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
      const alSaw = al ? ` Server access logs of the bucket show ${alUse.length ? 'some' : 'none'} (their delivery is best-effort).` : ' No server access logs are in evidence to confirm it.'
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
    const ctText = covCt.state === 'covered' && websiteOn(ctx) ? 'S3 data events (CloudTrail): recorded, but CloudTrail does not log requests to the website endpoint, which speaks only HTTP' : coverageText(covCt, 'S3 data events (CloudTrail)')
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
      return outcome('no', `the bucket is empty but ${plural(counted.requests, 'request')} to it ${counted.requests === 1 ? 'was' : 'were'} recorded, the last on ${day(counted.lastAccess)}, and could not be read back one by one to tell served from refused`, {
        evidence: [cfg.evidence, counted.evidence],
        certainty: 'proven',
        sources: [...sources],
        windowed: true
      })
    }
    const refused = inW.length ? ` (${plural(inW.length, 'request was', 'requests were')} refused with AccessDenied: nobody was served)` : ''
    const covCt = ctx.ev.coverage('aws.cloudtrail.s3-data', id, ctx.window)
    if (covCt.state === 'covered' && allRecorded(covCt) && !websiteOn(ctx)) {
      return outcome('yes', `the bucket holds no objects and CloudTrail, recording every read and write of it over ${windowText(ctx.window)} without a gap, shows no served request${refused}`, {
        evidence: [cfg.evidence, covCt.evidence],
        certainty: 'proven',
        sources: [...sources],
        windowed: true,
        timeline: timelineLink(ctx, [id], ['aws.cloudtrail', 'aws.inventory'], [])
      })
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

// ---- aws.s3.public-access (and aws.s3.public-access-block: the same fix) -----------------------

const ACL = z.object({ Grants: z.array(z.object({ Grantee: z.object({ Type: z.string(), URI: z.string().optional(), ID: z.string().optional() }).loose(), Permission: z.string() }).loose()) }).loose()

/** One bucket as the control evaluator reads it: its configuration and the account-level setting. */
interface BucketView {
  bucket: S3Bucket
  account: PublicAccessBlock | null | undefined
  owner: string | null
  evidence: string[][]
  exposure: { policy: Exposure; acl: Exposure }
}

function bucketView(ctx: StepContext): BucketView | null {
  const cfg = configOf(ctx)
  if (!cfg) return null
  const facts = ctx.ev.facts(ctx.finding.resource.id)
  const acct = facts.account ? ctx.ev.config<{ publicAccessBlock: PublicAccessBlock | null }>(accountResource(facts.account), 'account.s3-pab') : null
  // An ACL the evaluator cannot read is "not collected" for it (unknown), never "no grants".
  const acl = ACL.safeParse(cfg.value.acl)
  const bucket: S3Bucket = {
    name: cfg.value.name,
    region: cfg.value.region,
    policy: cfg.value.policy,
    publicAccessBlock: cfg.value.publicAccessBlock,
    acl: acl.success ? (acl.data as S3Bucket['acl']) : undefined
  }
  const account = acct ? acct.value.publicAccessBlock : undefined
  return { bucket, account, owner: facts.account, evidence: [cfg.evidence, acct?.evidence ?? []], exposure: bucketExposure(bucket, account, { policy: 'the bucket policy', acl: 'the bucket ACL' }) }
}

/** What turning on Block Public Access takes away from this bucket, in words; null when nothing. */
function whatTheFixRemoves(v: BucketView): string | null {
  const parts = [
    v.exposure.policy.state === 'public' ? 'the public bucket policy (RestrictPublicBuckets limits it to the owner account and AWS services)' : '',
    v.exposure.acl.state === 'public' ? 'the public ACL grants (IgnorePublicAcls makes S3 ignore them)' : ''
  ].filter(Boolean)
  return parts.length ? parts.join(' and ') : null
}

/**
 * The account-level setting (Security Hub S3.1) applies to every bucket of the account: its steps
 * ask the bucket question of each bucket in evidence (only the buckets that are public or may be,
 * when `onlyExposed`: the others lose nothing) and answer yes when any bucket does, unknown when
 * any cannot tell, no when every bucket says no. A bucket finding is asked directly.
 */
function perBucket(ctx: StepContext, onlyExposed: boolean, ask: (c: StepContext) => StepOutcome): StepOutcome {
  if (ctx.finding.resource.type !== 'aws.account') return ask(ctx)
  const account = ctx.finding.resource.account
  const buckets = ctx.ev.resourcesWith('s3.config').filter((id) => account !== null && ctx.ev.facts(id).account === account)
  if (!buckets.length) {
    return outcome('unknown', `no bucket of account ${account ?? '?'} is in the evidence's S3 inventory (inventory/s3-buckets.json), so what the account-level setting would change is unknown`, { sources: ['aws.inventory'] })
  }
  const sub = (id: string): StepContext => ({ ...ctx, finding: { ...ctx.finding, resource: { ...ctx.finding.resource, id, type: 'aws.s3.bucket', region: ctx.ev.facts(id).region ?? null } } })
  const asked = buckets
    .filter((id) => !onlyExposed || bucketIsPublic.run(sub(id), {}).answer !== 'no')
    .map((id) => ({ name: id.replace(/^arn:[^:]+:s3:::/, ''), o: ask(sub(id)) }))
  const all = `account-level Block Public Access applies to ${buckets.length === 1 ? 'the one bucket' : `all ${buckets.length} buckets`} of account ${account} in evidence`
  if (!asked.length) return outcome('no', `${all}, and none of them is public today: the account-level setting takes nothing away from any of them`, { sources: ['aws.inventory'], certainty: 'proven', evidence: [] })
  const by = (a: string) => asked.filter((x) => x.o.answer === a)
  const answer = by('yes').length ? 'yes' : by('unknown').length ? 'unknown' : 'no'
  const shown = [...by('yes'), ...by('unknown')]
  const list = shown
    .slice(0, 5)
    .map((x) => `${x.name} (${x.o.answer}): ${x.o.explanation}`)
    .join(' | ')
  const rest = asked.length - Math.min(shown.length, 5)
  const lead = onlyExposed ? `${all}; ${plural(asked.length, 'of them is', 'of them are')} public or may be` : all
  const explanation = `${lead} — ${list || `every one answers no (${asked.map((x) => x.name).join(', ')})`}${list && rest > 0 ? `; and ${plural(rest, 'other bucket')} (${by('no').length} answering no)` : ''}`
  const picked = answer === 'no' ? asked : by(answer)
  const certainties = picked.map((x) => x.o.certainty)
  return {
    answer,
    explanation,
    evidence: sortedUnique(...picked.map((x) => x.o.evidence)),
    certainty: answer === 'unknown' ? null : answer === 'yes' ? (certainties.includes('proven') ? 'proven' : 'inferred') : certainties.every((c) => c === 'proven') ? 'proven' : 'inferred',
    sources: [...new Set(asked.flatMap((x) => x.o.sources))].sort(),
    windowed: asked.some((x) => x.o.windowed),
    timeline: null
  }
}

const BUCKET_OR_ACCOUNT = ['aws.s3.bucket', 'aws.account'] as const

export const bucketIsPublic = defineStep({
  name: 's3.bucket-is-public',
  summary:
    'whether the bucket is public now: an Allow to everyone in its policy or a public ACL grant, not neutralised by the bucket- or account-level Block Public Access (the control evaluator decides); for the account-level setting, whether any bucket of the account is',
  resourceTypes: BUCKET_OR_ACCOUNT,
  params: z.object({}).strict(),
  run: (ctx) =>
    perBucket(ctx, false, (c) => {
      const v = bucketView(c)
      if (!v) return noConfig(c)
      const verdict = publicAccessForBucket(v.bucket, v.account, { policy: 'the bucket policy', acl: 'the bucket ACL' })
      const o = { evidence: v.evidence, certainty: 'proven' as const, sources: ['aws.inventory' as const] }
      if (verdict.status === 'FAIL') return outcome('yes', verdict.reason, o)
      if (verdict.status === 'PASS') return outcome('no', `${verdict.reason}: the fix would change nothing anyone can do today`, o)
      return outcome('unknown', `${verdict.reason}${v.account === undefined ? ' (the account-level Block Public Access, s3-account.json, is not in evidence)' : ''}`, o)
    })
})

/** The requests of the bucket in the window, read back one by one, and the files that could not be. */
function requestsOf(ctx: StepContext, owner: string | null): { requests: S3Request[]; files: string[]; unreadable: string[] } {
  const r = bucketRequests(ctx.ev, owner, bucketName(ctx))
  return { requests: r.requests.filter((q) => inWindow(q.time, ctx.window)), files: r.files, unreadable: r.unreadable }
}

/** "no" needs a source that recorded every read of the bucket over the whole window. */
function readsCovered(ctx: StepContext): { covered: boolean; text: string; evidence: string[][] } {
  const id = ctx.finding.resource.id
  const covCt = ctx.ev.coverage('aws.cloudtrail.s3-data', id, ctx.window)
  const covAl = ctx.ev.coverage('aws.s3-access-logs', id, ctx.window)
  const evidence = [covCt.evidence, covAl.evidence]
  if (covCt.state === 'covered' && covCt.recording?.reads === 'all' && websiteOn(ctx)) {
    if (covAl.state === 'covered') return { covered: true, text: `the server access logs hold requests for every day of ${windowText(ctx.window)} (delivery is best-effort; CloudTrail does not log the website endpoint)`, evidence }
    return { covered: false, text: `CloudTrail recorded every read of the bucket, but not those made through its website endpoint (CloudTrail does not log website requests); ${coverageText(covAl, 'server access logs')}`, evidence }
  }
  if (covCt.state === 'covered' && covCt.recording?.reads === 'all') return { covered: true, text: `CloudTrail recorded every read of the bucket over ${windowText(ctx.window)} without a gap`, evidence }
  if (covAl.state === 'covered') return { covered: true, text: `the server access logs hold requests for every day of ${windowText(ctx.window)} (delivery is best-effort)`, evidence }
  return { covered: false, text: `${coverageText(covCt, 'S3 data events (CloudTrail)')}; ${coverageText(covAl, 'server access logs')}`, evidence }
}

export const anonymousRequests = defineStep({
  name: 's3.anonymous-requests',
  summary:
    'anonymous requests S3 served from the bucket in the window (server access logs: Requester "-"; CloudTrail data events: ANONYMOUS_PRINCIPAL), read back one by one; requests S3 refused (AccessDenied) prove nothing relies on public access; "no" needs a source covering every read of the window',
  resourceTypes: BUCKET_OR_ACCOUNT,
  params: z.object({}).strict(),
  run: (ctx) => perBucket(ctx, true, anonymousForBucket)
})

function anonymousForBucket(ctx: StepContext): StepOutcome {
  const id = ctx.finding.resource.id
  const v = bucketView(ctx)
  if (!v) return noConfig(ctx)
  const sources = ['aws.s3-access-logs', 'aws.cloudtrail.s3-data'] as const
  const { requests, files, unreadable } = requestsOf(ctx, v.owner)
  const anon = requests.filter((r) => r.anonymous)
  const served = anon.filter((r) => !r.refused)
  const refused = anon.filter((r) => r.refused)
  const link = timelineLink(ctx, [id], ['aws.s3-access-logs', 'aws.cloudtrail'], flaggedEvents(ctx, /anonymous/))
  const o = { evidence: [...v.evidence, files], sources: [...sources], windowed: true, timeline: link }
  const refusedText = !refused.length
    ? ''
    : served.length
      ? `; ${plural(refused.length, 'other anonymous request was', 'other anonymous requests were')} refused (AccessDenied)`
      : `; ${refused.length === 1 ? 'the one anonymous request was' : `all ${refused.length} anonymous requests were`} refused (AccessDenied), which shows nobody is served anonymously`
  if (served.length) {
    const what = `${plural(served.length, 'anonymous request')} served (${opsOf(served)}) in the ${sourcesOf(served)}, the last on ${day(lastOf(served))}${refusedText}`
    const removes = whatTheFixRemoves(v)
    const pab = (s: 'IgnorePublicAcls' | 'RestrictPublicBuckets') => effectiveSetting(v.bucket.publicAccessBlock, v.account, s).value === true
    if (pab('IgnorePublicAcls') && pab('RestrictPublicBuckets')) {
      return outcome('no', `${what}; but IgnorePublicAcls and RestrictPublicBuckets are in force now, so S3 already refuses anonymous requests and the fix takes nothing more away from them`, { ...o, certainty: 'proven' })
    }
    const why = removes
      ? `blocking public access removes ${removes}, so it would refuse them`
      : `the bucket policy and ACL grant nothing public (${v.exposure.policy.why}; ${v.exposure.acl.why}), so public object ACLs or an access point (not in the bundle) served them; IgnorePublicAcls would refuse those served by object ACLs`
    return outcome('yes', `${what} — proven: ${why}`, { ...o, certainty: 'proven' })
  }
  if (unreadable.length) {
    return outcome('unknown', `no served anonymous request was read back${refusedText}, but ${plural(unreadable.length, 'log file')} could not be read again (${unreadable.slice(0, 2).join('; ')})`, o)
  }
  const cov = readsCovered(ctx)
  if (cov.covered) {
    return outcome(
      'no',
      `${cov.text}, and S3 served no anonymous request (${plural(requests.length, 'request')} in all)${refusedText}`,
      { ...o, evidence: [...o.evidence, ...cov.evidence], certainty: 'proven' }
    )
  }
  return outcome('unknown', `no served anonymous request was seen${refusedText}, but no source covered every read of the window — ${cov.text}`, { ...o, evidence: [...o.evidence, ...cov.evidence] })
}

/** The 12-digit accounts a non-public Allow of the policy names (they keep that access after the fix). */
function accountsNamedByPolicy(policy: string | null | undefined): Set<string> {
  const out = new Set<string>()
  if (!policy) return out
  let doc: unknown
  try {
    doc = JSON.parse(policy)
  } catch {
    return out
  }
  const st = obj(doc)?.Statement
  for (const s of (Array.isArray(st) ? st : [st]).map(obj)) {
    if (!s || s.Effect !== 'Allow') continue
    const aws = obj(s.Principal)?.AWS
    for (const p of Array.isArray(aws) ? aws : [aws]) {
      const m = typeof p === 'string' ? /^(?:arn:[^:]+:(?:iam|sts)::)?(\d{12})(?::|$)/.exec(p) : null
      if (m) out.add(m[1])
    }
  }
  return out
}

export const outsideAccountUse = defineStep({
  name: 's3.outside-account-use',
  summary:
    'whether principals of other AWS accounts were served through the access the fix removes (a public policy: RestrictPublicBuckets cuts every cross-account caller; a public ACL grant, AuthenticatedUsers meaning any AWS account: IgnorePublicAcls removes it), read back from CloudTrail data events and server access logs; "no" needs a source covering every read of the window',
  resourceTypes: BUCKET_OR_ACCOUNT,
  params: z.object({}).strict(),
  run: (ctx) => perBucket(ctx, true, outsideAccountForBucket)
})

function outsideAccountForBucket(ctx: StepContext): StepOutcome {
  const v = bucketView(ctx)
  if (!v) return noConfig(ctx)
  const sources = ['aws.s3-access-logs', 'aws.cloudtrail.s3-data'] as const
  const base = { evidence: v.evidence, sources: [...sources], windowed: true }
  const removes = whatTheFixRemoves(v)
  const unsure = [v.exposure.policy, v.exposure.acl].filter((e) => e.state === 'unknown')
  if (!removes && !unsure.length) return outcome('no', `the bucket is not public (${v.exposure.policy.why}; ${v.exposure.acl.why}): the fix removes no access from anyone outside account ${v.owner ?? '?'}`, { ...base, certainty: 'proven', windowed: false })
  if (!v.owner) return outcome('unknown', 'the bucket owner\'s account is not known from the evidence, so callers from other accounts cannot be told apart', base)
  const { requests, files, unreadable } = requestsOf(ctx, v.owner)
  const o = { ...base, evidence: [...v.evidence, files] }
  const outside = requests.filter((r) => !r.anonymous && !r.service && r.account !== null && r.account !== v.owner)
  const served = outside.filter((r) => !r.refused)
  // A public policy with RestrictPublicBuckets on cuts every cross-account caller, however granted;
  // a public ACL grant alone is what the callers rely on unless a policy statement names their account.
  const named = v.exposure.policy.state === 'public' ? new Set<string>() : accountsNamedByPolicy(v.bucket.policy)
  const cut = served.filter((r) => !named.has(r.account!))
  const accounts = [...new Set(cut.map((r) => r.account!))].sort()
  const refusedText = outside.length > served.length ? `; ${plural(outside.length - served.length, 'request')} from other accounts ${outside.length - served.length === 1 ? 'was' : 'were'} refused (AccessDenied) and count for nothing` : ''
  if (cut.length) {
    return outcome(
      'yes',
      `${plural(cut.length, 'request')} from ${plural(accounts.length, 'other AWS account')} (${accounts.join(', ')}) served (${opsOf(cut)}) in the ${sourcesOf(cut)}, the last on ${day(lastOf(cut))}, by ${callersText(cut)} — proven: ${
        v.exposure.policy.state === 'public'
          ? 'the bucket policy is public, and RestrictPublicBuckets confines a bucket with a public policy to its owner account and AWS services, whatever statement grants the other accounts'
          : `no statement of the bucket policy names their account, so they read through the public ACL grant, which IgnorePublicAcls makes S3 ignore`
      }: the fix would refuse them${refusedText}`,
      { ...o, certainty: 'proven' }
    )
  }
  const otherGrantees = (v.bucket.acl?.Grants ?? []).filter((g) => g.Grantee.Type === 'CanonicalUser' && g.Grantee.ID !== undefined && g.Grantee.ID !== (v.bucket.acl as { Owner?: { ID?: string } }).Owner?.ID)
  if (served.length && otherGrantees.length) {
    return outcome('unknown', `${plural(served.length, 'request')} from other accounts were served, and the ACL also grants ${plural(otherGrantees.length, 'canonical user')} by id: whether they rely on that grant or on the public one cannot be told`, o)
  }
  if (unsure.length) return outcome('unknown', `whether the bucket is public is not known (${unsure.map((e) => e.why).join('; ')}), so what the fix removes from other accounts cannot be told`, o)
  if (unreadable.length) return outcome('unknown', `no request from another account was read back${refusedText}, but ${plural(unreadable.length, 'log file')} could not be read again (${unreadable.slice(0, 2).join('; ')})`, o)
  const cov = readsCovered(ctx)
  const keep = served.length ? `; ${plural(served.length, 'request')} from other accounts named in the policy keep their access` : ''
  if (cov.covered) {
    return outcome('no', `${cov.text}, and no principal of another AWS account was served through the public access (${plural(requests.length, 'request')} in all)${keep}${refusedText}`, { ...o, evidence: [...o.evidence, ...cov.evidence], certainty: 'proven' })
  }
  return outcome('unknown', `no request from another AWS account was seen${refusedText}, but no source covered every read of the window — ${cov.text}`, { ...o, evidence: [...o.evidence, ...cov.evidence] })
}

export const publicOriginNeeded = defineStep({
  name: 's3.public-origin-needed',
  summary: 'whether something is built on the bucket being public: static website hosting, or a CloudFront origin read anonymously (a website endpoint, or an S3 origin without OAC/OAI)',
  resourceTypes: BUCKET_OR_ACCOUNT,
  params: z.object({}).strict(),
  run: (ctx) =>
    perBucket(ctx, true, (c) => builtOnTheBucket(c, {
      website: 'static website hosting is on: the website endpoint serves the bucket to anonymous visitors',
      origin: (o) =>
        o.website
          ? `CloudFront ${o.distribution} reads the website endpoint ${o.domain}, anonymously`
          : !o.identity
            ? `CloudFront ${o.distribution} reads ${o.domain} without an origin access control or identity, i.e. anonymously`
            : null,
      safeOrigins: (distributions) => `CloudFront ${distributions} reads it through an origin access control or identity, which public access blocks do not affect`,
      noInventory: 'no CloudFront inventory is in evidence, so a distribution reading it is not ruled out'
    }))
})

export const S3_STEPS = [policyEnforcesHttps, plainHttpRequests, emptyAndUnused, servedOverHttpByDesign, bucketIsPublic, anonymousRequests, outsideAccountUse, publicOriginNeeded]
