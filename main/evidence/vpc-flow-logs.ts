// VPC flow logs (FORMATS.md B2): fields are mapped by the header line's names, never by position,
// so default (v2) and custom formats (tcp-flags, flow-direction, pkt-dst-aws-service, …) read alike.
import { BadEvidence, type FileProblem, problemOf } from '../semantics/bad-evidence'
import { DraftBucket } from './drafts'
import type { EvidenceLimits } from '../semantics/limits'
import { forEachLine } from './line-reader'
import { openDecoded } from './source-stream'
import { hourOf } from '../semantics/time'
import type { AdminFlow, PeerFlow, ServedPort } from '../semantics/facets'
import { isPrivateAddress } from '../semantics/cidr'
import { ADMIN_PORTS as ADMIN_PORT_SET, ITEMISED_PORTS } from '../semantics/port-sets'

const DEFAULT_FLOW_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status'
]

/**
 * The administrative ports: itemised by source and left out of the served ports (their sessions are
 * what the admin-ports playbook asks about, never what a wide rule "also serves").
 */
const ADMIN_PORTS = ADMIN_PORT_SET.map((p) => p.port)
/**
 * Every TCP port a named set asks about (port-sets.ts): inbound flows to them are itemised by source
 * (scan.admin). The ports other than the admin ports are counted as served ports too, as before.
 */
const ITEMISED = new Set(ITEMISED_PORTS)

interface EniFlows {
  eni: string
  account: string
  instanceId: string | null
  records: number
  nodata: number
  accepted: number
  rejected: number
  bytes: number
  first: number | null
  last: number | null
  hours: Set<number>
  /** SKIPDATA intervals: records were dropped by AWS; coverage gaps */
  skipped: Array<[number, number]>
  /** flows to the S3 service on port 80 (pkt-dst-aws-service=S3): an instance speaking HTTP to S3 */
  s3Http: number
  files: Set<string>
}

export interface FlowLogScan {
  enis: Map<string, EniFlows>
  admin: Map<string, AdminFlow>
  /** inbound flows to other ports, per interface, protocol and port */
  served: Map<string, ServedPort & { seen: Set<string>; daySet: Set<number>; publicSessions: number; publicSources: string[] }>
  /** served-port flows dropped once an interface had this many distinct ports (counted here) */
  servedOverflow: Map<string, { flows: number; sessions: number }>
  servedPorts: Map<string, number>
  /** interfaces with accepted flows whose direction the log does not give (no flow-direction field) */
  servedUnknown: Set<string>
  /**
   * itemised-port flows dropped once the cap of distinct sources was reached (counted here), keyed by
   * interface and port (eni|port): the admin ports share one cap per interface, each other port has its own
   */
  adminOverflow: Map<string, { flows: number; sessions: number; synOnly: number }>
  /** distinct sources itemised, keyed as adminOverflow's caps are (eni for the admin ports, eni|port for the others) */
  adminSources: Map<string, number>
  /** accepted flows by interface and remote address (key eni|peer), both directions */
  peers: Map<string, PeerFlow>
  peerCount: Map<string, number>
  peersOverflow: Map<string, { flows: number; sessions: number }>
  /** interfaces with accepted flows whose direction the log does not give */
  peersUnknown: Set<string>
  files: Array<{ file: string; records: number; first: number | null; last: number | null; problem: FileProblem | null; badLines: number; format: string }>
  drafts: DraftBucket
}

const MAX_ADMIN_SOURCES_PER_ENI = 5000
/** sources itemised per interface for each itemised port other than the admin ports */
const MAX_ITEMISED_SOURCES_PER_PORT = 1000
const MAX_SERVED_PORTS_PER_ENI = 2000
const MAX_SERVED_SOURCES = 10_000
/** public source addresses itemised per served port (the rest are counted in publicSessions) */
const MAX_PUBLIC_SOURCES = 50
const MAX_PEERS_PER_ENI = 2000
/** ports itemised per peer (local and remote) */
const MAX_PEER_PORTS = 10

export function emptyFlowLogScan(limits: EvidenceLimits): FlowLogScan {
  return {
    enis: new Map(),
    admin: new Map(),
    adminOverflow: new Map(),
    adminSources: new Map(),
    peers: new Map(),
    peerCount: new Map(),
    peersOverflow: new Map(),
    peersUnknown: new Set(),
    served: new Map(),
    servedOverflow: new Map(),
    servedPorts: new Map(),
    servedUnknown: new Set(),
    files: [],
    drafts: new DraftBucket(limits.maxEventsPerResource)
  }
}

const num = (s: string | undefined): number | null => (s === undefined || s === '-' ? null : Number.isFinite(+s) ? +s : null)

