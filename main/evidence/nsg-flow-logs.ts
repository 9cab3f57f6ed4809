// Azure NSG flow logs (Network Watcher, category NetworkSecurityGroupFlowEvent), as the storage account
// receives them: insights-logs-networksecuritygroupflowevent/resourceId=/SUBSCRIPTIONS/…/NETWORKSECURITYGROUPS/
// <NSG>/y=…/m=…/d=…/h=…/m=00/macAddress=…/PT1H.json, each `{"records":[…]}`. A record holds, per rule
// that decided them ("UserRule_<name>" or "DefaultRule_<name>"), flow tuples:
//   version 1: time,src,dst,srcPort,dstPort,protocol(T|U),direction(I|O),decision(A|D)
//   version 2: … ,flowState(B|C|E),packets src→dst,bytes src→dst,packets dst→src,bytes dst→src
// Inbound allowed flows are counted per rule and destination port: `allowed` the flows that began
// (version 2 state B; version 1 has no state, so each allowed tuple), `publicSessions` those from
// outside private space that carried a session — a continuing or ended flow (C, E) whose client sent
// what isSession (./vpc-flow-logs.ts) calls a session, not a scan; version 1 has no counts, so every
// allowed tuple counts — with up to 50 of their addresses; denied inbound flows only to the
// administration ports.
import { ADMIN_PORTS } from '../semantics/azure-nsg'
import { isPrivateAddress } from '../semantics/cidr'
import type { EvidenceLimits } from '../semantics/limits'
import { hourOf, parseTime } from '../semantics/time'
import { DraftBucket } from './drafts'
import { isObject, readJsonEventFile, type JsonFileOutcome } from './json-events'
import { isSession } from './vpc-flow-logs'

/** Inbound flows of one NSG, decided by one rule, to one port. */
export interface NsgPortFlows {
  rule: string
  port: number
  protocol: string
  allowed: number
  publicSessions: number
  publicSources: string[]
  denied: number
  first: number
  last: number
  lastPublic: number | null
}

export interface NsgFlowStream {
  nsg: string
  records: number
  first: number | null
  last: number | null
  hours: Set<number>
  files: Set<string>
  ports: Map<string, NsgPortFlows>
  /** (rule, port) pairs past the cap, counted not itemised */
  overflow: number
}

export interface NsgFlowScan {
  nsgs: Map<string, NsgFlowStream>
  files: JsonFileOutcome[]
  drafts: DraftBucket
}

/** At most this many (rule, port) rows per NSG. */
const MAX_PORTS = 500
const MAX_SOURCES = 50
const ADMIN = new Set(ADMIN_PORTS.map((a) => a.port))

export function emptyNsgFlowScan(limits: EvidenceLimits): NsgFlowScan {
  return { nsgs: new Map(), files: [], drafts: new DraftBucket(limits.maxEventsPerResource) }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/** The rule's own name: "UserRule_allow-ssh" → "allow-ssh"; a default rule keeps its prefix. */
export function flowRuleName(rule: string): string {
  return rule.startsWith('UserRule_') ? rule.slice('UserRule_'.length) : rule
}

export async function readNsgFlowLogFile(scan: NsgFlowScan, abs: string, file: string, limits: EvidenceLimits): Promise<void> {
  await readJsonEventFile(abs, file, limits, scan.files, 'record(s) or flow tuple(s)', (raw, place, out, onBad) => {
    const rid = str(raw.resourceId)
    const t = parseTime(str(raw.time) ?? '')
    const props = isObject(raw.properties) ? raw.properties : null
    if (!rid || !Number.isFinite(t) || !props || !Array.isArray(props.flows)) return onBad(place, 'not an NSG flow log record (no time, resourceId or properties.flows)')
    const nsg = rid.trim().toLowerCase()
    if (!/\/providers\/microsoft\.network\/networksecuritygroups\/[^/]+$/.test(nsg)) return onBad(place, `${rid} is not a network security group`)
    const version = Number(props.Version ?? props.version ?? 1)
    out.records++
    out.first = out.first === null ? t : Math.min(out.first, t)
    out.last = out.last === null ? t : Math.max(out.last, t)
    let s = scan.nsgs.get(nsg)
    if (!s) scan.nsgs.set(nsg, (s = { nsg, records: 0, first: null, last: null, hours: new Set(), files: new Set(), ports: new Map(), overflow: 0 }))
    s.records++
    s.first = s.first === null ? t : Math.min(s.first, t)
    s.last = s.last === null ? t : Math.max(s.last, t)
    s.hours.add(hourOf(t))
    s.files.add(file)
    for (const group of props.flows) {
      if (!isObject(group)) continue
      const rule = flowRuleName(str(group.rule) ?? 'unknown')
      for (const f of Array.isArray(group.flows) ? group.flows : []) {
        const tuples = isObject(f) && Array.isArray(f.flowTuples) ? f.flowTuples : []
        for (const tuple of tuples) {
          const c = typeof tuple === 'string' ? tuple.split(',') : []
          if (c.length < 8) {
            onBad(place, `flow tuple "${String(tuple).slice(0, 60)}" has fewer than 8 fields`)
            continue
          }
          const [ts, src, , , dport, proto, dir, decision, state, packets, bytes] = c
          if (dir !== 'I') continue
          const port = Number(dport)
          const time = Number(ts)
          if (!Number.isInteger(port) || !Number.isFinite(time)) {
            onBad(place, `flow tuple "${tuple}" has no port or time`)
            continue
          }
          const allowed = decision === 'A'
          if (!allowed && !ADMIN.has(port)) continue
          // version 2 logs a flow's begin (B), then its continuation (C) and end (E) with the packets
          // and bytes the client sent: the begin counts the flow, a C or E with data the session
          const begun = !allowed || version < 2 || state === 'B'
          const count = (v: string | undefined): number | null => (v === undefined || v === '' || !Number.isFinite(+v) ? null : +v)
          const session = allowed && (version < 2 || (state !== 'B' && (proto !== 'T' || isSession(count(packets), count(bytes), src.includes(':')))))
          if (!begun && !session) continue
          const protocol = proto === 'T' ? 'tcp' : proto === 'U' ? 'udp' : proto
          const key = `${rule}\n${port}\n${protocol}`
          let p = s.ports.get(key)
          if (!p) {
            if (s.ports.size >= MAX_PORTS) {
              s.overflow++
              continue
            }
            s.ports.set(key, (p = { rule, port, protocol, allowed: 0, publicSessions: 0, publicSources: [], denied: 0, first: time, last: time, lastPublic: null }))
          }
          p.first = Math.min(p.first, time)
          p.last = Math.max(p.last, time)
          if (!allowed) {
            p.denied++
            continue
          }
          if (begun) p.allowed++
          if (session && !isPrivateAddress(src)) {
            p.publicSessions++
            p.lastPublic = p.lastPublic === null ? time : Math.max(p.lastPublic, time)
            if (p.publicSources.length < MAX_SOURCES && !p.publicSources.includes(src)) p.publicSources.push(src)
            if (ADMIN.has(port))
              scan.drafts.add({
                time,
                source: 'azure.nsg-flow-logs',
                actor: src,
                action: `inbound ${protocol} ${port}`,
                resource: nsg,
                summary: `${src} opened a session to port ${port} (${protocol}), allowed by ${rule}`,
                file,
                place,
                raw: null
              })
          }
        }
      }
    }
  })
}
