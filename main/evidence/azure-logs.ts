// Azure evidence that arrives as logs (FORMATS.md B5): the Activity Log in its two shapes (REST
// `value` items and diagnostic-setting records) and storage resource logs (StorageRead/Write/Delete).
import { type Activity, countRequest, emptyActivity } from '../semantics/activity'
import { DraftBucket } from './drafts'
import { isObject, readJsonEventFile, type JsonFileOutcome } from './json-events'
import type { EvidenceLimits } from '../semantics/limits'
import { dayOf, hourOf, parseTime } from '../semantics/time'

export interface ActivityEvent {
  time: number
  resourceId: string
  operation: string
  status: string
  caller: string
  callerIp: string | null
  category: string
  correlationId: string | null
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const inner = (v: unknown): string | null => (isObject(v) ? str(v.value) : str(v))

/** Azure resource ids are case-insensitive; the canonical form (DESIGN.md) is lower-case. */
function azureId(id: string): string {
  return id.trim().toLowerCase().replace(/\/+$/, '')
}

/** The top-level resource of a child resource id (…/storageAccounts/x/blobServices/default → …/storageAccounts/x). */
function azureTopResource(id: string): string {
  const parts = azureId(id).split('/')
  const p = parts.indexOf('providers')
  if (p < 0 || parts.length < p + 4) return parts.join('/')
  return parts.slice(0, p + 4).join('/')
}

function subscriptionOf(id: string): string | null {
  const m = /^\/subscriptions\/([^/]+)/i.exec(id)
  return m ? m[1].toLowerCase() : null
}

/** The caller of a diagnostic-setting record: it is in identity.claims, not a top-level caller. */
function callerFromClaims(identity: unknown): string | null {
  if (!isObject(identity) || !isObject(identity.claims)) return null
  const c = identity.claims
  return (
    str(c['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn']) ??
    str(c.upn) ??
    str(c.name) ??
    str(c['http://schemas.microsoft.com/identity/claims/objectidentifier']) ??
    str(c.appid) ??
    null
  )
}

/** One Activity Log event in either shape, or a reason it is not one. */
export function normaliseActivityEvent(e: Record<string, unknown>): ActivityEvent | string {
  const isRest = 'eventTimestamp' in e
  const timeS = str(isRest ? e.eventTimestamp : e.time)
  const resourceId = str(e.resourceId)
  if (!timeS) return 'no event time (eventTimestamp or time)'
  if (!resourceId) return 'no resourceId'
  const time = parseTime(timeS)
  if (!Number.isFinite(time)) return `"${timeS}" is not a time`
  const operation = inner(e.operationName) ?? ''
  const status = (isRest ? inner(e.status) : str(e.resultType)) ?? ''
  const caller = str(e.caller) ?? callerFromClaims(e.identity) ?? 'unknown'
  const callerIp = (isObject(e.httpRequest) ? str(e.httpRequest.clientIpAddress) : null) ?? str(e.callerIpAddress)
  return {
    time,
    resourceId: azureId(resourceId),
    operation,
    status,
    caller,
    callerIp,
    category: inner(e.category) ?? '',
    correlationId: str(e.correlationId)
  }
}

function isAzureWrite(operation: string): boolean {
  return /\/(write|delete|action)$/i.test(operation)
}

interface SubscriptionStream {
  subscription: string
  records: number
  first: number | null
  last: number | null
  hours: Set<number>
  files: Set<string>
}

interface AzureResourceActivity {
  resourceId: string
  writes: number
  lastWrite: number | null
  earliestWrite: { time: number; caller: string; operation: string; file: string; place: string } | null
  callers: Set<string>
}

export interface AzureActivityScan {
  streams: Map<string, SubscriptionStream>
  resources: Map<string, AzureResourceActivity>
  files: JsonFileOutcome[]
  drafts: DraftBucket
}

export function emptyAzureActivityScan(limits: EvidenceLimits): AzureActivityScan {
  return { streams: new Map(), resources: new Map(), files: [], drafts: new DraftBucket(limits.maxEventsPerResource) }
}

const SUCCEEDED = /^(succeeded|success)$/i
const STARTED = /^(started|start)$/i

export async function readActivityLogFile(scan: AzureActivityScan, abs: string, file: string, limits: EvidenceLimits, subscriptionFromPath: string): Promise<void> {
  await readJsonEventFile(abs, file, limits, scan.files, 'event(s)', (raw, place, out, onBad) => {
    const e = normaliseActivityEvent(raw)
    if (typeof e === 'string') return onBad(place, e)
    out.records++
    if (out.first === null || e.time < out.first) out.first = e.time
    if (out.last === null || e.time > out.last) out.last = e.time
    const sub = subscriptionOf(e.resourceId) ?? subscriptionFromPath.toLowerCase()
    let s = scan.streams.get(sub)
    if (!s) scan.streams.set(sub, (s = { subscription: sub, records: 0, first: null, last: null, hours: new Set(), files: new Set() }))
    s.records++
    s.first = s.first === null ? e.time : Math.min(s.first, e.time)
    s.last = s.last === null ? e.time : Math.max(s.last, e.time)
    s.hours.add(hourOf(e.time))
    s.files.add(file)
    // The REST shape logs Started and then Succeeded/Failed for one operation: keep the outcome.
    if (STARTED.test(e.status) || !isAzureWrite(e.operation)) return
    const top = azureTopResource(e.resourceId)
    let r = scan.resources.get(top)
    if (!r) scan.resources.set(top, (r = { resourceId: top, writes: 0, lastWrite: null, earliestWrite: null, callers: new Set() }))
    r.writes++
    r.lastWrite = r.lastWrite === null ? e.time : Math.max(r.lastWrite, e.time)
    if (r.callers.size < limits.maxPrincipals) r.callers.add(e.caller)
    if (SUCCEEDED.test(e.status) && /\/write$/i.test(e.operation) && (r.earliestWrite === null || e.time < r.earliestWrite.time)) {
      r.earliestWrite = { time: e.time, caller: e.caller, operation: e.operation, file, place }
    }
    scan.drafts.add({
      time: e.time,
      source: 'azure.activity-log',
      actor: e.caller,
      action: e.operation,
      resource: top,
      summary: `${e.operation} ${e.status || ''}${e.resourceId !== top ? ` on ${e.resourceId.slice(top.length + 1)}` : ''}${e.callerIp ? ` from ${e.callerIp}` : ''}`
        .replace(/\s+/g, ' ')
        .trim(),
      file,
      place,
      raw: JSON.stringify(raw)
    })
  })
}

interface StorageDay {
  requests: number
  reads: number
  writes: number
  http: number
  oldTls: number
  anonymous: number
}

interface StorageAccess {
  account: string
  activity: Activity
  http: number
  httpLast: number | null
  oldTls: number
  oldTlsLast: number | null
  anonymous: number
  /** blob-service requests (serviceType blob): anonymous reads are logged only where the blob service's diagnostic setting is on */
  blobRequests: number
  /** anonymous blob requests that succeeded (status < 400), by container: what public blob access serves */
  anonymousOk: number
  anonymousOkLast: number | null
  anonymousContainers: Record<string, number>
  /** up to ANONYMOUS_READERS of "container/object from address" */
  anonymousReaders: string[]
  tlsVersions: Record<string, number>
  protocols: Record<string, number>
  byDay: Map<number, StorageDay>
  hours: Set<number>
  files: Set<string>
}

export interface StorageLogScan {
  accounts: Map<string, StorageAccess>
  files: JsonFileOutcome[]
  drafts: DraftBucket
}

export function emptyStorageLogScan(limits: EvidenceLimits): StorageLogScan {
  return { accounts: new Map(), files: [], drafts: new DraftBucket(limits.maxEventsPerResource) }
}

const OLD_TLS = new Set(['TLS 1.0', 'TLS 1.1', 'TLS1_0', 'TLS1_1', 'TLSv1', 'TLSv1.1'])

/** How many "container/object from address" samples of anonymous reads a scan keeps per account. */
export const ANONYMOUS_READERS = 50

/**
 * The container and object a blob request names: properties.objectKey is "/account/container/blob"
 * (the uri's path without the account). Requests to the static website endpoint
 * (<account>.<zone>.web.core.windows.net) are anonymous by design and do not depend on the account's
 * allowBlobPublicAccess: `website` says so.
 */
export function blobTarget(raw: Record<string, unknown>, props: Record<string, unknown>): { container: string | null; object: string | null; website: boolean } {
  const uri = str(raw.uri)
  let host = ''
  let path: string[] = []
  if (uri) {
    try {
      const u = new URL(uri)
      host = u.hostname.toLowerCase()
      path = u.pathname
        .split('/')
        .filter(Boolean)
        .map((p) => decodeURIComponentSafe(p))
    } catch {
      // not a URL: fall back on objectKey
    }
  }
  const website = /\.web\.core\.windows\.net$/.test(host)
  const key = str(props.objectKey)
  const parts = key ? key.split('/').filter(Boolean).slice(1) : path
  return { container: parts[0] ?? null, object: parts.length > 1 ? parts.slice(1).join('/') : null, website }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** "203.0.113.7:50211" → "203.0.113.7"; "[2001:db8::1]:443" → "2001:db8::1". */
export function callerAddress(v: string | null): string | null {
  if (!v) return null
  const m6 = /^\[([^\]]+)\](?::\d+)?$/.exec(v)
  if (m6) return m6[1]
  const m4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(v)
  return m4 ? m4[1] : v
}

function storageAccountOf(resourceId: string): string {
  const id = azureId(resourceId)
  const m = /^(.*\/providers\/microsoft\.storage\/storageaccounts\/[^/]+)/.exec(id)
  return m ? m[1] : azureTopResource(id)
}

export async function readStorageLogFile(scan: StorageLogScan, abs: string, file: string, limits: EvidenceLimits): Promise<void> {
  await readJsonEventFile(abs, file, limits, scan.files, 'record(s)', (raw, place, out, onBad) => {
    const timeS = str(raw.time)
    const rid = str(raw.resourceId)
    if (!timeS || !rid) return onBad(place, 'not a storage log record (no time or resourceId)')
    const time = parseTime(timeS)
    if (!Number.isFinite(time)) return onBad(place, `"${timeS}" is not a time`)
    out.records++
    if (out.first === null || time < out.first) out.first = time
    if (out.last === null || time > out.last) out.last = time
    const account = storageAccountOf(rid)
    let a = scan.accounts.get(account)
    if (!a) {
      a = {
        account,
        activity: emptyActivity(),
        http: 0,
        httpLast: null,
        oldTls: 0,
        oldTlsLast: null,
        anonymous: 0,
        blobRequests: 0,
        anonymousOk: 0,
        anonymousOkLast: null,
        anonymousContainers: {},
        anonymousReaders: [],
        tlsVersions: {},
        protocols: {},
        byDay: new Map(),
        hours: new Set(),
        files: new Set()
      }
      scan.accounts.set(account, a)
    }
    a.files.add(file)
    a.hours.add(hourOf(time))
    const category = str(raw.category) ?? ''
    const read = category === 'StorageRead' ? true : category === 'StorageWrite' || category === 'StorageDelete' ? false : null
    const identity = isObject(raw.identity) ? raw.identity : {}
    const idType = str(identity.type) ?? 'unknown'
    const requester = isObject(identity.requester) ? identity.requester : {}
    const who = str(requester.upn) ?? str(requester.objectId) ?? str(requester.appId)
    const principal = idType === 'Anonymous' ? 'anonymous' : who ? `${idType}:${who}` : idType
    const status = Number(raw.statusCode ?? 0)
    countRequest(a.activity, time, read, status >= 400, principal, limits.maxPrincipals)
    const props = isObject(raw.properties) ? raw.properties : {}
    const protocol = str(raw.protocol) ?? str(props.protocol) ?? 'unknown'
    const tls = str(props.tlsVersion) ?? str(raw.tlsVersion)
    a.protocols[protocol] = (a.protocols[protocol] ?? 0) + 1
    if (tls) a.tlsVersions[tls] = (a.tlsVersions[tls] ?? 0) + 1
    const day = dayOf(time)
    let dc = a.byDay.get(day)
    if (!dc) a.byDay.set(day, (dc = { requests: 0, reads: 0, writes: 0, http: 0, oldTls: 0, anonymous: 0 }))
    dc.requests++
    if (read === true) dc.reads++
    else if (read === false) dc.writes++
    const http = protocol.toUpperCase() === 'HTTP'
    const old = tls !== null && OLD_TLS.has(tls)
    if (http) {
      a.http++
      dc.http++
      a.httpLast = a.httpLast === null ? time : Math.max(a.httpLast, time)
    }
    if (old) {
      a.oldTls++
      dc.oldTls++
      a.oldTlsLast = a.oldTlsLast === null ? time : Math.max(a.oldTlsLast, time)
    }
    if (principal === 'anonymous') {
      a.anonymous++
      dc.anonymous++
    }
    const blob = (str(props.serviceType) ?? '').toLowerCase() === 'blob' || /\/blobservices\//i.test(rid)
    if (blob) a.blobRequests++
    // an anonymous request without a status is counted: that it failed is not shown
    if (blob && principal === 'anonymous' && !(status >= 400)) {
      const t = blobTarget(raw, props)
      if (!t.website) {
        a.anonymousOk++
        a.anonymousOkLast = a.anonymousOkLast === null ? time : Math.max(a.anonymousOkLast, time)
        const c = t.container ?? '(account)'
        a.anonymousContainers[c] = (a.anonymousContainers[c] ?? 0) + 1
        const reader = `${c}${t.object ? `/${t.object}` : ''} from ${callerAddress(str(raw.callerIpAddress)) ?? 'an unknown address'}`
        if (a.anonymousReaders.length < ANONYMOUS_READERS && !a.anonymousReaders.includes(reader)) a.anonymousReaders.push(reader)
      }
    }
    if (http || old || principal === 'anonymous') {
      const what = [http ? 'plain HTTP' : '', old ? tls : '', principal === 'anonymous' ? 'anonymous' : ''].filter(Boolean).join(', ')
      scan.drafts.add({
        time,
        source: 'azure.storage-logs',
        actor: principal,
        action: str(raw.operationName) ?? category,
        resource: account,
        summary: `${str(raw.operationName) ?? category} from ${str(raw.callerIpAddress) ?? '?'}: ${what} (status ${raw.statusCode ?? '?'})`,
        file,
        place,
        raw: JSON.stringify(raw)
      })
    }
  })
}
