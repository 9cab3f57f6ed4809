// The requests to one S3 bucket, one by one, read back from the evidence kept in the case: the
// bucket owner's CloudTrail S3 data events (through the account's CloudTrail index) and the
// bucket's server access logs. The evidence stage's facts count requests per bucket; the S3 steps
// need what the counts cannot say: whether S3 served or refused each request, which account the
// caller belongs to, and what a CloudTrail record says of TLS. Step plumbing of the kit: the
// steps of more than one S3 control read requests this way.
//
// A file the case keeps as its hash only cannot be read back: it is listed in `unreadable`, and a
// step that needed it never treats it as "no request".
import { gunzipSync } from 'node:zlib'
import { parseAccessLogLine, transportOf } from '../../semantics/s3-access-log'
import type { EvidenceFileSummary } from '../../../shared/evidence'
import type { CloudTrailIndex, SlimRecord } from '../../case/cloudtrail-index'
import type { EvidenceView } from '../step'

export type CloudTrailTls = 'tls-details' | 'cipher-suite' | 'aws-service' | 'console' | 'none'

export interface S3Request {
  time: string
  source: 'aws.cloudtrail' | 'aws.s3-access-logs'
  op: string
  /** the caller's ARN, "anonymous", or the access log's requester as written */
  principal: string
  /** the caller's AWS account, null when the record does not say (a canonical user id, a service) */
  account: string | null
  anonymous: boolean
  /** an AWS service acting for someone (CloudTrail userIdentity.type AWSService) */
  service: boolean
  /** S3 refused it: AccessDenied (a 403). Such a request proves nobody is served by the access. */
  refused: boolean
  read: boolean | null
  /** access logs: proven transport; CloudTrail: what the record carries (FORMATS.md B1) */
  transport: 'http' | 'tls' | 'unknown'
  cloudTrailTls: CloudTrailTls | null
  /** evidence file id */
  file: string
}

export interface BucketRequests {
  requests: S3Request[]
  /** evidence file ids read */
  files: string[]
  /** bundle paths that could not be read back, with why */
  unreadable: string[]
}

const memo = new WeakMap<EvidenceView, Map<string, BucketRequests>>()
/** an account's S3 data events by bucket, and the access log files by bucket folder: built once per view */
const trailByBucket = new WeakMap<CloudTrailIndex, Map<string, SlimRecord[]>>()
const logsByBucket = new WeakMap<EvidenceView, Map<string, EvidenceFileSummary[]>>()

function dataEventsOf(idx: CloudTrailIndex, bucket: string): SlimRecord[] {
  let m = trailByBucket.get(idx)
  if (!m) {
    m = new Map()
    for (const r of idx.records) {
      if (!r.s3 || !r.s3.data) continue
      const list = m.get(r.s3.bucket)
      if (list) list.push(r)
      else m.set(r.s3.bucket, [r])
    }
    trailByBucket.set(idx, m)
  }
  return m.get(bucket) ?? []
}

function accessLogFilesOf(ev: EvidenceView, owner: string, bucket: string): EvidenceFileSummary[] {
  let m = logsByBucket.get(ev)
  if (!m) {
    m = new Map()
    for (const f of ev.files()) {
      const k = f.kind === 'aws.s3-access-logs' && f.stored !== 'duplicate' ? /^aws\/(\d{12})\/s3-access-logs\/([^/]+)\//.exec(f.path) : null
      if (!k) continue
      const key = `${k[1]}/${k[2]}`
      const list = m.get(key)
      if (list) list.push(f)
      else m.set(key, [f])
    }
    logsByBucket.set(ev, m)
  }
  return m.get(`${owner}/${bucket}`) ?? []
}

const iso = (sec: number): string => new Date(sec * 1000).toISOString().replace('.000Z', 'Z')

const isReadOp = (op: string): boolean | null => {
  const m = /^(?:REST|WEBSITE|BATCH)\.([A-Z]+)\./.exec(op)
  if (m) return m[1] === 'GET' || m[1] === 'HEAD' || m[1] === 'OPTIONS'
  return /^(Get|Head|List)/.test(op) ? true : /^(Put|Delete|Post|Copy|Create|Complete|Abort|Upload|Restore)/.test(op) ? false : null
}