/**
 * Does one inbound TCP flow record carry a session, or only a probe?
 *
 * VPC flow logs record no ACK and no PSH: tcp-flags is the OR of FIN (1), SYN (2), RST (4) and
 * SYN-ACK (18) seen in the aggregation interval, so a client's flow shows at most 1|2|4 = 7. A
 * half-open scan (SYN, the instance's SYN-ACK, then the scanner's RST) shows 6 on the client side
 * and 18 on the instance side: a SYN-ACK proves the port answered, not that anyone logged in. What
 * does tell a session is what it carries: the handshake's ACK, at least one segment of data and the
 * close are four packets or more, and data makes the average packet larger than a bare IPv4/TCP
 * header with options (60 bytes; 80 over IPv6). SYN retries, SYN→RST probes and a connect()
 * closed without a byte are at most three packets or carry no payload.
 *
 * A record without counts ("-") cannot be told apart: it counts as a session, never as proof of
 * a scan.
 */
export function isSession(packets: number | null, bytes: number | null, ipv6 = false): boolean {
  if (packets === null || bytes === null) return true
  return packets >= 4 && bytes > packets * (ipv6 ? 80 : 60)
}

/**
 * The port an inbound flow was served on, or null when the flow is the reply half of a
 * connection the instance opened (security groups admit those by state, not by an inbound rule).
 * A SYN without SYN-ACK starts a connection to dstport; a SYN-ACK answers one. Without a SYN in
 * the interval (the middle of a long flow, UDP, no tcp-flags field), the usual port convention
 * decides: a reply comes from a well-known or registered port to an ephemeral one.
 */
export function servedPortOf(protocol: number, srcport: number | null, dstport: number | null, flags: number | null): number | null {
  if (protocol !== 6 && protocol !== 17) return -1
  if (dstport === null) return null
  if (protocol === 6 && flags !== null) {
    if (flags & 16) return null
    if (flags & 2) return dstport
  }
  if (srcport === null) return dstport
  const ephemeral = (p: number): boolean => p >= 32768
  if (srcport < 1024 && dstport >= 1024) return null
  if (ephemeral(dstport) && !ephemeral(srcport)) return null
  return dstport
}

const DAY = 86_400

/**
 * One accepted record into the interface's peers. Ingress: the peer is the source, and the record
 * is of a connection it opened when servedPortOf finds a served port (else a reply to the
 * interface's own connection). Egress: the peer is the destination, and the record is of the
 * interface's own connection when servedPortOf finds the port it went to (else a reply to the
 * peer's). Without flow-direction the two cannot be told: the interface is marked, nothing counted.
 */
function countPeer(
  scan: FlowLogScan,
  get: (name: string) => string | undefined,
  eni: string,
  direction: string | undefined,
  start: number,
  end: number,
  packets: number | null,
  bytes: number | null,
  dstport: number | null
): void {
  if (direction !== 'ingress' && direction !== 'egress') {
    scan.peersUnknown.add(eni)
    return
  }
  const protocol = num(get('protocol'))
  if (protocol === null) return
  const addr = (pkt: string, plain: string): string => {
    const v = get(pkt)
    return v && v !== '-' ? v : (get(plain) ?? '-')
  }
  const ingress = direction === 'ingress'
  const peer = ingress ? addr('pkt-srcaddr', 'srcaddr') : addr('pkt-dstaddr', 'dstaddr')
  const srcport = num(get('srcport'))
  const port = servedPortOf(protocol, srcport, dstport, num(get('tcp-flags')))
  // who opened the connection: ingress with a served port, or egress without one, is the peer
  const peerOpened = ingress ? port !== null : port === null
  const session = protocol !== 6 || isSession(packets, bytes, peer.includes(':'))
  const key = `${eni}|${peer}`
  let p = scan.peers.get(key)
  if (!p) {
    const count = scan.peerCount.get(eni) ?? 0
    if (count >= MAX_PEERS_PER_ENI) {
      const o = scan.peersOverflow.get(eni) ?? { flows: 0, sessions: 0 }
      o.flows++
      if (session) o.sessions++
      scan.peersOverflow.set(eni, o)
      return
    }
    p = { eni, peer, inSessions: 0, inProbes: 0, outSessions: 0, outProbes: 0, localPorts: [], remotePorts: [], bytes: 0, first: start, last: end }
    scan.peers.set(key, p)
    scan.peerCount.set(eni, count + 1)
  }
  if (peerOpened) {
    if (session) p.inSessions++
    else p.inProbes++
  } else if (session) p.outSessions++
  else p.outProbes++
  // the port the connection went to: on the interface when the peer opened it, else on the peer
  const target = protocol !== 6 && protocol !== 17 ? -1 : ingress ? (peerOpened ? dstport : srcport) : peerOpened ? srcport : dstport
  const ports = peerOpened ? p.localPorts : p.remotePorts
  if (target !== null && ports.length < MAX_PEER_PORTS && !ports.includes(target)) ports.push(target)
  p.bytes += bytes ?? 0
  p.first = Math.min(p.first, start)
  p.last = Math.max(p.last, end)
}

