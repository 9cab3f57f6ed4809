// The audit log of an OpenSearch Service domain (docs/evidence-bundle.md, `opensearch-audit/<domain>/`):
// the one record of who called the domain's HTTP API. CloudTrail records only the configuration API
// (es:UpdateDomainConfig…), never a search or an index call, so who uses a domain is read here or not
// at all. OpenSearch Service publishes audit logs to CloudWatch Logs only for a domain with
// fine-grained access control, and by default leaves the REST categories AUTHENTICATED and
// GRANTED_PRIVILEGES out ("Audit log layers and categories", OpenSearch Service Developer Guide):
// a log holding none of them does not record the requests that got in.
//
// Each line is one audit document (the CloudWatch Logs message: `@timestamp`, `audit_category`,
// `audit_request_layer`, `audit_request_remote_address`, `audit_request_effective_user`,
// `audit_rest_request_method`, `audit_rest_request_path`), or a CloudWatch Logs event carrying one
// as its `message` (`aws logs filter-log-events` events, one a line); a whole file may also be that
// command's output, `{"events":[…]}`.
import type { EvidenceFileSummary } from '../../shared/evidence'
import { conditionHolds, type PolicyStatement } from './iam-policy'
import { globMatch } from './policy-glob'
import { daysOf } from './kubernetes-api'

/** One REST request the audit log recorded. */
export interface AuditRequest {
  /** epoch ms */
  time: number
  day: string
  category: string
  address: string | null
  /** the user fine-grained access control resolved: an IAM ARN (a signed request) or an internal user name */
  user: string | null
  method: string | null
  path: string | null
}

export interface DomainAudit {
  /** REST requests of the window (every category) */
  requests: AuditRequest[]
  /** the UTC days with at least one event */
  days: Set<string>
  /** unreadable lines, `<file>:<line>: why` */
  problems: string[]
  /** files kept as a hash only (their days are not covered) */
  unread: string[]
  /** evidence file ids read */
  files: string[]
}

/** The categories of a request that got through fine-grained access control: it used the domain. */
const ADMITTED = new Set(['AUTHENTICATED', 'GRANTED_PRIVILEGES'])

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null
}

function readDocument(doc: Record<string, unknown>, where: string, out: DomainAudit, from: number): void {
  // a CloudWatch Logs event: the audit document is its message
  if (typeof doc.message === 'string') {
    let inner: unknown
    try {
      inner = JSON.parse(doc.message)
    } catch {
      out.problems.push(`${where}: the event's message is not an audit document (JSON)`)
      return
    }
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) {
      out.problems.push(`${where}: the event's message is not an audit document (JSON object)`)
      return
    }
    readDocument(inner as Record<string, unknown>, where, out, from)
    return
  }
  const ts = str(doc['@timestamp'])
  const time = ts ? Date.parse(ts) : NaN
  const category = str(doc.audit_category)
  if (Number.isNaN(time) || !category) {
    out.problems.push(`${where}: not an audit document (no @timestamp or audit_category)`)
    return
  }
  const day = new Date(time).toISOString().slice(0, 10)
  out.days.add(day)
  if (time < from) return
  const layer = str(doc.audit_request_layer) ?? str(doc.audit_request_origin)
  if (layer !== 'REST') return
  out.requests.push({
    time,
    day,
    category,
    address: str(doc.audit_request_remote_address),
    user: str(doc.audit_request_effective_user) ?? str(doc.audit_request_initiating_user),
    method: str(doc.audit_rest_request_method),
    path: str(doc.audit_rest_request_path)
  })
}

