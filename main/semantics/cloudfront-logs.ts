// CloudFront standard (access) logs as delivered to S3: gzip files of tab-separated lines, a
// "#Version:" line and a "#Fields:" line naming the columns (date time x-edge-location sc-bytes c-ip
// cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) … cs-protocol …), one request a
// line, the user agent URL-encoded. Collected under aws/<account>/cloudfront-logs/<distribution id>/.
// Read per file, one line at a time: only the counts the viewer-protocol playbook asks for are kept
// (who came in over plain HTTP, on which behaviour, with which method and user agent).
import { gunzipSync } from 'node:zlib'
import type { EvidenceFileSummary } from '../../shared/evidence'
import { behaviourFor, type ViewerBehaviour } from './inventory-cloudfront'
import { daysOf } from './kubernetes-api'

export const CLOUDFRONT_LOGS_KIND = 'aws.cloudfront-logs'

/** The columns read; a file whose #Fields line lacks one is unreadable (it says which). */
const NEEDED = ['date', 'time', 'cs-method', 'cs-uri-stem', 'cs(User-Agent)', 'cs-protocol'] as const

export interface LogRecord {
  day: string
  time: string
  method: string
  path: string
  agent: string
  protocol: string
}

/** Calls `onRecord` for every request line of one log file's text; returns its problems ("<file>: line N: …"). */
export function scanCloudFrontLog(text: string, display: string, onRecord: (r: LogRecord) => void): string[] {
  const problems: string[] = []
  let cols: Record<string, number> | null = null
  let start = 0
  let lineNo = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    lineNo++
    const line = text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end)
    start = end + 1
    if (!line) continue
    if (line.startsWith('#')) {
      if (line.startsWith('#Fields:')) {
        const names = line.slice('#Fields:'.length).trim().split(/\s+/)
        const missing = NEEDED.filter((n) => !names.includes(n))
        if (missing.length) {
          problems.push(`${display}: line ${lineNo}: the #Fields line has no ${missing.join(', ')}`)
          return problems
        }
        cols = Object.fromEntries(names.map((n, k) => [n, k]))
      }
      continue
    }
    if (!cols) {
      problems.push(`${display}: line ${lineNo}: a request before any #Fields line (not a CloudFront standard log?)`)
      return problems
    }
    const f = line.split('\t')
    const get = (n: (typeof NEEDED)[number]) => f[cols![n]]
    const day = get('date')
    if (f.length < Object.keys(cols).length - 1 || !/^\d{4}-\d{2}-\d{2}$/.test(day ?? '') || !get('cs-protocol')) {
      problems.push(`${display}: line ${lineNo}: not a request line of the #Fields columns`)
      continue
    }
    onRecord({ day, time: get('time'), method: get('cs-method'), path: get('cs-uri-stem'), agent: decodeAgent(get('cs(User-Agent)')), protocol: get('cs-protocol') })
  }
  return problems
}

/** CloudFront writes the user agent URL-encoded (spaces as %20); a malformed escape keeps the raw text. */
function decodeAgent(s: string | undefined): string {
  if (!s || s === '-') return '(none)'
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

export interface PlainHttpUse {
  /** UTC days with at least one request in the logs */
  days: Set<string>
  records: number
  /** plain-HTTP requests (cs-protocol http or ws) served by each behaviour the fix changes, by its path pattern */
  byBehaviour: Map<string, { requests: number; methods: Map<string, number> }>
  /** plain-HTTP requests that cannot follow a redirect (any method but GET and HEAD), by method */
  unsafeMethods: Map<string, number>
  agents: Map<string, number>
  /** the user agents of the requests that cannot follow a redirect */
  unsafeAgents: Map<string, number>
  problems: string[]
  /** log files whose bytes the case did not keep */
  unread: string[]
  /** the evidence file ids read */
  files: string[]
}

const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n)