/**
 * One accepted inbound TCP record to an itemised port into the interface's sources (scan.admin):
 * flows, packets and bytes per interface, port and source, sessions apart from probes (isSession),
 * and each session as a timeline draft. Without flow-direction a record is taken as inbound, as the
 * admin ports always were: an interface's own connection out to such a port then shows with its
 * own private address as the source, never as an internet one.
 */
function itemiseSource(
  scan: FlowLogScan,
  r: {
    eniId: string
    account: string
    dstport: number
    src: string
    packets: number | null
    bytes: number | null
    flags: number | null
    start: number
    end: number
    file: string
    no: number
    line: string
    get: (name: string) => string | undefined
  }
): void {
  const { eniId, dstport, src, packets, bytes, flags, start, end } = r
  const syn = !isSession(packets, bytes, src.includes(':'))
  const ak = `${eniId}|${dstport}|${src}`
  let a = scan.admin.get(ak)
  if (!a) {
    // the admin ports keep the one cap per interface they always had; each other port has its own
    const admin = ADMIN_PORTS.includes(dstport)
    const capKey = admin ? eniId : `${eniId}|${dstport}`
    const count = scan.adminSources.get(capKey) ?? 0
    if (count >= (admin ? MAX_ADMIN_SOURCES_PER_ENI : MAX_ITEMISED_SOURCES_PER_PORT)) {
      const o = scan.adminOverflow.get(capKey) ?? { flows: 0, sessions: 0, synOnly: 0 }
      o.flows++
      if (syn) o.synOnly++
      else o.sessions++
      scan.adminOverflow.set(capKey, o)
      return
    }
    a = { eni: eniId, port: dstport, src, flows: 0, packets: 0, bytes: 0, synOnly: 0, sessions: 0, first: start, last: end, tcpFlags: flags !== null }
    scan.admin.set(ak, a)
    scan.adminSources.set(capKey, count + 1)
  }
  a.flows++
  a.packets += packets ?? 0
  a.bytes += bytes ?? 0
  if (syn) a.synOnly++
  else a.sessions++
  a.first = Math.min(a.first, start)
  a.last = Math.max(a.last, end)
  if (!syn) {
    scan.drafts.add({
      time: start,
      source: 'aws.vpc-flow-logs',
      actor: src,
      action: `ACCEPT tcp/${dstport}`,
      resource: `eni:${r.account}:${eniId}`,
      summary: `${src} → ${r.get('dstaddr') ?? '?'}:${dstport} accepted, ${packets ?? '?'} packets, ${bytes ?? '?'} bytes${flags !== null ? `, tcp-flags ${flags}` : ''}`,
      file: r.file,
      place: `line ${r.no}`,
      raw: r.line
    })
  }
}