/** The account of an ARN (arn:aws:sts::123456789012:assumed-role/…), or null. */
export function accountOfArn(arn: string): string | null {
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] ?? null
}

function accessLogRequests(ev: EvidenceView, owner: string, bucket: string, out: BucketRequests): void {
  for (const f of accessLogFilesOf(ev, owner, bucket)) {
    const bytes = ev.bytes(f.id)
    if (!bytes) {
      out.unreadable.push(`${f.path}: kept in the case as its SHA-256 only`)
      continue
    }
    let text: string
    try {
      text = (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8')
    } catch (e) {
      out.unreadable.push(`${f.path}: ${(e as Error).message}`)
      continue
    }
    out.files.push(f.id)
    for (const line of text.split('\n')) {
      if (!line.trim()) continue
      const r = parseAccessLogLine(line)
      if (typeof r === 'string' || r.operation.startsWith('S3.')) continue
      if (r.bucket && r.bucket !== bucket) continue
      const anonymous = r.requester === '-'
      out.requests.push({
        time: iso(r.time),
        source: 'aws.s3-access-logs',
        op: r.operation,
        principal: anonymous ? 'anonymous' : r.requester,
        account: anonymous ? null : accountOfArn(r.requester),
        anonymous,
        service: false,
        refused: r.errorCode === 'AccessDenied' || r.httpStatus === '403',
        read: isReadOp(r.operation),
        transport: transportOf(r),
        cloudTrailTls: null,
        file: f.id
      })
    }
  }
}

/** Every request to `bucket` (owned by `owner`) the case's evidence itemises. */
export function bucketRequests(ev: EvidenceView, owner: string | null, bucket: string): BucketRequests {
  let byBucket = memo.get(ev)
  if (!byBucket) memo.set(ev, (byBucket = new Map()))
  const key = `${owner ?? ''}/${bucket}`
  const hit = byBucket.get(key)
  if (hit) return hit
  const out: BucketRequests = { requests: [], files: [], unreadable: [] }
  if (owner) {
    const idx = ev.cloudTrail(owner)
    for (const u of idx.unreadable) out.unreadable.push(`${u.path}: ${u.why}`)
    const files = new Set<string>()
    for (const r of dataEventsOf(idx, bucket)) {
      if (!r.s3) continue
      files.add(r.file)
      const anonymous = r.identity.type === 'AWSAccount' && (/^anonymous(_principal)?$/i.test(r.identity.account ?? '') || !r.identity.arn)
      const service = r.identity.type === 'AWSService'
      const tls: CloudTrailTls = r.s3.tlsDetails ? 'tls-details' : r.s3.cipherSuite ? 'cipher-suite' : service ? 'aws-service' : r.s3.console ? 'console' : 'none'
      out.requests.push({
        time: r.time,
        source: 'aws.cloudtrail',
        op: r.name,
        principal: anonymous ? 'anonymous' : (r.identity.issuer ?? r.identity.arn ?? r.identity.type ?? 'unknown'),
        account: anonymous || service ? null : (r.identity.account ?? (r.identity.arn ? accountOfArn(r.identity.arn) : null)),
        anonymous,
        service,
        refused: r.error === 'AccessDenied',
        read: isReadOp(r.name),
        transport: tls === 'tls-details' || tls === 'cipher-suite' ? 'tls' : 'unknown',
        cloudTrailTls: tls,
        file: r.file
      })
    }
    out.files.push(...files)
    accessLogRequests(ev, owner, bucket, out)
  }
  out.files.sort()
  byBucket.set(key, out)
  return out
}

/** "3 × GetObject by arn:…/partner-etl (555566667777)" lists, the most frequent first. */
export function callersText(reqs: readonly S3Request[], max = 5): string {
  const n = new Map<string, number>()
  for (const r of reqs) n.set(r.principal, (n.get(r.principal) ?? 0) + 1)
  const list = [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  return (
    list
      .slice(0, max)
      .map(([p, c]) => `${p} (${c})`)
      .join(', ') + (list.length > max ? `, and ${list.length - max} more` : '')
  )
}
