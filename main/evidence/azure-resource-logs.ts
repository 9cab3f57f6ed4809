// Azure resource logs that name who called a data service and from where, as a diagnostic setting
// delivers them to a storage account (`{"records":[…]}` PT1H.json blobs, or JSON lines):
//   - SQL auditing, category SQLSecurityAuditEvents (container insights-logs-sqlsecurityauditevents;
//     Microsoft's "SQL Database audit log format"): properties.client_ip, server_principal_name,
//     application_name, succeeded ("true"/"false"), event_time; resourceId is the database's
//     (…/servers/<s>/databases/<d>), counted for its server. The Log Analytics export's column names
//     (client_ip_s, server_principal_name_s, application_name_s, succeeded_s) are read too.
//   - Key Vault logging, category AuditEvent (container insights-logs-auditevent; "Azure Key Vault
//     logging"): callerIpAddress, identity.claim (upn, appid, oid), resultType / resultSignature /
//     properties.httpStatusCode, and properties.trustedService when a trusted Azure service called
//     through the firewall's bypass.
// Each becomes one `azure.callers` facet per server or vault (by client address: private or not,
// principals, applications, successes and failures) and coverage of its source for that resource.
// A failed login or a request the firewall refused is not use: it is counted apart, never as a client.
import { isPrivateAddress, parseIpv4, parseIpv6 } from '../semantics/cidr'
import type { EvidenceLimits } from '../semantics/limits'
import { hourOf, parseTime } from '../semantics/time'
import { DraftBucket } from './drafts'
import { isObject, readJsonEventFile, type JsonFileOutcome } from './json-events'
import type { AzureCallersFacet } from '../semantics/facets'

export type AzureCallerSource = 'azure.sql-audit-logs' | 'azure.keyvault-logs'

interface Caller {
  address: string
  private: boolean
  principals: Set<string>
  applications: Set<string>
  trustedService: string | null
  succeeded: number
  failed: number
  first: number | null
  last: number | null
}

export interface CallerStream {
  resource: string
  records: number
  first: number | null
  last: number | null
  hours: Set<number>
  files: Set<string>
  callers: Map<string, Caller>
  noAddress: number
  overflow: number
}

export interface AzureCallerScan {
  source: AzureCallerSource
  resources: Map<string, CallerStream>
  files: JsonFileOutcome[]
  drafts: DraftBucket
}

/** Addresses kept per resource; principals and applications kept per address. */
const MAX_CALLERS = 200
const MAX_NAMES = 20

export function emptyCallerScan(source: AzureCallerSource, limits: EvidenceLimits): AzureCallerScan {
  return { source, resources: new Map(), files: [], drafts: new DraftBucket(limits.maxEventsPerResource) }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

/** "203.0.113.7:50211" → "203.0.113.7"; an address that is not one (SQL's "local machine"): null. */
function address(v: string | null): string | null {
  if (!v) return null
  const t = v.trim().replace(/^\[([^\]]+)\](?::\d+)?$/, '$1')
  const four = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(t)
  if (four && parseIpv4(four[1]) !== null) return four[1]
  return parseIpv6(t) !== null ? t : null
}

/** The server or vault a record is of: …/servers/<s>/databases/<d> → …/servers/<s>. */
function resourceOf(id: string, source: AzureCallerSource): string | null {
  const m =
    source === 'azure.sql-audit-logs'
      ? /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.sql\/servers\/[^/]+)(\/.*)?$/.exec(id.trim().toLowerCase())
      : /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.keyvault\/vaults\/[^/]+)(\/.*)?$/.exec(id.trim().toLowerCase())
  return m ? m[1] : null
}

interface Call {
  time: number
  client: string | null
  principal: string | null
  application: string | null
  ok: boolean
  operation: string
  trustedService: string | null
}

function sqlCall(raw: Record<string, unknown>, p: Record<string, unknown>): Call | string {
  const get = (k: string): unknown => p[k] ?? raw[`${k}_s`] ?? raw[k]
  const t = parseTime(str(get('event_time')) ?? str(raw.event_time_t) ?? str(raw.time) ?? '')
  if (!Number.isFinite(t)) return 'no event_time or time'
  const s = get('succeeded')
  const ok = s === true || s === 'true' || s === 'True' || s === 1 || s === '1'
  return {
    time: t,
    client: address(str(get('client_ip'))),
    principal: str(get('server_principal_name')),
    application: str(get('application_name')),
    ok,
    operation: str(get('action_name')) ?? str(get('action_id')) ?? 'audit event',
    trustedService: null
  }
}