/** Reads one file's text into `out`. */
export function scanDomainAudit(text: string, file: string, out: DomainAudit, from = -Infinity): void {
  const trimmed = text.trimStart()
  if (trimmed.startsWith('{') && /^\{\s*"events"\s*:/.test(trimmed)) {
    try {
      const doc = JSON.parse(text) as { events?: unknown }
      if (Array.isArray(doc.events)) {
        doc.events.forEach((e, i) =>
          e && typeof e === 'object' && !Array.isArray(e)
            ? readDocument(e as Record<string, unknown>, `${file}:/events/${i}`, out, from)
            : out.problems.push(`${file}:/events/${i}: not an object`)
        )
        return
      }
    } catch {
      // not one document: read it as lines
    }
  }
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    let doc: unknown
    try {
      doc = JSON.parse(line)
    } catch {
      out.problems.push(`${file}:${i + 1}: not JSON`)
      return
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) out.problems.push(`${file}:${i + 1}: not a JSON object`)
    else readDocument(doc as Record<string, unknown>, `${file}:${i + 1}`, out, from)
  })
}

/** The audit files of one domain in one account (each file once, whatever bundle added it); null when there is none. */
export function readDomainAudit(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, account: string, domain: string, from: number): DomainAudit | null {
  const prefix = `aws/${account}/opensearch-audit/${domain}/`
  const mine = files.filter((f) => f.kind === 'aws.opensearch-audit' && f.path.startsWith(prefix))
  if (!mine.length) return null
  const out: DomainAudit = { requests: [], days: new Set(), problems: [], unread: [], files: [] }
  const seen = new Set<string>()
  for (const f of mine) {
    if (seen.has(f.sha256)) continue
    seen.add(f.sha256)
    out.files.push(f.id)
    const b = bytes(f.id)
    if (!b) out.unread.push(f.path)
    else scanDomainAudit(b.toString('utf8'), f.path, out, from)
  }
  return out
}

/** Whether the log records requests that got in: an AUTHENTICATED or GRANTED_PRIVILEGES event is in it. */
export function recordsAdmitted(a: DomainAudit): boolean {
  return a.requests.some((r) => ADMITTED.has(r.category))
}

/** Who called the domain and got in, by address and user. */
export interface DomainCaller {
  address: string | null
  user: string | null
  /** the user is an IAM principal (the request was signed with SigV4) */
  signed: boolean
  requests: number
  last: number
  /** the IAM actions the requests were authorized as (es:ESHttpGet…) */
  actions: string[]
  /** up to three of its request paths, for people */
  paths: string[]
  /** every distinct (action, path) it used: what the statements left must still allow */
  uses: Array<{ action: string; path: string }>
}

export const IAM_ARN = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):/

/** The admitted requests grouped by caller (address and user). */
export function admittedCallers(a: DomainAudit): DomainCaller[] {
  const m = new Map<string, DomainCaller>()
  const seen = new Set<string>()
  for (const r of a.requests) {
    if (!ADMITTED.has(r.category)) continue
    const key = `${r.address ?? ''}\u0000${r.user ?? ''}`
    let c = m.get(key)
    if (!c) m.set(key, (c = { address: r.address, user: r.user, signed: r.user !== null && IAM_ARN.test(r.user), requests: 0, last: 0, actions: [], paths: [], uses: [] }))
    c.requests++
    c.last = Math.max(c.last, r.time)
    const action = httpAction(r.method)
    if (!c.actions.includes(action)) c.actions.push(action)
    if (r.path && c.paths.length < 3 && !c.paths.includes(r.path)) c.paths.push(r.path)
    const use = `${action} ${r.path ?? '/'}`
    if (!seen.has(`${key}\u0000${use}`)) {
      seen.add(`${key}\u0000${use}`)
      c.uses.push({ action, path: r.path ?? '/' })
    }
  }
  return [...m.values()].sort((x, y) => y.requests - x.requests || String(x.address).localeCompare(String(y.address)))
}

/** The IAM action an HTTP method is authorized as on a domain (es:ESHttpGet, es:ESHttpPost…). */
export function httpAction(method: string | null): string {
  const m = (method ?? 'GET').toUpperCase()
  return `es:ESHttp${m.charAt(0)}${m.slice(1).toLowerCase()}`
}

