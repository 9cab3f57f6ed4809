// CloudTrail records of one account, read back from the log files kept in the case, for the two
// questions the evidence stage does not aggregate: were snapshots or AMIs shared with other
// accounts (EBS default encryption), did an IAM user's long-term key make calls (unused keys),
// which S3 requests to a bucket were served, refused, anonymous or from another account, what the
// root user called and from where (root access key), and who signed in to the console with or
// without MFA (console MFA).
//
// Only what those questions need is kept per record. Files the case keeps as hash only (too large
// to store) cannot be read back: they are listed in `unreadable`, and a step that needed them
// answers unknown — it never treats an unread file as "nothing happened".
import { gunzipSync } from 'node:zlib'

export interface SlimRecord {
  time: string
  source: string
  name: string
  region: string
  error: string | null
  identity: {
    type: string | null
    /** userIdentity.accountId: ANONYMOUS_PRINCIPAL for anonymous S3 requests */
    account: string | null
    arn: string | null
    userName: string | null
    accessKeyId: string | null
    issuer: string | null
  }
  /** requestParameters, kept only for the events a step reads them from */
  params: Record<string, unknown> | null
  /** sourceIPAddress (an address, or a service name for calls AWS made on the principal's behalf) */
  ip: string | null
  /** ConsoleLogin: responseElements.ConsoleLogin (Success, Failure) and additionalEventData.MFAUsed (Yes, No) */
  login: { result: string | null; mfaUsed: string | null } | null
  /** S3 requests: the bucket, whether it is a data event, and what the record says of TLS (FORMATS.md B1) */
  s3: { bucket: string; data: boolean; tlsDetails: boolean; cipherSuite: boolean; console: boolean } | null
  /** evidence file id */
  file: string
  /** 1-based record number in the file */
  record: number
}

export interface CloudTrailIndex {
  account: string
  records: SlimRecord[]
  /** evidence file ids read */
  files: string[]
  unreadable: Array<{ file: string; path: string; why: string }>
}

/** Events whose requestParameters a step reads (sharing of snapshots and images). */
const KEEP_PARAMS = new Set(['ModifySnapshotAttribute', 'ModifyImageAttribute'])

/** What one index may hold: beyond it the steps that need it answer unknown rather than run out of memory. */
const INDEX_LIMITS = { maxDecodedBytes: 256 * 1024 * 1024, maxRecords: 1_000_000 }

export interface TrailFile {
  id: string
  path: string
  sha256: string
  /** aws.cloudtrail-query: CloudTrail Lake or Athena counts, which hold no single record */
  kind: 'aws.cloudtrail' | 'aws.cloudtrail-lookup' | 'aws.cloudtrail-query'
  bytes: Buffer | null
}

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)
const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

function slim(r: Record<string, unknown>, file: string, record: number): SlimRecord | null {
  const time = s(r.eventTime)
  const name = s(r.eventName)
  if (!time || !name || !Number.isFinite(Date.parse(time))) return null
  const ui = obj(r.userIdentity) ?? {}
  const issuer = obj(obj(obj(ui.sessionContext)?.sessionIssuer))
  const source = s(r.eventSource) ?? ''
  const bucket = source === 's3.amazonaws.com' ? s(obj(r.requestParameters)?.bucketName) : null
  const tls = obj(r.tlsDetails)
  const extra = obj(r.additionalEventData)
  return {
    time: new Date(Date.parse(time)).toISOString().replace('.000Z', 'Z'),
    source,
    name,
    region: s(r.awsRegion) ?? '',
    error: s(r.errorCode),
    identity: { type: s(ui.type), account: s(ui.accountId), arn: s(ui.arn), userName: s(ui.userName), accessKeyId: s(ui.accessKeyId), issuer: s(issuer?.arn) },
    params: KEEP_PARAMS.has(name) ? obj(r.requestParameters) : null,
    ip: s(r.sourceIPAddress),
    login: name === 'ConsoleLogin' ? { result: s(obj(r.responseElements)?.ConsoleLogin), mfaUsed: s(extra?.MFAUsed) } : null,
    s3: bucket
      ? {
          bucket,
          data: r.managementEvent === false || r.eventCategory === 'Data',
          tlsDetails: !!s(tls?.tlsVersion),
          cipherSuite: !!(s(extra?.CipherSuite) ?? s(extra?.cipherSuite)),
          console: r.sessionCredentialFromConsole === 'true' || r.sessionCredentialFromConsole === true
        }
      : null,
    file,
    record
  }
}

/** Build the index of `account` from its trail files (the caller reads their bytes from the case). */
export function indexCloudTrail(account: string, files: readonly TrailFile[]): CloudTrailIndex {
  const out: CloudTrailIndex = { account, records: [], files: [], unreadable: [] }
  const seen = new Set<string>()
  // LookupEvents repeats the trail's management events: one record per eventID
  const seenEvents = new Set<string>()
  let decoded = 0
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    // the same bytes added with two bundles are one delivery: read once
    if (seen.has(f.sha256)) continue
    seen.add(f.sha256)
    // The counts cover the streams whose coverage they give, but name no event: what a step looks
    // for among single records may have happened there unseen.
    if (f.kind === 'aws.cloudtrail-query') {
      out.unreadable.push({
        file: f.id,
        path: f.path,
        why: 'holds CloudTrail Lake or Athena counts, not the single events this question needs (collect with --cloudtrail-source files for them)'
      })
      continue
    }
    if (f.bytes === null) {
      out.unreadable.push({ file: f.id, path: f.path, why: 'kept in the case as its SHA-256 only (too large to store), so it cannot be read again' })
      continue
    }
    let text: string
    try {
      const buf = f.bytes.length >= 2 && f.bytes[0] === 0x1f && f.bytes[1] === 0x8b ? gunzipSync(f.bytes, { maxOutputLength: INDEX_LIMITS.maxDecodedBytes - decoded }) : f.bytes
      decoded += buf.length
      text = buf.toString('utf8')
    } catch (e) {
      out.unreadable.push({ file: f.id, path: f.path, why: `cannot be decompressed within the limit (${(e as Error).message})` })
      continue
    }
    let doc: unknown
    try {
      doc = JSON.parse(text)
    } catch (e) {
      out.unreadable.push({ file: f.id, path: f.path, why: `not JSON (${(e as Error).message})` })
      continue
    }
    const list: Array<Record<string, unknown> | null> =
      f.kind === 'aws.cloudtrail'
        ? (Array.isArray(obj(doc)?.Records) ? (obj(doc)!.Records as unknown[]) : []).map(obj)
        : (Array.isArray(obj(doc)?.Events) ? (obj(doc)!.Events as unknown[]) : []).map((e) => {
            const inner = s(obj(e)?.CloudTrailEvent)
            if (!inner) return null
            try {
              return obj(JSON.parse(inner))
            } catch {
              return null
            }
          })
    out.files.push(f.id)
    list.forEach((r, i) => {
      if (!r) return
      // An organisation trail delivers other accounts' records too: keep this account's.
      const recipient = s(r.recipientAccountId)
      if (recipient && recipient !== account) return
      const eventId = s(r.eventID)
      if (eventId) {
        if (seenEvents.has(eventId)) return
        seenEvents.add(eventId)
      }
      const x = slim(r, f.id, i + 1)
      if (x) out.records.push(x)
    })
    if (out.records.length > INDEX_LIMITS.maxRecords) {
      out.unreadable.push({ file: f.id, path: f.path, why: `more than ${INDEX_LIMITS.maxRecords} records for one account: the rest is not read` })
      break
    }
  }
  out.files.sort()
  out.records.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : a.record - b.record))
  return out
}