function vaultCall(raw: Record<string, unknown>, p: Record<string, unknown>): Call | string {
  const t = parseTime(str(raw.time) ?? '')
  if (!Number.isFinite(t)) return 'no time'
  const claims = isObject(raw.identity) && isObject(raw.identity.claim) ? raw.identity.claim : {}
  const principal =
    str(claims['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn']) ??
    str(claims.upn) ??
    (str(claims.appid) ? `app ${str(claims.appid)}` : null) ??
    str(claims['http://schemas.microsoft.com/identity/claims/objectidentifier']) ??
    str(claims.oid)
  const status = Number(p.httpStatusCode ?? raw.resultSignature ?? NaN)
  const result = str(raw.resultType)
  const ok = result !== null ? /^success/i.test(result) && !(status >= 400) : status > 0 && status < 400
  return {
    time: t,
    client: address(str(raw.callerIpAddress)),
    principal,
    application: str(p.clientInfo),
    ok,
    operation: str(raw.operationName) ?? 'request',
    trustedService: str(p.trustedService)
  }
}

export async function readCallerLogFile(scan: AzureCallerScan, abs: string, file: string, limits: EvidenceLimits): Promise<void> {
  const sql = scan.source === 'azure.sql-audit-logs'
  await readJsonEventFile(abs, file, limits, scan.files, 'record(s)', (raw, place, out, onBad) => {
    const rid = str(raw.resourceId) ?? str(raw.ResourceId) ?? str(raw._ResourceId)
    const resource = rid ? resourceOf(rid, scan.source) : null
    if (!resource)
      return onBad(
        place,
        `not a ${sql ? 'SQL audit' : 'Key Vault AuditEvent'} record (${rid ? `${rid} is not a ${sql ? 'SQL server or database' : 'key vault'}` : 'no resourceId'})`
      )
    const props = isObject(raw.properties) ? raw.properties : {}
    const c = sql ? sqlCall(raw, props) : vaultCall(raw, props)
    if (typeof c === 'string') return onBad(place, c)
    out.records++
    out.first = out.first === null ? c.time : Math.min(out.first, c.time)
    out.last = out.last === null ? c.time : Math.max(out.last, c.time)
    let s = scan.resources.get(resource)
    if (!s) scan.resources.set(resource, (s = { resource, records: 0, first: null, last: null, hours: new Set(), files: new Set(), callers: new Map(), noAddress: 0, overflow: 0 }))
    s.records++
    s.first = s.first === null ? c.time : Math.min(s.first, c.time)
    s.last = s.last === null ? c.time : Math.max(s.last, c.time)
    s.hours.add(hourOf(c.time))
    s.files.add(file)
    if (!c.client) {
      s.noAddress++
      return
    }
    let k = s.callers.get(c.client)
    if (!k) {
      if (s.callers.size >= MAX_CALLERS) {
        s.overflow++
        return
      }
      s.callers.set(
        c.client,
        (k = {
          address: c.client,
          private: isPrivateAddress(c.client),
          principals: new Set(),
          applications: new Set(),
          trustedService: null,
          succeeded: 0,
          failed: 0,
          first: null,
          last: null
        })
      )
    }
    if (!c.ok) {
      k.failed++
      return
    }
    const first = k.succeeded === 0
    k.succeeded++
    k.first = k.first === null ? c.time : Math.min(k.first, c.time)
    k.last = k.last === null ? c.time : Math.max(k.last, c.time)
    if (c.principal && k.principals.size < MAX_NAMES) k.principals.add(c.principal)
    if (c.application && k.applications.size < MAX_NAMES) k.applications.add(c.application)
    if (c.trustedService) k.trustedService = c.trustedService
    if (first)
      scan.drafts.add({
        time: c.time,
        source: scan.source,
        actor: c.principal ?? c.client,
        action: c.operation,
        resource,
        summary: `${c.principal ?? 'a client'} from ${c.client}${c.application ? ` (${c.application})` : ''}: ${c.operation}${c.trustedService ? `, as trusted service ${c.trustedService}` : ''}`,
        file,
        place,
        raw: JSON.stringify(raw)
      })
  })
}

/** A resource's callers as the `azure.callers` facet keeps them (most requests first). */
export function callersFacet(s: CallerStream): AzureCallersFacet {
  return {
    callers: [...s.callers.values()]
      .sort((a, b) => b.succeeded - a.succeeded || (a.address < b.address ? -1 : 1))
      .map((k) => ({
        address: k.address,
        private: k.private,
        principals: [...k.principals].sort(),
        applications: [...k.applications].sort(),
        trustedService: k.trustedService,
        succeeded: k.succeeded,
        failed: k.failed,
        first: k.first,
        last: k.last
      })),
    noAddress: s.noAddress,
    overflow: s.overflow
  }
}