/**
 * Would the statements a fix leaves still admit an unsigned request (an internal user's basic
 * authentication, Dashboards, anonymous) from `address`? Such a request is anonymous to the access
 * policy: only an Allow statement for everyone admits it, and only the conditions the audit log can
 * answer, aws:SourceIp, can be checked. `unknown` when a statement that could admit it has any other
 * condition.
 */
export function unsignedAfterFix(
  remaining: readonly PolicyStatement[],
  address: string | null,
  action: string,
  resource: string
): { answer: 'kept' | 'unknown' | 'cut'; statement: PolicyStatement | null } {
  let unsure: PolicyStatement | null = null
  for (const s of remaining) {
    if (s.effect !== 'Allow' || s.principal === null) continue
    const everyone = s.principal === '*' || Object.values(s.principal).some((l) => l.includes('*'))
    if (!everyone) continue
    const act = s.action ? s.action.some((a) => globMatch(a, action, true)) : !s.notAction!.some((a) => globMatch(a, action, true))
    const res = s.resource ? s.resource.some((r) => globMatch(r, resource)) : s.notResource ? !s.notResource.some((r) => globMatch(r, resource)) : true
    if (!act || !res) continue
    if (s.conditions.some((c) => c.keyLower !== 'aws:sourceip') || (s.conditions.length && !address)) {
      unsure ??= s
      continue
    }
    if (s.conditions.every((c) => conditionHolds(c, { action, resource, context: { 'aws:SourceIp': address! } }))) return { answer: 'kept', statement: s }
  }
  return unsure ? { answer: 'unknown', statement: unsure } : { answer: 'cut', statement: null }
}

/** What the domain's inventory says about its audit log (the resource-policy facet's detail). */
export interface AuditSettings {
  fgac?: unknown
  auditLogs?: unknown
  auditLogGroup?: unknown
}

/**
 * Why the audit log cannot show every request of the window, or [] when it can: no fine-grained
 * access control (no audit log at all), publishing off, no file, days without an event, files kept
 * as a hash only, unreadable lines, and a log that leaves out the requests that got in.
 */
export function domainAuditGaps(name: string, path: string, d: AuditSettings, a: DomainAudit | null, window: { from: string; to: string } | null): string[] {
  const gaps: string[] = []
  if (d.fgac === false) gaps.push(`${name} has no fine-grained access control, and OpenSearch Service publishes audit logs only for domains with it: no request to it is recorded`)
  if (d.auditLogs === false) gaps.push(`${name} does not publish its audit log (LogPublishingOptions.AUDIT_LOGS is not enabled)`)
  if (!a) {
    gaps.push(`no audit log of ${name} is in the evidence (${path}: its CloudWatch Logs events${typeof d.auditLogGroup === 'string' ? ` from ${d.auditLogGroup}` : ''})`)
    return gaps
  }
  if (!window) gaps.push('the evidence gives no window to judge the audit log against')
  else {
    const missing = daysOf(window).filter((x) => !a.days.has(x))
    if (missing.length) gaps.push(`the audit log holds no event on ${missing.length} day${missing.length === 1 ? '' : 's'} of the window (from ${missing[0]})`)
  }
  if (a.unread.length) gaps.push(`${a.unread.length} audit file${a.unread.length === 1 ? '' : 's'} kept as a hash only (${a.unread[0]})`)
  if (a.problems.length) gaps.push(`${a.problems.length} unreadable audit line${a.problems.length === 1 ? '' : 's'} (${a.problems[0]})`)
  if (!recordsAdmitted(a))
    gaps.push(
      'the audit log holds no AUTHENTICATED or GRANTED_PRIVILEGES event: the requests that got in are not recorded (OpenSearch Service leaves both REST categories out by default; enable them in the audit configuration)'
    )
  return gaps
}
