// What a GuardDuty finding says about itself, read from the alert's own record as the tool exported
// it (ASFF, through Security Hub): whether GuardDuty still reports it (archived, count, first and
// last seen, updatedAt), what it saw (the action: a network connection, a port probe, a DNS request,
// an API call; its direction, protocol and ports) and with whom (the remote addresses and domain,
// their organisation and country), and which role the resource played (ACTOR or TARGET).
//
// Security Hub flattens GuardDuty's `service` object into ProductFields keys
// (`aws/guardduty/service/action/networkConnectionAction/remoteIpDetails/ipAddressV4`, arrays as
// `portProbeDetails.0_/…`); newer ASFF also carries an `Action` object. Both are read;
// what neither gives stays null (never a guess).

export interface GuardDutyReport {
  /** the alert it was read from */
  alert: string
  /** the finding type, e.g. Recon:EC2/Portscan (ASFF Types' last part, with its tactic) */
  type: string | null
  title: string | null
  /** GuardDuty's own archived flag (service.archived); null when the record does not say */
  archived: boolean | null
  /** how many times GuardDuty saw the activity (service.count) */
  count: number | null
  firstSeen: string | null
  lastSeen: string | null
  updatedAt: string | null
  recordState: string | null
  workflow: string | null
  /** ACTOR: the resource did it; TARGET: it was done to the resource */
  role: string | null
  /** NETWORK_CONNECTION, PORT_PROBE, DNS_REQUEST, AWS_API_CALL, KUBERNETES_API_CALL… */
  action: string | null
  direction: string | null
  protocol: string | null
  remoteIps: string[]
  remotePorts: number[]
  localPorts: number[]
  /** sample of the ports a scan tried (additionalInfo.portsScannedSample) */
  scannedPorts: number[]
  domain: string | null
  /** "Rostelecom, Russia" */
  remoteWhere: string | null
  /** AWS_API_CALL: the API, its service, and what GuardDuty found anomalous */
  api: string | null
  apiService: string | null
  anomalousApis: string | null
  /** AwsIamAccessKey details: the principal behind the key */
  principalType: string | null
  principalName: string | null
  accessKeyId: string | null
}

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null)
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null)
const num = (v: unknown): number | null => {
  const s = str(v)
  return s !== null && /^-?\d+$/.test(s) ? Number(s) : null
}

const PF = 'aws/guardduty/service/'

/** The finding type from ASFF's type path: TTPs/Discovery/Recon:EC2-Portscan is Recon:EC2-Portscan; TTPs/Discovery/IAMUser-AnomalousBehavior is Discovery:IAMUser-AnomalousBehavior. */
function typeOf(path: string | undefined): string | null {
  const parts = (path ?? '').split('/').filter(Boolean)
  const last = parts[parts.length - 1]
  if (!last) return null
  return last.includes(':') || parts.length < 3 ? last : `${parts[parts.length - 2].replace(/\s+/g, '')}:${last}`
}

