// Step functions for S3 buckets: the HTTPS-only playbook (aws.s3.https-only) and the public-access
// playbook (aws.s3.public-access). Policy and ACL semantics are the control evaluators'
// (main/evaluate): these steps feed them the bucket's configuration from the case's evidence.
import { z } from 'zod'
import type { ResourceFacts, TimelineEvent } from '../../../shared/evidence'
import { httpsOnlyForBucket, publicAccessForBucket } from '../../evaluate'
import type { PublicAccessBlock, S3Bucket } from '../../evaluate/inventory'
import { accountId } from '../../evidence/ids'
import { bucketOfOriginDomain } from '../../evidence/inventory'
import { coverageText, day, inWindow, outcome, plural, timelineLink, whoText, windowText } from './common'
import { defineStep, type StepContext, type StepOutcome } from './types'

const BUCKET = ['aws.s3.bucket'] as const

interface S3Config {
  name: string
  region: string | null
  policy: string | null
  publicAccessBlock: Record<string, boolean> | null
  objectCount: number | null
  website: boolean | null
  acl: unknown
}

function bucketName(ctx: StepContext): string {
  return ctx.finding.resource.id.replace(/^arn:[^:]+:s3:::/, '')
}

function configOf(ctx: StepContext): { value: S3Config; evidence: string[] } | null {
  return ctx.ev.config<S3Config>(ctx.finding.resource.id, 's3.config')
}

const noConfig = (ctx: StepContext) =>
  outcome('unknown', `the bucket ${bucketName(ctx)} is not in the evidence's S3 inventory (inventory/s3-buckets.json of its account), so its configuration is unknown`, {
    sources: ['aws.inventory']
  })

