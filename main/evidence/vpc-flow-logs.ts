// VPC flow logs (FORMATS.md B2): fields are mapped by the header line's names, never by position,
// so default (v2) and custom formats (tcp-flags, flow-direction, pkt-dst-aws-service, …) read alike.
import { BadEvidence, type FileProblem, problemOf } from './bad-evidence'
import { DraftBucket } from './drafts'
import type { EvidenceLimits } from './limits'
import { forEachLine } from './line-reader'
import { openDecoded } from './source-stream'
import { hourOf } from './time'

export const DEFAULT_FLOW_FIELDS = [
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

/** The administrative ports whose inbound sessions the security-group playbook asks about. */
export const ADMIN_PORTS = [22, 3389]

/** Inbound TCP flows to an admin port from one source address, on one interface. */
export interface AdminFlow {
  eni: string
  port: number
  src: string
  flows: number
  packets: number
  bytes: number
  /** flows that only ever showed a SYN: a scan or an unanswered attempt, not a session */
  synOnly: number
  /** flows with data or a handshake beyond the SYN */
  sessions: number
  first: number
  last: number
  /** whether tcp-flags were in the log (without them the session/scan split rests on packet and byte counts) */
  tcpFlags: boolean
}

export interface EniFlows {
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
  /** admin-port flows dropped once an interface had this many distinct sources (counted here) */
  adminOverflow: Map<string, { flows: number; sessions: number; synOnly: number }>
  adminSources: Map<string, number>
  files: Array<{ file: string; records: number; first: number | null; last: number | null; problem: FileProblem | null; badLines: number; format: string }>
  drafts: DraftBucket
}

export const MAX_ADMIN_SOURCES_PER_ENI = 5000

export function emptyFlowLogScan(limits: EvidenceLimits): FlowLogScan {
  return { enis: new Map(), admin: new Map(), adminOverflow: new Map(), adminSources: new Map(), files: [], drafts: new DraftBucket(limits.maxEventsPerResource) }
}

const num = (s: string | undefined): number | null => (s === undefined || s === '-' ? null : Number.isFinite(+s) ? +s : null)

/**
 * A SYN-only flow: tcp-flags exactly 2 (SYN; ACKs are not reported, FIN=1, RST=4, SYN-ACK=18)
 * with no more packets than SYN retries. Without tcp-flags: at most 2 packets of at most 60 bytes
 * each, which is what an unanswered SYN and its retry weigh.
 */
export function isSynOnly(flags: number | null, packets: number | null, bytes: number | null): boolean {
  if (flags !== null) return flags === 2 && (packets === null || packets <= 3)
  return packets !== null && bytes !== null && packets <= 2 && bytes <= packets * 60
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
        e = { eni: eniId, account, instanceId: null, records: 0, nodata: 0, accepted: 0, rejected: 0, bytes: 0, first: null, last: null, hours: new Set(), skipped: [], s3Http: 0, files: new Set() }
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
      if (action !== 'ACCEPT' || get('protocol') !== '6' || dstport === null || !ADMIN_PORTS.includes(dstport) || direction === 'egress') return
      const src = get('pkt-srcaddr') && get('pkt-srcaddr') !== '-' ? get('pkt-srcaddr')! : (get('srcaddr') ?? '-')
      const flags = num(get('tcp-flags'))
      const syn = isSynOnly(flags, packets, bytes)
      const ak = `${eniId}|${dstport}|${src}`
      let a = scan.admin.get(ak)
      if (!a) {
        const count = scan.adminSources.get(eniId) ?? 0
        if (count >= MAX_ADMIN_SOURCES_PER_ENI) {
          const o = scan.adminOverflow.get(eniId) ?? { flows: 0, sessions: 0, synOnly: 0 }
          o.flows++
          if (syn) o.synOnly++
          else o.sessions++
          scan.adminOverflow.set(eniId, o)
          return
        }
        a = { eni: eniId, port: dstport, src, flows: 0, packets: 0, bytes: 0, synOnly: 0, sessions: 0, first: start, last: end, tcpFlags: flags !== null }
        scan.admin.set(ak, a)
        scan.adminSources.set(eniId, count + 1)
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
          resource: `eni:${account}:${eniId}`,
          summary: `${src} → ${get('dstaddr') ?? '?'}:${dstport} accepted, ${packets ?? '?'} packets, ${bytes ?? '?'} bytes${flags !== null ? `, tcp-flags ${flags}` : ''}`,
          file,
          place: `line ${no}`,
          raw: line
        })
      }
    })
    if (out.badLines) out.problem = { file, place: bad.join('; '), problem: `${out.badLines} line(s) do not match the header and were skipped` }
  } catch (e) {
    out.problem = problemOf(e, file)
  }
}
