// Step plumbing of the S3 controls, shared by the steps of more than one S3 control's folder: the
// bucket's configuration as the evidence holds it, the requests the timeline flags, and whether
// something (static website hosting, a CloudFront origin) is built on the bucket in a way a fix
// would take away.
import type { ResourceFacts, TimelineEvent } from '../../../shared/evidence'
import { obj } from '../../semantics/cloud-output'
import { bucketOfOriginDomain } from '../../semantics/inventory-items'
import { outcome } from '../step-common'
import type { StepContext, StepOutcome } from '../step'
import type { S3ConfigFacet } from '../../semantics/facets'
import type { S3Request } from './requests'

export const BUCKET = ['aws.s3.bucket'] as const

export function bucketName(ctx: StepContext): string {
  return ctx.finding.resource.id.replace(/^arn:[^:]+:s3:::/, '')
}

/** The bucket's `s3.config` facet (main/semantics/facets.ts): a policy or ACL not collected has no key. */
export function configOf(ctx: StepContext): { value: S3ConfigFacet; evidence: string[] } | null {
  return ctx.ev.config(ctx.finding.resource.id, 's3.config')
}

export const noConfig = (ctx: StepContext) =>
  outcome('unknown', `the bucket ${bucketName(ctx)} is not in the evidence's S3 inventory (inventory/s3-buckets.json of its account), so its configuration is unknown`, {
    sources: ['aws.inventory']
  })

/**
 * Static website hosting is on: requests to the website endpoint (plain HTTP, often anonymous) are
 * not CloudTrail data events — "CloudTrail does not log requests made to website endpoints" — so
 * only the server access logs (WEBSITE.GET.OBJECT) can show them.
 */
export const websiteOn = (ctx: StepContext): boolean => configOf(ctx)?.value.website === true

/** The plain-HTTP (or anonymous) requests the timeline itemises for the bucket in the window. */
export function flaggedEvents(ctx: StepContext, pattern: RegExp): TimelineEvent[] {
  return ctx.ev
    .timeline([ctx.finding.resource.id], { from: ctx.window?.from, sources: ['aws.s3-access-logs', 'aws.cloudtrail'], summaries: false })
    .filter((e) => pattern.test(e.summary))
}

// ---- CloudFront and website hosting -------------------------------------------------------------

export interface Origin {
  distribution: string
  domain: string
  website: boolean
  /** CloudFront reads the bucket as a principal (OAC or OAI), not anonymously */
  identity: boolean
  /** the viewer protocol policies of the behaviours (allow-all lets viewers use HTTP) */
  viewerPolicies: string[]
  evidence: string[]
}

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
          origins.push({
            distribution: dep.resourceId,
            domain,
            website: /\.s3-website[.-]/.test(domain),
            identity: oai !== '' || !!o.OriginAccessControlId,
            viewerPolicies,
            evidence: [fileId]
          })
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
export interface BuiltOnTheBucket {
  /** why static website hosting on the bucket answers yes */
  website: string
  /** why this origin answers yes, or null when it does not */
  origin(o: Origin): string | null
  /** the end of the "no" sentence for the distributions that do use the bucket */
  safeOrigins(distributions: string, origins: Origin[]): string
  /** the end of the "no" sentence when no CloudFront inventory is in evidence */
  noInventory: string
}

export function builtOnTheBucket(ctx: StepContext, q: BuiltOnTheBucket): StepOutcome {
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
  if (cfg.value.website === null || cfg.value.website === undefined)
    return outcome('unknown', 'whether static website hosting is on is not in the inventory ("website" missing)', { evidence: ev, sources })
  if (unreadable.length)
    return outcome('unknown', `CloudFront ${unreadable.join(', ')} serves the bucket but its origin settings could not be read from the evidence`, { evidence: ev, sources })
  const cf = origins.length
    ? q.safeOrigins([...new Set(origins.map((o) => o.distribution))].join(', '), origins)
    : cfInventory.length
      ? 'no CloudFront distribution in the inventory uses it as an origin'
      : q.noInventory
  return outcome('no', `static website hosting is off; ${cf}`, { evidence: ev, certainty: cfInventory.length ? 'proven' : 'inferred', sources })
}

export const lastOf = (reqs: readonly S3Request[]): string => reqs.reduce((m, r) => (r.time > m ? r.time : m), '')
export const opsOf = (reqs: readonly S3Request[]): string => [...new Set(reqs.map((r) => r.op))].sort().join(', ')
export const sourcesOf = (reqs: readonly S3Request[]): string =>
  [...new Set(reqs.map((r) => (r.source === 'aws.s3-access-logs' ? 'server access logs' : 'CloudTrail data events')))].sort().join(' and ')