/**
 * The plain-HTTP requests of a distribution's standard logs in [from, to) that the behaviours in
 * `changed` served (matched by path pattern, as CloudFront does); null when no log file of the
 * distribution is in evidence.
 */
export function plainHttpUse(
  files: readonly EvidenceFileSummary[],
  bytes: (id: string) => Buffer | null,
  account: string,
  distribution: string,
  behaviours: readonly ViewerBehaviour[],
  changed: ReadonlySet<string>,
  window: { from: string; to: string } | null
): PlainHttpUse | null {
  const mine = files.filter((f) => f.kind === CLOUDFRONT_LOGS_KIND && f.path.startsWith(`aws/${account}/cloudfront-logs/${distribution}/`))
  if (!mine.length) return null
  const from = window?.from.slice(0, 10) ?? ''
  const to = window ? new Date(Date.parse(window.to) - 1).toISOString().slice(0, 10) : '9999'
  const use: PlainHttpUse = {
    days: new Set(),
    records: 0,
    byBehaviour: new Map(),
    unsafeMethods: new Map(),
    agents: new Map(),
    unsafeAgents: new Map(),
    problems: [],
    unread: [],
    files: []
  }
  const seen = new Set<string>()
  for (const f of mine) {
    if (seen.has(f.sha256)) continue
    seen.add(f.sha256)
    use.files.push(f.id)
    const b = bytes(f.id)
    if (!b) {
      use.unread.push(f.path)
      continue
    }
    let text: string
    try {
      text = (b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b).toString('utf8')
    } catch (e) {
      use.problems.push(`${f.path}: not gzip (${(e as Error).message})`)
      continue
    }
    use.problems.push(
      ...scanCloudFrontLog(text, f.path, (r) => {
        if (r.day < from || r.day > to) return
        use.records++
        use.days.add(r.day)
        if (r.protocol !== 'http' && r.protocol !== 'ws') return
        const b = behaviourFor(behaviours, r.path)
        if (!changed.has(b.path)) return
        const at = use.byBehaviour.get(b.path) ?? { requests: 0, methods: new Map<string, number>() }
        at.requests++
        bump(at.methods, r.method)
        use.byBehaviour.set(b.path, at)
        bump(use.agents, r.agent)
        if (r.method !== 'GET' && r.method !== 'HEAD') {
          bump(use.unsafeMethods, r.method)
          bump(use.unsafeAgents, r.agent)
        }
      })
    )
  }
  return use
}

/** "curl/8.4.0 (120), okhttp/4.12.0 (30)" — the most frequent first, at most `n`. */
export function topOf(m: ReadonlyMap<string, number>, n = 5): string {
  const sorted = [...m].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
  return `${sorted
    .slice(0, n)
    .map(([k, v]) => `${k} (${v})`)
    .join(', ')}${sorted.length > n ? ` and ${sorted.length - n} more` : ''}`
}

/**
 * Why the standard logs cannot show every plain-HTTP request of the window, or [] when they can:
 * days with no request logged (logging off then, files not collected — or no traffic that day:
 * CloudFront writes no file for an hour without requests, so a silent day proves nothing), log
 * files kept as a hash only, unreadable lines.
 */
export function logGaps(use: PlainHttpUse, w: { from: string; to: string }): string[] {
  const gaps: string[] = []
  const missing = daysOf(w).filter((d) => !use.days.has(d))
  if (missing.length) gaps.push(`the standard logs hold no request on ${missing.length} day${missing.length === 1 ? '' : 's'} of the window (from ${missing[0]})`)
  if (use.unread.length) gaps.push(`${use.unread.length} log file${use.unread.length === 1 ? '' : 's'} kept as a hash only (${use.unread[0]})`)
  if (use.problems.length) gaps.push(`${use.problems.length} unreadable log line${use.problems.length === 1 ? '' : 's'} (${use.problems[0]})`)
  return gaps
}

export const plainHttpRequests = (use: PlainHttpUse): number => [...use.byBehaviour.values()].reduce((n, b) => n + b.requests, 0)
