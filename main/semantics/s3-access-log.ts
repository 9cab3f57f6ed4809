// One line of an S3 server access log (FORMATS.md B3), read the way every reader needs it: the
// evidence stage counting a log file's requests, and the S3 steps reading a bucket's requests back
// one by one. The log is the authority on plain HTTP: AWS documents the CipherSuite field as "-"
// for HTTP and the TLS version as "-" when TLS was not used.

export interface AccessLogRecord {
  bucketOwner: string
  bucket: string
  time: number
  remoteIp: string
  requester: string
  requestId: string
  operation: string
  key: string
  requestUri: string
  httpStatus: string
  errorCode: string
  userAgent: string
  cipherSuite: string | null
  authType: string | null
  hostHeader: string | null
  tlsVersion: string | null
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 }

/** `06/Feb/2019:00:00:38 +0000` → epoch seconds, NaN when malformed. */
export function parseAccessLogTime(s: string): number {
  const m = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(s)
  if (!m || MONTHS[m[2]] === undefined) return NaN
  const utc = Date.UTC(+m[3], MONTHS[m[2]], +m[1], +m[4], +m[5], +m[6]) / 1000
  const off = (+m[8] * 60 + +m[9]) * 60 * (m[7] === '+' ? 1 : -1)
  return utc - off
}

/** Split one line into fields: space-separated, `[…]` and `"…"` kept whole (they hold spaces). */
function splitAccessLogLine(line: string): string[] {
  const out: string[] = []
  let i = 0
  const n = line.length
  while (i < n) {
    const c = line.charCodeAt(i)
    if (c === 32) {
      i++
      continue
    }
    let end: number
    if (c === 91 /* [ */) {
      end = line.indexOf(']', i + 1)
      if (end < 0) return out.concat(line.slice(i))
      out.push(line.slice(i + 1, end))
      i = end + 1
    } else if (c === 34 /* " */) {
      end = line.indexOf('"', i + 1)
      if (end < 0) return out.concat(line.slice(i))
      out.push(line.slice(i + 1, end))
      i = end + 1
    } else {
      end = line.indexOf(' ', i)
      if (end < 0) end = n
      out.push(line.slice(i, end))
      i = end
    }
  }
  return out
}

export function parseAccessLogLine(line: string): AccessLogRecord | string {
  const f = splitAccessLogLine(line)
  if (f.length < 18) return `only ${f.length} fields (an S3 access log line has at least 18)`
  const time = parseAccessLogTime(f[2])
  if (!Number.isFinite(time)) return `"${f[2].slice(0, 40)}" is not an access log time`
  const opt = (i: number): string | null => (i < f.length ? f[i] : null)
  return {
    bucketOwner: f[0],
    bucket: f[1],
    time,
    remoteIp: f[3],
    requester: f[4],
    requestId: f[5],
    operation: f[6],
    key: f[7],
    requestUri: f[8],
    httpStatus: f[9],
    errorCode: f[10],
    userAgent: f[16],
    cipherSuite: opt(20),
    authType: opt(21),
    hostHeader: opt(22),
    tlsVersion: opt(23)
  }
}

/**
 * HTTP, proven: CipherSuite "-" and TLS version "-". Older log lines without the TLS field count
 * on the cipher alone (the field the docs define for it). Lines too old for either are unknown.
 */
export function transportOf(r: AccessLogRecord): 'http' | 'tls' | 'unknown' {
  if (r.cipherSuite === null) return 'unknown'
  if (r.cipherSuite === '-' && (r.tlsVersion === null || r.tlsVersion === '-')) return 'http'
  if (r.cipherSuite !== '-') return 'tls'
  return 'unknown'
}
