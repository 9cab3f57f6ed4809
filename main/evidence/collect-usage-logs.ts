// `evidence collect --provider aws`: the usage logs the listener and endpoint playbooks read, for the
// window, read-only — Application and Classic Load Balancer access logs and CloudFront standard logs
// from the S3 prefixes their configuration names (ListObjectsV2 + GetObject, one day prefix at a
// time), and OpenSearch audit logs from the CloudWatch Logs group the domain publishes them to
// (FilterLogEvents, one day at a time).
//
// Bounded: each log source of one resource (a load balancer, a distribution, a domain) is copied up
// to `maxBytes`, whole days only, newest day first. A day that would pass the cap is not copied, nor
// any older one, and a gap says so: a day half-copied would read as a day covered (the readers count
// the days that hold records), so a day is all there or absent. A day the listing or a read failed on
// is a gap naming it. Nothing here decides what the logs mean: the readers do, from the files.
import { paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs'
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3'
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { once } from 'node:events'
import type { BundleWriter } from './bundle-writer'
import type { AwsClients } from './clients'
import { errName, why, type CloudFrontLogTarget, type GapInput } from './collect-aws-services'
import { regionOfZone } from '../semantics/ids'
import type { DomainStatus } from '@aws-sdk/client-opensearch'

const DAY = 86400_000
const MB = 1024 * 1024

/** Default cap of one resource's logs in one run: 1 GiB (`evidence collect --max-log-mb`). */
export const DEFAULT_MAX_LOG_BYTES = 1024 * MB

export interface UsageLogContext {
  w: BundleWriter
  clients: AwsClients
  /** aws/<account> */
  base: string
  account: string | null
  from: Date
  to: Date
  /** bytes at most per resource and log source */
  maxBytes: number
  gap: (g: GapInput) => void
  progress: (message: string) => void
}

/** A load balancer whose access logs are on: where Elastic Load Balancing delivers them. */
export interface ElbLogTarget {
  /** the ARN (Classic: built from its name) */
  arn: string
  region: string
  bucket: string
  /** the configured prefix, without slashes at either end ('' for none) */
  prefix: string
  /** what the delivered file names carry after <account>_elasticloadbalancing_<region>_: app.<name>.<id> or a Classic name */
  fileToken: string
}

/** An OpenSearch domain publishing its audit log to CloudWatch Logs. */
export interface AuditLogTarget {
  domain: string
  arn: string
  /** the Region of the log group (its ARN's) */
  region: string
  logGroup: string
}

/** The load balancers whose access logs are on (an Application Load Balancer's access_logs.s3.* attributes, a Classic one's AccessLog). */
export function elbLogTargets(elbv2: ReadonlyArray<Record<string, unknown>>, classic: ReadonlyArray<Record<string, unknown>>, account: string | null): ElbLogTarget[] {
  const out: ElbLogTarget[] = []
  for (const lb of elbv2) {
    const arn = lb.LoadBalancerArn as string | undefined
    const attrs = new Map(((lb.Attributes as Array<{ Key?: string; Value?: string }> | undefined) ?? []).map((a) => [a.Key, a.Value]))
    // arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>; network load balancers log TLS only, in another format
    const m = arn ? /^arn:[^:]+:elasticloadbalancing:([^:]+):[^:]*:loadbalancer\/app\/([^/]+)\/([^/]+)$/.exec(arn) : null
    const bucket = attrs.get('access_logs.s3.bucket')
    if (!m || attrs.get('access_logs.s3.enabled') !== 'true' || !bucket) continue
    out.push({ arn: arn!, region: m[1], bucket, prefix: attrs.get('access_logs.s3.prefix') ?? '', fileToken: `app.${m[2]}.${m[3]}` })
  }
  for (const lb of classic) {
    const name = lb.LoadBalancerName as string | undefined
    const log = (lb.Attributes as { AccessLog?: { Enabled?: boolean; S3BucketName?: string; S3BucketPrefix?: string } } | undefined)?.AccessLog
    const zone = (lb.AvailabilityZones as string[] | undefined)?.[0]
    const region = zone ? regionOfZone(zone) : null
    if (!name || !log?.Enabled || !log.S3BucketName || !region) continue
    out.push({
      arn: `arn:aws:elasticloadbalancing:${region}:${account ?? 'unknown'}:loadbalancer/${name}`,
      region,
      bucket: log.S3BucketName,
      prefix: log.S3BucketPrefix ?? '',
      fileToken: name
    })
  }
  return out
}

/** The domains publishing an audit log to CloudWatch Logs (LogPublishingOptions.AUDIT_LOGS). */
export function auditLogTargets(domains: readonly DomainStatus[]): AuditLogTarget[] {
  return domains.flatMap((d) => {
    const audit = d.LogPublishingOptions?.AUDIT_LOGS
    const g = audit?.Enabled && audit.CloudWatchLogsLogGroupArn ? logGroupOf(audit.CloudWatchLogsLogGroupArn) : null
    return g && d.DomainName ? [{ domain: d.DomainName, arn: d.ARN ?? d.DomainName, region: g.region, logGroup: g.name }] : []
  })
}

/** The window's UTC days, newest first, each with its start and end (the last one ends at the window's end). */
function daysOf(from: Date, to: Date): Array<{ dash: string; slash: string; start: number; end: number }> {
  const out: Array<{ dash: string; slash: string; start: number; end: number }> = []
  for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t <= to.getTime(); t += DAY) {
    const dash = new Date(t).toISOString().slice(0, 10)
    out.push({ dash, slash: dash.replace(/-/g, '/'), start: t, end: Math.min(t + DAY, to.getTime()) })
  }
  return out.reverse()
}