export async function readFlowLogFile(scan: FlowLogScan, abs: string, file: string, limits: EvidenceLimits): Promise<void> {
  const out = { file, records: 0, first: null as number | null, last: null as number | null, problem: null as FileProblem | null, badLines: 0, format: 'default' }
  scan.files.push(out)
  let fields: string[] | null = null
  let idx: Record<string, number> = {}
  const bad: string[] = []
  const badLine = (no: number, what: string): void => {
    out.badLines++
    if (bad.length < 5) bad.push(`line ${no}: ${what}`)
  }
  try {
    const d = await openDecoded(abs, file, limits)
    await forEachLine(d.chunks, file, limits, (line, no) => {
      const t = line.trim()
      if (!t) return
      const parts = t.split(/\s+/)
      if (fields === null) {
        // A header names fields (`version account-id …`); a record starts with a number.
        if (/^[a-z]/i.test(parts[0])) {
          fields = parts
          out.format = parts.join(' ') === DEFAULT_FLOW_FIELDS.join(' ') ? 'default' : 'custom'
          idx = Object.fromEntries(fields.map((f, i) => [f, i]))
          for (const need of ['start', 'end']) {
            if (idx[need] === undefined) throw new BadEvidence(file, `line ${no}`, `the header has no "${need}" field; cannot place flows in time`)
          }
          return
        }
        // No header: the default format is the only one that can be assumed.
        fields = DEFAULT_FLOW_FIELDS
        out.format = 'default (no header line)'
        idx = Object.fromEntries(fields.map((f, i) => [f, i]))
      }
      if (parts.length !== fields.length) {
        badLine(no, `${parts.length} fields where the header has ${fields.length}`)
        return
      }
      const get = (name: string): string | undefined => (idx[name] === undefined ? undefined : parts[idx[name]])
      const start = num(get('start'))
      const end = num(get('end'))
      if (start === null || end === null) {
        badLine(no, 'no start/end time')
        return
      }
      out.records++
      if (out.first === null || start < out.first) out.first = start
      if (out.last === null || end > out.last) out.last = end
      const eniId = get('interface-id') ?? '-'
      const account = get('account-id') ?? '-'
      const key = eniId
      let e = scan.enis.get(key)
      if (!e) {
        e = {
          eni: eniId,
          account,
          instanceId: null,
          records: 0,
          nodata: 0,
          accepted: 0,
          rejected: 0,
          bytes: 0,
          first: null,
          last: null,
          hours: new Set(),
          skipped: [],
          s3Http: 0,
          files: new Set()
        }
        scan.enis.set(key, e)
      }
      e.records++
      e.files.add(file)
      const inst = get('instance-id')
      if (inst && inst !== '-') e.instanceId = inst
      if (e.first === null || start < e.first) e.first = start
      if (e.last === null || end > e.last) e.last = end
      const status = get('log-status') ?? 'OK'
      if (status === 'SKIPDATA') {
        e.skipped.push([start, end])
        return
      }
      // NODATA still proves the log was on for the interface over [start, end].
      for (let h = hourOf(start); h <= hourOf(end); h++) e.hours.add(h)
      if (status === 'NODATA') {
        e.nodata++
        return
      }
      const action = get('action')
      const bytes = num(get('bytes'))
      const packets = num(get('packets'))
      if (bytes !== null) e.bytes += bytes
      if (action === 'ACCEPT') e.accepted++
      else if (action === 'REJECT') e.rejected++
      const dstport = num(get('dstport'))
      if (get('pkt-dst-aws-service') === 'S3' && dstport === 80) e.s3Http++
      const direction = get('flow-direction')
      if (action === 'ACCEPT') countPeer(scan, get, eniId, direction, start, end, packets, bytes, dstport)
      if (action !== 'ACCEPT' || direction === 'egress') return
      const src = get('pkt-srcaddr') && get('pkt-srcaddr') !== '-' ? get('pkt-srcaddr')! : (get('srcaddr') ?? '-')
      const protocol = num(get('protocol'))
      const flags = num(get('tcp-flags'))
      const v6 = src.includes(':')
      if (protocol === null) return
      const itemised = protocol === 6 && dstport !== null && ITEMISED.has(dstport)
      if (itemised) itemiseSource(scan, { eniId, account, dstport: dstport!, src, packets, bytes, flags, start, end, file, no, line, get })
      if (protocol !== 6 || dstport === null || !ADMIN_PORTS.includes(dstport)) {
        // Without flow-direction (the default format) an instance's own connection to a remote 443
        // reads exactly like a client's connection to the instance's 443: which ports the interface
        // serves cannot be told, and the interface is marked so.
        if (direction !== 'ingress') {
          scan.servedUnknown.add(eniId)
          return
        }
        const port = servedPortOf(protocol, num(get('srcport')), dstport, flags)
        if (port === null) return
        const session = protocol !== 6 || isSession(packets, bytes, v6)
        const sk = `${eniId}|${protocol}|${port}`
        let sp = scan.served.get(sk)
        if (!sp) {
          const count = scan.servedPorts.get(eniId) ?? 0
          if (count >= MAX_SERVED_PORTS_PER_ENI) {
            const o = scan.servedOverflow.get(eniId) ?? { flows: 0, sessions: 0 }
            o.flows++
            if (session) o.sessions++
            scan.servedOverflow.set(eniId, o)
            return
          }
          sp = {
            eni: eniId,
            protocol,
            port,
            sessions: 0,
            probes: 0,
            sources: 0,
            ipv4: false,
            ipv6: false,
            days: [],
            first: start,
            last: end,
            seen: new Set(),
            daySet: new Set(),
            publicSessions: 0,
            publicSources: []
          }
          scan.served.set(sk, sp)
          scan.servedPorts.set(eniId, count + 1)
        }
        if (!session) {
          sp.probes++
          return
        }
        sp.sessions++
        if (sp.sessions === 1) {
          sp.first = start
          sp.last = end
        }
        if (sp.seen.size < MAX_SERVED_SOURCES) sp.seen.add(src)
        if (!isPrivateAddress(src)) {
          sp.publicSessions++
          if (sp.publicSources.length < MAX_PUBLIC_SOURCES && !sp.publicSources.includes(src)) sp.publicSources.push(src)
        }
        if (v6) sp.ipv6 = true
        else sp.ipv4 = true
        sp.daySet.add(Math.floor(start / DAY))
        sp.first = Math.min(sp.first, start)
        sp.last = Math.max(sp.last, end)
        return
      }
    })
    if (out.badLines) out.problem = { file, place: bad.join('; '), problem: `${out.badLines} line(s) do not match the header and were skipped` }
  } catch (e) {
    out.problem = problemOf(e, file)
  }
}