/** The plain-HTTP (or anonymous) requests the timeline itemises for the bucket in the window. */
function flaggedEvents(ctx: StepContext, pattern: RegExp): TimelineEvent[] {
  return ctx.ev
    .timeline([ctx.finding.resource.id], { from: ctx.window?.from, sources: ['aws.s3-access-logs', 'aws.cloudtrail'], summaries: false })
    .filter((e) => pattern.test(e.summary))
}

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

    if (al && al.plainHttp > 0 && inWindow(al.plainHttpLast, ctx.window)) {
      return outcome(
        'yes',
        `${plural(al.plainHttp, 'request')} over plain HTTP in the server access logs, the last on ${day(al.plainHttpLast)}${detail('aws.s3-access-logs')} — proven: the logs write cipher suite and TLS version "-" only for HTTP. Enforcing HTTPS would refuse these callers`,
        { evidence: [al.evidence, events.map((e) => e.evidence)], certainty: 'proven', sources: [...sources], windowed: true, timeline: link }
      )
    }
    if (ct && ct.nonTlsInferred > 0 && inWindow(ct.nonTlsLast, ctx.window)) {
      const alSaw = al ? ` Server access logs of the bucket show ${al.plainHttp ? 'some' : 'none'} (their delivery is best-effort).` : ' No server access logs are in evidence to confirm it.'
      return outcome(
        'yes',
        `${plural(ct.nonTlsInferred, 'S3 data event')} without TLS details, the last on ${day(ct.nonTlsLast)}${detail('aws.cloudtrail')} — inferred, not proven: CloudTrail does not document that a missing tlsDetails means HTTP (AWS-service and console calls are left out).${alSaw}`,
        { evidence: [ct.evidence, events.map((e) => e.evidence)], certainty: 'inferred', sources: [...sources], windowed: true, timeline: link }
      )
    }
    if (covCt.state === 'covered') {
      const n = ct?.requests ?? 0
      return outcome(
        'no',
        `CloudTrail recorded every S3 data event of the bucket (reads and writes) over ${windowText(ctx.window)} without a gap: ${n ? `${plural(n, 'request')}, each with TLS details or a negotiated cipher suite` : 'no request at all'} — none over plain HTTP`,
        { evidence: [covCt.evidence, ct?.evidence], certainty: 'proven', sources: [...sources], windowed: true, timeline: timelineLink(ctx, [id], ['aws.cloudtrail'], []) }
      )
    }
    if (covAl.state === 'covered') {
      return outcome(
        'no',
        `the server access logs hold requests for every day of ${windowText(ctx.window)} and none was over plain HTTP (${plural(al?.requests ?? 0, 'request')}; their delivery is best-effort); S3 data events: ${covCt.state === 'none' ? 'not recorded' : 'only partly recorded'}`,
        { evidence: [covAl.evidence, al?.evidence], certainty: 'proven', sources: [...sources], windowed: true, timeline: timelineLink(ctx, [id], ['aws.s3-access-logs'], []) }
      )
    }
    return outcome(
      'unknown',
      `no plain-HTTP request was seen, but no source covered the whole window, so their absence proves nothing — ${coverageText(covCt, 'S3 data events (CloudTrail)')}; ${coverageText(covAl, 'server access logs')}`,
      { evidence: [covCt.evidence, covAl.evidence], sources: [...sources], windowed: true, timeline: link }
    )
  }
})

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
    const s3 = ctx.ev.facts(id).s3
    const used = [s3?.cloudTrailData, s3?.accessLogs].filter((a) => a && a.requests > 0 && inWindow(a.lastAccess, ctx.window))
    const sources = ['aws.inventory', 'aws.cloudtrail.s3-data', 'aws.s3-access-logs'] as const
    if (used.length) {
      const a = used[0]!
      return outcome('no', `the bucket is empty but in use: ${plural(a.requests, 'request')}, the last on ${day(a.lastAccess)}, by ${a.principals.slice(0, 5).join(', ') || 'unknown principals'}`, {
        evidence: [cfg.evidence, a.evidence],
        certainty: 'proven',
        sources: [...sources],
        windowed: true
      })
    }
    const covCt = ctx.ev.coverage('aws.cloudtrail.s3-data', id, ctx.window)
    if (covCt.state === 'covered') {
      return outcome('yes', `the bucket holds no objects and CloudTrail, recording every read and write of it over ${windowText(ctx.window)} without a gap, shows no request`, {
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

interface Origin {
  distribution: string
  domain: string
  website: boolean
  /** CloudFront reads the bucket as a principal (OAC or OAI), not anonymously */
  identity: boolean
  /** the viewer protocol policies of the behaviours (allow-all lets viewers use HTTP) */
  viewerPolicies: string[]
  evidence: string[]
}

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)
const items = (v: unknown): unknown[] => {
  const o = obj(v)
  return Array.isArray(v) ? v : Array.isArray(o?.Items) ? (o!.Items as unknown[]) : []
}

/**
 * The CloudFront origins that serve this bucket, read from cloudfront-distributions.json (the
 * evidence stage links the distribution; the origin's settings are read here).
 */
function originsOf(ctx: StepContext, facts: ResourceFacts): { origins: Origin[]; unreadable: string[] } {
  const name = bucketName(ctx)
  const origins: Origin[] = []
  const unreadable: string[] = []
  for (const dep of facts.dependencies.filter((d) => d.kind === 'cloudfront-fronts')) {
    let found = false
    for (const fileId of dep.evidence) {
      const bytes = ctx.ev.bytes(fileId)
      if (!bytes) continue
      let doc: unknown
      try {
        doc = JSON.parse(bytes.toString('utf8'))
      } catch {
        continue
      }
      // ListDistributions output ({"DistributionList":{"Items":[…]}}) or a plain list, as the evidence stage accepts
      const root = obj(doc)
      const list = root?.DistributionList ? items(root.DistributionList) : items(root?.Distributions ?? root?.distributions ?? root?.Items ?? doc)
      for (const d of list.map(obj)) {
        if (!d || (d.ARN !== dep.resourceId && d.Id !== dep.resourceId)) continue
        const behaviours = [obj(d.DefaultCacheBehavior), ...items(d.CacheBehaviors).map(obj)].filter((b): b is Record<string, unknown> => !!b)
        const viewerPolicies = [...new Set(behaviours.map((b) => String(b.ViewerProtocolPolicy ?? 'allow-all')))].sort()
        for (const o of items(d.Origins).map(obj)) {
          const domain = String(o?.DomainName ?? '')
          if (!o || bucketOfOriginDomain(domain) !== name) continue
          found = true
          const oai = String(obj(o.S3OriginConfig)?.OriginAccessIdentity ?? '')
          origins.push({ distribution: dep.resourceId, domain, website: /\.s3-website[.-]/.test(domain), identity: oai !== '' || !!o.OriginAccessControlId, viewerPolicies, evidence: [fileId] })
        }
      }
    }
    if (!found) unreadable.push(dep.resourceId)
  }
  return { origins, unreadable }
}

/** The account's CloudFront inventory files that could be read (an unreadable one proves nothing). */
function cloudFrontInventory(ctx: StepContext, account: string | null): string[] {
  return ctx.ev
    .files()
    .filter((f) => account !== null && f.path === `aws/${account}/inventory/cloudfront-distributions.json` && f.status === 'read')
    .map((f) => f.id)
}

/**
 * The question both "is something built on the bucket?" steps ask, with their own words: static
 * website hosting, or a CloudFront distribution using the bucket as an origin in a way that
 * depends on what the fix would take away. Yes names every reason; unknown when the website
 * setting or an origin's settings are not in evidence; no says what was ruled out, and is only
 * inferred when no CloudFront inventory is in evidence.
 */
interface BuiltOnTheBucket {
  /** why static website hosting on the bucket answers yes */
  website: string
  /** why this origin answers yes, or null when it does not */
  origin(o: Origin): string | null
  /** the end of the "no" sentence for the distributions that do use the bucket */
  safeOrigins(distributions: string, origins: Origin[]): string
  /** the end of the "no" sentence when no CloudFront inventory is in evidence */
  noInventory: string
}

function builtOnTheBucket(ctx: StepContext, q: BuiltOnTheBucket): StepOutcome {
  const cfg = configOf(ctx)
  if (!cfg) return noConfig(ctx)
  const facts = ctx.ev.facts(ctx.finding.resource.id)
  const { origins, unreadable } = originsOf(ctx, facts)
  const cfInventory = cloudFrontInventory(ctx, facts.account)
  const ev = [cfg.evidence, cfInventory, ...origins.map((o) => o.evidence)]
  const sources = ['aws.inventory' as const]
  const reasons: string[] = []
  if (cfg.value.website === true) reasons.push(q.website)
  for (const o of origins) {
    const why = q.origin(o)
    if (why) reasons.push(why)
  }
  if (reasons.length) return outcome('yes', reasons.join('; '), { evidence: ev, certainty: 'proven', sources })
  if (cfg.value.website === null || cfg.value.website === undefined) return outcome('unknown', 'whether static website hosting is on is not in the inventory ("website" missing)', { evidence: ev, sources })
  if (unreadable.length) return outcome('unknown', `CloudFront ${unreadable.join(', ')} serves the bucket but its origin settings could not be read from the evidence`, { evidence: ev, sources })
  const cf = origins.length
    ? q.safeOrigins([...new Set(origins.map((o) => o.distribution))].join(', '), origins)
    : cfInventory.length
      ? 'no CloudFront distribution in the inventory uses it as an origin'
      : q.noInventory
  return outcome('no', `static website hosting is off; ${cf}`, { evidence: ev, certainty: cfInventory.length ? 'proven' : 'inferred', sources })
}

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

// ---- aws.s3.public-access -----------------------------------------------------------------------

const ACL = z.object({ Grants: z.array(z.object({ Grantee: z.object({ Type: z.string(), URI: z.string().optional(), ID: z.string().optional() }).loose(), Permission: z.string() }).loose()) }).loose()

export const bucketIsPublic = defineStep({
  name: 's3.bucket-is-public',
  summary: 'whether the bucket is public now: an Allow to everyone in its policy or a public ACL grant, not neutralised by the bucket- or account-level Block Public Access (the control evaluator decides)',
  resourceTypes: BUCKET,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return noConfig(ctx)
    const facts = ctx.ev.facts(ctx.finding.resource.id)
    const acct = facts.account ? ctx.ev.config<{ publicAccessBlock: PublicAccessBlock | null }>(accountId(facts.account), 'account.s3-pab') : null
    // An ACL the evaluator cannot read is "not collected" for it (unknown), never "no grants".
    const acl = ACL.safeParse(cfg.value.acl)
    const bucket: S3Bucket = {
      name: cfg.value.name,
      region: cfg.value.region,
      policy: cfg.value.policy,
      publicAccessBlock: cfg.value.publicAccessBlock,
      acl: acl.success ? (acl.data as S3Bucket['acl']) : undefined
    }
    const v = publicAccessForBucket(bucket, acct ? acct.value.publicAccessBlock : undefined, { policy: 'the bucket policy', acl: 'the bucket ACL' })
    const o = { evidence: [cfg.evidence, acct?.evidence], certainty: 'proven' as const, sources: ['aws.inventory' as const] }
    if (v.status === 'FAIL') return outcome('yes', v.reason, o)
    if (v.status === 'PASS') return outcome('no', `${v.reason}: the fix would change nothing anyone can do today`, o)
    return outcome('unknown', `${v.reason}${acct ? '' : ' (the account-level Block Public Access, s3-account.json, is not in evidence)'}`, o)
  }
})

export const anonymousRequests = defineStep({
  name: 's3.anonymous-requests',
  summary: 'anonymous requests to the bucket in the window: server access logs (Requester "-") and CloudTrail data events (ANONYMOUS_PRINCIPAL); "no" needs a source covering the whole window',
  resourceTypes: BUCKET,
  params: z.object({}).strict(),
  run(ctx) {
    const id = ctx.finding.resource.id
    const s3 = ctx.ev.facts(id).s3
    const al = s3?.accessLogs ?? null
    const ct = s3?.cloudTrailData ?? null
    const sources = ['aws.s3-access-logs', 'aws.cloudtrail.s3-data'] as const
    const events = flaggedEvents(ctx, /anonymous/)
    const link = timelineLink(ctx, [id], ['aws.s3-access-logs', 'aws.cloudtrail'], events)
    const ops = [...new Set(events.map((e) => e.action))].sort().join(', ')
    const from = events.length ? ` from ${[...new Set(events.map((e) => /from (\S+):/.exec(e.summary)?.[1]).filter(Boolean))].slice(0, 5).join(', ') || 'unknown addresses'}` : ''
    if (al && al.anonymous > 0 && inWindow(al.anonymousLast, ctx.window)) {
      return outcome('yes', `${plural(al.anonymous, 'anonymous request')} in the server access logs${ops ? ` (${ops})` : ''}${from}, the last on ${day(al.anonymousLast)} — proven (Requester "-"): blocking public access refuses them`, {
        evidence: [al.evidence, events.map((e) => e.evidence)],
        certainty: 'proven',
        sources: [...sources],
        windowed: true,
        timeline: link
      })
    }
    if (ct && ct.anonymous > 0 && inWindow(ct.anonymousLast, ctx.window)) {
      return outcome('yes', `${plural(ct.anonymous, 'anonymous S3 data event')} in CloudTrail${ops ? ` (${ops})` : ''}, the last on ${day(ct.anonymousLast)} — proven (ANONYMOUS_PRINCIPAL): blocking public access refuses them`, {
        evidence: [ct.evidence, events.map((e) => e.evidence)],
        certainty: 'proven',
        sources: [...sources],
        windowed: true,
        timeline: link
      })
    }
    const covCt = ctx.ev.coverage('aws.cloudtrail.s3-data', id, ctx.window)
    const covAl = ctx.ev.coverage('aws.s3-access-logs', id, ctx.window)
    if (covCt.state === 'covered' && covCt.recording?.reads === 'all') {
      return outcome('no', `CloudTrail recorded every read of the bucket over ${windowText(ctx.window)} without a gap (${plural(ct?.requests ?? 0, 'request')}): none was anonymous`, {
        evidence: [covCt.evidence, ct?.evidence],
        certainty: 'proven',
        sources: [...sources],
        windowed: true,
        timeline: link
      })
    }
    if (covAl.state === 'covered') {
      return outcome('no', `the server access logs hold requests for every day of ${windowText(ctx.window)} and none was anonymous (${plural(al?.requests ?? 0, 'request')}; delivery is best-effort)`, {
        evidence: [covAl.evidence, al?.evidence],
        certainty: 'proven',
        sources: [...sources],
        windowed: true,
        timeline: link
      })
    }
    return outcome('unknown', `no anonymous request was seen, but no source covered the whole window — ${coverageText(covCt, 'S3 data events (CloudTrail)')}; ${coverageText(covAl, 'server access logs')}`, {
      evidence: [covCt.evidence, covAl.evidence],
      sources: [...sources],
      windowed: true,
      timeline: link
    })
  }
})

export const publicOriginNeeded = defineStep({
  name: 's3.public-origin-needed',
  summary: 'whether something is built on the bucket being public: static website hosting, or a CloudFront origin read anonymously (a website endpoint, or an S3 origin without OAC/OAI)',
  resourceTypes: BUCKET,
  params: z.object({}).strict(),
  run: (ctx) =>
    builtOnTheBucket(ctx, {
      website: 'static website hosting is on: the website endpoint serves the bucket to anonymous visitors',
      origin: (o) =>
        o.website
          ? `CloudFront ${o.distribution} reads the website endpoint ${o.domain}, anonymously`
          : !o.identity
            ? `CloudFront ${o.distribution} reads ${o.domain} without an origin access control or identity, i.e. anonymously`
            : null,
      safeOrigins: (distributions) => `CloudFront ${distributions} reads it through an origin access control or identity, which public access blocks do not affect`,
      noInventory: 'no CloudFront inventory is in evidence, so a distribution reading it is not ruled out'
    })
})

export const S3_STEPS = [policyEnforcesHttps, plainHttpRequests, emptyAndUnused, servedOverHttpByDesign, bucketIsPublic, anonymousRequests, publicOriginNeeded]
