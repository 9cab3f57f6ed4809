// S3 server access logs (FORMATS.md B3). They are the authority on plain HTTP: AWS documents the
// CipherSuite field as "-" for HTTP and the TLS version as "-" when TLS was not used, so a request
// with both "-" is *proven* to have been plain HTTP — unlike CloudTrail, where it is only inferred.
import { type Activity, countRequest, emptyActivity } from '../semantics/activity'
import { BadEvidence, type FileProblem, problemOf } from '../semantics/bad-evidence'
import { DraftBucket } from './drafts'
import type { EvidenceLimits } from '../semantics/limits'
import { forEachLine } from './line-reader'
import { openDecoded } from './source-stream'
import { dayOf, hourOf } from '../semantics/time'
import { parseAccessLogLine, transportOf } from '../semantics/s3-access-log'

/**
 * S3.* operations (lifecycle transitions, expirations) are S3 acting on its own, not requests from
 * a client: they carry no cipher and would otherwise look like plain HTTP.
 */
function isInternalOperation(op: string): boolean {
  return op.startsWith('S3.')
}

function isReadAccess(op: string): boolean | null {
  const m = /^(?:REST|WEBSITE|BATCH)\.([A-Z]+)\./.exec(op)
  if (!m) return null
  return m[1] === 'GET' || m[1] === 'HEAD' || m[1] === 'OPTIONS'
}

interface AccessLogDay {
  requests: number
  reads: number
  writes: number
  http: number
  anonymous: number
}

interface BucketAccess {
  bucket: string
  activity: Activity
  http: number
  httpLast: number | null
  tlsUnknown: number
  anonymous: number
  anonymousLast: number | null
  internal: number
  tlsVersions: Record<string, number>
  byDay: Map<number, AccessLogDay>
  hours: Set<number>
  files: Set<string>
}

export interface AccessLogScan {
  buckets: Map<string, BucketAccess>
  files: Array<{ file: string; records: number; first: number | null; last: number | null; problem: FileProblem | null; badLines: number }>
  drafts: DraftBucket
}

export function emptyAccessLogScan(limits: EvidenceLimits): AccessLogScan {
  return { buckets: new Map(), files: [], drafts: new DraftBucket(limits.maxEventsPerResource) }
}

function bucketAccess(scan: AccessLogScan, bucket: string): BucketAccess {
  let b = scan.buckets.get(bucket)
  if (!b) {
    b = {
      bucket,
      activity: emptyActivity(),
      http: 0,
      httpLast: null,
      tlsUnknown: 0,
      anonymous: 0,
      anonymousLast: null,
      internal: 0,
      tlsVersions: {},
      byDay: new Map(),
      hours: new Set(),
      files: new Set()
    }
    scan.buckets.set(bucket, b)
  }
  return b
}

/**
 * Read one access log file into the scan. A malformed line is a gap named by its line number,
 * and the rest of the file is still read (one bad line does not void a day of logs); the first
 * few bad lines are listed.
 */
export async function readAccessLogFile(scan: AccessLogScan, abs: string, file: string, limits: EvidenceLimits, folderBucket: string | null): Promise<void> {
  const out = { file, records: 0, first: null as number | null, last: null as number | null, problem: null as FileProblem | null, badLines: 0 }
  scan.files.push(out)
  const badLines: string[] = []
  try {
    const d = await openDecoded(abs, file, limits)
    await forEachLine(d.chunks, file, limits, (line, no) => {
      if (!line.trim()) return
      const r = parseAccessLogLine(line)
      if (typeof r === 'string') {
        out.badLines++
        if (badLines.length < 5) badLines.push(`line ${no}: ${r}`)
        return
      }
      out.records++
      if (out.first === null || r.time < out.first) out.first = r.time
      if (out.last === null || r.time > out.last) out.last = r.time
      const b = bucketAccess(scan, r.bucket || folderBucket || 'unknown')
      b.files.add(file)
      b.hours.add(hourOf(r.time))
      if (isInternalOperation(r.operation)) {
        b.internal++
        return
      }
      const read = isReadAccess(r.operation)
      const anon = r.requester === '-'
      const principal = anon ? 'anonymous' : r.requester
      countRequest(b.activity, r.time, read, r.errorCode !== '-' && r.errorCode !== '', principal, limits.maxPrincipals)
      const transport = transportOf(r)
      const day = dayOf(r.time)
      let dc = b.byDay.get(day)
      if (!dc) b.byDay.set(day, (dc = { requests: 0, reads: 0, writes: 0, http: 0, anonymous: 0 }))
      dc.requests++
      if (read === true) dc.reads++
      else if (read === false) dc.writes++
      if (transport === 'http') {
        b.http++
        dc.http++
        if (b.httpLast === null || r.time > b.httpLast) b.httpLast = r.time
      } else if (transport === 'unknown') b.tlsUnknown++
      else {
        const v = (r.tlsVersion ?? '').replace(/^tlsv/i, 'TLSv')
        if (v && v !== '-') b.tlsVersions[v] = (b.tlsVersions[v] ?? 0) + 1
      }
      if (anon) {
        b.anonymous++
        dc.anonymous++
        if (b.anonymousLast === null || r.time > b.anonymousLast) b.anonymousLast = r.time
      }
      if (transport === 'http' || anon) {
        const what = [transport === 'http' ? 'plain HTTP (proven: cipher "-" and TLS version "-")' : '', anon ? 'anonymous' : ''].filter(Boolean).join(', ')
        scan.drafts.add({
          time: r.time,
          source: 'aws.s3-access-logs',
          actor: principal,
          action: r.operation,
          resource: `arn:aws:s3:::${b.bucket}`,
          summary: `${r.operation} ${r.key !== '-' ? r.key : ''} from ${r.remoteIp}: ${what} (HTTP ${r.httpStatus})`.replace(/\s+/g, ' '),
          file,
          place: `line ${no}`,
          raw: line
        })
      }
    })
    if (out.badLines) {
      out.problem = { file, place: badLines.join('; '), problem: `${out.badLines} line(s) are not S3 access log lines and were skipped` }
    }
  } catch (e) {
    out.problem = problemOf(e instanceof BadEvidence ? e : e, file)
  }
}