const mb = (n: number): string => (n < MB ? `${n} bytes` : `${Math.round((n / MB) * 10) / 10} MB`)

/** The gap a cap leaves: the days not copied, oldest to newest. */
function capGap(x: UsageLogContext, source: string, resource: string, what: string, used: number, skipped: string[]): void {
  x.gap({
    source,
    resource,
    from: `${skipped[skipped.length - 1]}T00:00:00.000Z`,
    to: `${skipped[0]}T23:59:59.999Z`,
    problem: `${what}: stopped at the size cap of ${mb(x.maxBytes)} (${mb(used)} copied, newest days first): ${skipped.length} older day${skipped.length === 1 ? '' : 's'} (${skipped[skipped.length - 1]} … ${skipped[0]}) not collected; raise --max-log-mb or export them by hand`
  })
}

/**
 * Copy one resource's S3-delivered logs day by day, newest first: list a day's prefix, and copy its
 * objects when their sizes fit what is left of the cap. `dayPrefix` gives the prefix of a day's
 * objects, `dest` the bundle path of an object key.
 */
async function copyS3Days(
  x: UsageLogContext,
  o: { bucket: string; dayPrefix: (d: { dash: string; slash: string }) => string; dest: (key: string) => string; source: string; resource: string; what: string }
): Promise<void> {
  const s3: S3Client = x.clients.s3
  let used = 0
  const days = daysOf(x.from, x.to)
  for (let i = 0; i < days.length; i++) {
    const prefix = o.dayPrefix(days[i])
    const objects: Array<{ key: string; size: number }> = []
    try {
      for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: o.bucket, Prefix: prefix }))
        for (const c of page.Contents ?? []) if (c.Key) objects.push({ key: c.Key, size: c.Size ?? 0 })
    } catch (e) {
      const what = errName(e) === 'NoSuchBucket' ? `the bucket ${o.bucket} does not exist` : why(e)
      x.gap({ source: o.source, operation: 'ListObjectsV2', resource: o.resource, problem: `ListObjectsV2 s3://${o.bucket}/${prefix}: ${what}` })
      if (errName(e) === 'NoSuchBucket') return
      continue
    }
    const size = objects.reduce((n, c) => n + c.size, 0)
    if (used + size > x.maxBytes) {
      capGap(
        x,
        o.source,
        o.resource,
        o.what,
        used,
        days.slice(i).map((d) => d.dash)
      )
      return
    }
    for (const c of objects) {
      const rel = o.dest(c.key)
      if (x.w.has(rel)) continue
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket: o.bucket, Key: c.key }))
        used += await x.w.writeStream(rel, r.Body as Readable)
      } catch (e) {
        x.gap({ source: o.source, operation: 'GetObject', resource: o.resource, problem: `GetObject s3://${o.bucket}/${c.key}: ${why(e)}` })
      }
    }
  }
}

const slashed = (prefix: string): string => (prefix ? `${prefix.replace(/^\/+|\/+$/g, '')}/` : '')

/**
 * Load balancer access logs as delivered (<prefix>/AWSLogs/<account>/elasticloadbalancing/<region>/
 * yyyy/mm/dd/<account>_elasticloadbalancing_<region>_<load balancer>_…), into elb-access-logs/ under
 * the same key less the configured prefix: only this load balancer's files of each day are listed.
 */