/** The GuardDuty report in one alert's record, or null when the record is not a GuardDuty finding in ASFF. */
export function guardDutyReport(alert: string, raw: string): GuardDutyReport | null {
  let f: Obj | null
  try {
    f = obj(JSON.parse(raw))
  } catch {
    return null
  }
  if (!f) return null
  const pf = obj(f.ProductFields) ?? {}
  const keys = Object.keys(pf)
  const isGd = /\/product\/aws\/guardduty$/.test(str(f.ProductArn) ?? '') || keys.some((k) => k.startsWith(PF))
  if (!isGd) return null
  const get = (k: string): string | null => str(pf[PF + k])
  /** every value of keys ending in `tail` (arrays are flattened as `name.N_/…`) */
  const all = (tail: RegExp): string[] => keys.filter((k) => k.startsWith(PF) && tail.test(k)).map((k) => str(pf[k]) ?? '')
  const action = obj(f.Action)
  const conn = obj(action?.NetworkConnectionAction)
  const resource = obj((Array.isArray(f.Resources) ? f.Resources : [])[0])
  const keyDetails = obj(obj(resource?.Details)?.AwsIamAccessKey)
  const remoteIps = [...all(/remoteIpDetails\/ipAddressV[46]$/), str(obj(conn?.RemoteIpDetails)?.IpAddressV4)].filter((x): x is string => !!x)
  const ports = (re: RegExp, extra: unknown): number[] => [...new Set([...all(re).map(num), num(extra)].filter((n): n is number => n !== null))].sort((a, b) => a - b)
  const info = (() => {
    try {
      return obj(JSON.parse(get('additionalInfo/value') ?? 'null'))
    } catch {
      return null
    }
  })()
  const scanned = Array.isArray(info?.portsScannedSample) ? (info.portsScannedSample as unknown[]).map(num).filter((n): n is number => n !== null) : []
  const org = get('action/networkConnectionAction/remoteIpDetails/organization/asnOrg') ?? get('action/awsApiCallAction/remoteIpDetails/organization/asnOrg')
  const country = all(/remoteIpDetails\/country\/countryName$/)[0] || null
  const types = Array.isArray(f.Types) ? f.Types.map((t) => String(t)) : []
  const archived = get('archived')
  const resourceId = str(resource?.Id)
  return {
    alert,
    type: typeOf(types[0]),
    title: str(f.Title),
    archived: archived === 'true' ? true : archived === 'false' ? false : null,
    count: num(get('count')),
    firstSeen: get('eventFirstSeen') ?? str(f.FirstObservedAt),
    lastSeen: get('eventLastSeen') ?? str(f.LastObservedAt),
    updatedAt: str(f.UpdatedAt),
    recordState: str(f.RecordState),
    workflow: str(obj(f.Workflow)?.Status) ?? str(f.WorkflowState),
    role: get('resourceRole'),
    action: get('action/actionType') ?? str(action?.ActionType),
    direction: get('action/networkConnectionAction/connectionDirection') ?? str(conn?.ConnectionDirection),
    protocol: get('action/networkConnectionAction/protocol') ?? str(conn?.Protocol),
    remoteIps: [...new Set(remoteIps)].sort(),
    remotePorts: ports(/remotePortDetails\/port$/, obj(conn?.RemotePortDetails)?.Port),
    localPorts: ports(/localPortDetails\/port$/, obj(conn?.LocalPortDetails)?.Port),
    scannedPorts: [...new Set(scanned)].sort((a, b) => a - b),
    domain: get('action/dnsRequestAction/domain'),
    remoteWhere: [org, country].filter(Boolean).join(', ') || null,
    api: get('action/awsApiCallAction/api'),
    apiService: get('action/awsApiCallAction/serviceName'),
    anomalousApis: get('additionalInfo/anomalies/anomalousAPIs'),
    principalType: str(keyDetails?.PrincipalType),
    principalName: str(keyDetails?.PrincipalName) ?? str(keyDetails?.UserName),
    accessKeyId: resourceId && /^AWS::IAM::AccessKey:/.test(resourceId) ? resourceId.slice('AWS::IAM::AccessKey:'.length) : null
  }
}

/** One sentence of what GuardDuty saw: the action, the peer and where it is, the ports. */
export function threatSentence(r: GuardDutyReport): string {
  const parts: string[] = []
  const what = r.action ? r.action.toLowerCase().replace(/_/g, ' ') : 'activity'
  parts.push(`${r.type ?? 'a GuardDuty finding'}: ${what}${r.direction ? ` ${r.direction.toLowerCase()}` : ''}${r.protocol ? ` over ${r.protocol}` : ''}`)
  if (r.remoteIps.length) parts.push(`with ${r.remoteIps.join(', ')}${r.remoteWhere ? ` (${r.remoteWhere})` : ''}`)
  if (r.domain) parts.push(`for the domain ${r.domain}`)
  if (r.remotePorts.length) parts.push(`remote port ${r.remotePorts.join(', ')}`)
  if (r.localPorts.length) parts.push(`local port ${r.localPorts.join(', ')}`)
  if (r.scannedPorts.length) parts.push(`ports tried include ${r.scannedPorts.slice(0, 8).join(', ')}${r.scannedPorts.length > 8 ? ', …' : ''}`)
  if (r.api) parts.push(`API ${r.api}${r.apiService ? ` (${r.apiService})` : ''}`)
  if (r.role) parts.push(`the resource is the ${r.role === 'ACTOR' ? 'actor (it did this)' : r.role === 'TARGET' ? 'target (this was done to it)' : r.role}`)
  return parts.join(', ')
}