export async function elbAccessLogFiles(x: UsageLogContext, targets: readonly ElbLogTarget[]): Promise<void> {
  if (!x.account) {
    for (const t of targets) x.gap({ source: 'aws.elb-access-logs', resource: t.arn, problem: `the account is unknown, so the access logs of ${t.arn} cannot be located` })
    return
  }
  for (const t of targets) {
    x.progress(`Elastic Load Balancing access logs of ${t.arn}`)
    const p = slashed(t.prefix)
    const acct = x.account
    await copyS3Days(x, {
      bucket: t.bucket,
      dayPrefix: (d) => `${p}AWSLogs/${acct}/elasticloadbalancing/${t.region}/${d.slash}/${acct}_elasticloadbalancing_${t.region}_${t.fileToken}_`,
      dest: (key) => `${x.base}/elb-access-logs/${key.slice(p.length)}`,
      source: 'aws.elb-access-logs',
      resource: t.arn,
      what: `the access logs of ${t.arn} (s3://${t.bucket}/${p})`
    })
  }
}

/** CloudFront standard logs as delivered: <prefix><distribution id>.YYYY-MM-DD-HH.<unique>.gz, into cloudfront-logs/<id>/. */
export async function cloudFrontLogFiles(x: UsageLogContext, targets: readonly CloudFrontLogTarget[]): Promise<void> {
  for (const t of targets) {
    x.progress(`CloudFront standard logs of ${t.distribution}`)
    await copyS3Days(x, {
      bucket: t.bucket,
      dayPrefix: (d) => `${t.prefix}${t.distribution}.${d.dash}-`,
      dest: (key) => `${x.base}/cloudfront-logs/${t.distribution}/${key.slice(t.prefix.length)}`,
      source: 'aws.cloudfront-logs',
      resource: `arn:aws:cloudfront::${x.account ?? ''}:distribution/${t.distribution}`,
      what: `the standard logs of ${t.distribution} (s3://${t.bucket}/${t.prefix})`
    })
  }
}

/** The log group's name and Region from the ARN OpenSearch Service gives (…:log-group:<name>[:*]). */
export function logGroupOf(arn: string): { region: string; name: string } | null {
  const m = /^arn:[^:]+:logs:([^:]+):[^:]*:log-group:(.+?)(?::\*)?$/.exec(arn)
  return m ? { region: m[1], name: m[2] } : null
}

/**
 * An OpenSearch domain's audit log, from its CloudWatch Logs group, one file a day
 * (opensearch-audit/<domain>/<yyyy-mm-dd>.jsonl: the FilterLogEvents events, one a line, each carrying
 * an audit document as its message). A day's events are written to a scratch file first and kept only
 * when the whole day fits the cap.
 */
export async function openSearchAuditLogs(x: UsageLogContext, targets: readonly AuditLogTarget[]): Promise<void> {
  if (!targets.length) return
  const scratch = mkdtempSync(join(tmpdir(), 'lm-audit-'))
  try {
    for (const t of targets) {
      x.progress(`OpenSearch audit log of ${t.domain} (${t.logGroup})`)
      const logs = x.clients.logs(t.region)
      const days = daysOf(x.from, x.to)
      let used = 0
      for (let i = 0; i < days.length; i++) {
        const d = days[i]
        const tmp = join(scratch, `${d.dash}.jsonl`)
        const out = createWriteStream(tmp)
        let bytes = 0
        let events = 0
        let over = false
        try {
          for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName: t.logGroup, startTime: d.start, endTime: d.end - 1 })) {
            for (const e of page.events ?? []) {
              const line = `${JSON.stringify({ timestamp: e.timestamp, logStreamName: e.logStreamName, eventId: e.eventId, message: e.message })}\n`
              bytes += Buffer.byteLength(line)
              events++
              if (used + bytes > x.maxBytes) {
                over = true
                break
              }
              if (!out.write(line)) await once(out, 'drain')
            }
            if (over) break
          }
        } catch (e) {
          out.destroy()
          x.gap({
            source: 'aws.opensearch.audit',
            operation: 'FilterLogEvents',
            region: t.region,
            resource: t.arn,
            from: new Date(d.start).toISOString(),
            to: new Date(d.end).toISOString(),
            problem: `FilterLogEvents ${t.logGroup} on ${d.dash}: ${why(e)}: the audit log of ${t.domain} on that day is not collected`
          })
          continue
        }
        out.end()
        await once(out, 'close')
        if (over) {
          capGap(
            x,
            'aws.opensearch.audit',
            t.arn,
            `the audit log of ${t.domain} (${t.logGroup})`,
            used,
            days.slice(i).map((y) => y.dash)
          )
          break
        }
        if (events) used += await x.w.writeStream(`${x.base}/opensearch-audit/${t.domain}/${d.dash}.jsonl`, createReadStream(tmp))
        rmSync(tmp, { force: true })
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}
