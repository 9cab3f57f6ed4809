// What a security-group fix must keep working when it revokes the ranges that open a named port set
// (SSH/RDP for aws.ec2.sg-open-admin-ports, EC2.19's high-risk ports for aws.ec2.sg-open-high-risk-ports;
// "22/3389" below stands for the set's ports).
//
// Revoking a range takes away everything that came in through it, not only the scans:
// - A rule wider than 22/3389 (all traffic, or a port range such as tcp 0-65535) also serves the
//   other ports it spans. The fix first authorizes, from the same range, each port the flow logs
//   show in use through it (443/tcp for a web server), then revokes the wide rule.
// - Administrators on private or approved addresses (a VPN, a peered VPC) still come in THROUGH
//   the open rule when no other rule admits them. The fix first admits each address seen in a
//   session, to the port it used, then revokes the open range.
// Nothing else is kept: a port or an address that the flow logs never showed in use is closed,
// which is why a wide rule's plan is RISKY (a person confirms the list), and why an interface
// without flow logs leaves the list unknown.
//
// The investigation's steps (sg.all-traffic-from-internet, sg.sources-through-open-rule) and the
// fix renderer both call planSgFix, so what a step says the plan keeps is what the plan keeps.
import type { AdminFlowFact, PortFlowsOverflow, ServedPortFact } from '../../../shared/evidence'
import { parseCidr, type Cidr } from '../../semantics/cidr'
import type { IpPermission } from '../../semantics/inventory'
import { ADMIN_PORTS, PORT_SETS, portList, type PortSet } from '../../semantics/port-sets'
import { computeSgRevoke, onlySetPorts, type RevokePermission, type SgRevoke, type SgRuleConfig } from './sg-revoke'

/** More addresses than this are not admitted one by one: a person chooses their range. */
export const MAX_ADMITTED_SOURCES = 20
/**
 * More ports than this are not authorized one by one: a group serves a few ports, and many ports
 * each with a little traffic (UDP has no handshake to tell a probe) is what scans leave. A person
 * lists the ports instead.
 */
export const MAX_KEPT_PORTS = 20

/** What the evidence shows in use on the group's interfaces (ResourceFacts.securityGroup). */
export interface SgUse {
  enis: string[]
  flowEnis: string[]
  adminFlows: AdminFlowFact[]
  adminFlowsOverflow: { flows: number; sessions: number }
  /** flows to other itemised ports past their source caps (absent: none) */
  portFlowsOverflow?: PortFlowsOverflow[]
  /** the ports whose sources the facts itemise on every interface (absent: the admin ports, as facts always did) */
  itemisedPorts?: number[]
  servedPorts: ServedPortFact[]
  servedIncomplete: Array<{ eni: string; why: string }>
}

export interface SgKeep {
  /** the --ip-permissions element authorized before the revocation */
  permission: RevokePermission
  kind: 'port' | 'source'
  /** for a source: the address admitted */
  source?: string
  /** "443/tcp from 0.0.0.0/0: 2,610 sessions on 90 days, the last on 2026-11-20" */
  text: string
}

interface SgWideRule {
  rule: number
  /** "rule 1 (tcp 0-65535)" */
  name: string
  /** the ranges of that rule the fix revokes */
  cidrs: string[]
}

export interface SgPlan {
  revoke: SgRevoke
  /** revoked rules that also serve ports other than 22/3389 */
  wide: SgWideRule[]
  /** authorized first, so what the flow logs show in use keeps working */
  keep: SgKeep[]
  /** why the flow logs cannot list everything in use (interfaces without flow logs, …) */
  unknown: string[]
  /** distinct admin-port sources that only the open rule admits, when more than MAX_ADMITTED_SOURCES */
  tooManySources: number | null
}

const PROTO_NAME: Record<number, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp' }
const PROTO_NUMBER: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 }

function protoNumber(p: string): number | null {
  const l = p.toLowerCase()
  if (l === '-1') return -1
  if (l in PROTO_NUMBER) return PROTO_NUMBER[l]
  return /^\d+$/.test(l) ? Number(l) : null
}

function ruleLabel(p: Pick<IpPermission, 'IpProtocol' | 'FromPort' | 'ToPort'>, index: number): string {
  const proto = protoNumber(p.IpProtocol)
  const name = proto !== null && PROTO_NAME[proto] ? PROTO_NAME[proto] : p.IpProtocol
  if (proto === -1) return `rule ${index + 1} (all traffic)`
  if (p.FromPort === undefined || p.FromPort === -1) return `rule ${index + 1} (${name}, every port)`
  return `rule ${index + 1} (${name} ${p.FromPort === p.ToPort ? p.FromPort : `${p.FromPort}-${p.ToPort}`})`
}

/** Does inbound rule `p` admit protocol `proto` (IANA number) on `port` (-1: a portless protocol)? */
function ruleServes(p: Pick<IpPermission, 'IpProtocol' | 'FromPort' | 'ToPort'>, proto: number, port: number): boolean {
  const rp = protoNumber(p.IpProtocol)
  if (rp === -1) return true
  if (rp !== proto) return false
  if (port === -1 || p.FromPort === undefined || p.FromPort === -1) return true
  return p.FromPort <= port && port <= (p.ToPort ?? p.FromPort)
}

/** A rule that spans more than the set's ports it opens: it serves other ports too. */
function isWide(p: Pick<IpPermission, 'IpProtocol' | 'FromPort' | 'ToPort'>, set: PortSet): boolean {
  return protoNumber(p.IpProtocol) !== 6 || !onlySetPorts({ ...p, IpProtocol: 'tcp' }, set)
}

function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end
}

/** Do the rules that remain admit `cidr` to protocol/port? (then nothing needs to be added back) */
export function admittedBy(remaining: readonly IpPermission[], proto: number, port: number, cidr: string): boolean {
  const c = parseCidr(cidr)
  if (!c) return false
  return remaining.some(
    (p) =>
      ruleServes(p, proto, port) &&
      [...(p.IpRanges ?? []).map((r) => r.CidrIp), ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)].some((x) => {
        const o = parseCidr(x)
        return o !== null && contains(o, c)
      })
  )
}

function permissionFor(proto: number, port: number, cidr: string, description: string): RevokePermission {
  const range = cidr.includes(':') ? { Ipv6Ranges: [{ CidrIpv6: cidr, Description: description }] } : { IpRanges: [{ CidrIp: cidr, Description: description }] }
  const name = PROTO_NAME[proto] ?? String(proto)
  if (proto === 6 || proto === 17) return { IpProtocol: name, FromPort: port, ToPort: port, ...range }
  if (proto === 1) return { IpProtocol: name, FromPort: -1, ToPort: -1, ...range }
  return { IpProtocol: name, ...range }
}

function portText(proto: number, port: number): string {
  const name = PROTO_NAME[proto] ?? `protocol ${proto}`
  return port === -1 ? name : `${port}/${name}`
}

const plural = (n: number, word: string, many = `${word}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`
const day = (iso: string): string => iso.slice(0, 10)
const inWindow = (last: string, from: string | null): boolean => from === null || Date.parse(last) >= Date.parse(from)

/**
 * The fix for the group: which ranges to revoke (computeSgRevoke), and what to authorize first so
 * that everything the flow logs show in use since `from` keeps working.
 */
export function planSgFix(groupId: string, rules: readonly SgRuleConfig[], use: SgUse | null, from: string | null, set: PortSet = PORT_SETS.admin): SgPlan {
  const revoke = computeSgRevoke(groupId, rules, set)
  const inSet = (proto: number, port: number): boolean => proto === 6 && set.ports.some((a) => a.port === port)
  const original = rules
  const wideByRule = new Map<number, SgWideRule>()
  revoke.permissions.forEach((p, i) => {
    const r = revoke.rules[i]
    const rule = original[r]
    const perm = { IpProtocol: rule.protocol, FromPort: rule.fromPort ?? undefined, ToPort: rule.toPort ?? undefined }
    if (!isWide(perm, set)) return
    const w = wideByRule.get(r) ?? { rule: r, name: ruleLabel(perm, r), cidrs: [] }
    w.cidrs.push(p.IpRanges?.[0]?.CidrIp ?? p.Ipv6Ranges?.[0]?.CidrIpv6 ?? '')
    wideByRule.set(r, w)
  })
  const wide = [...wideByRule.values()]
  const keep: SgKeep[] = []
  const unknown: string[] = []
  const noLogs = (use?.enis ?? []).filter((e) => !(use?.flowEnis ?? []).includes(e))
  if (!use || !use.enis.length) unknown.push('no network interface of the group is in evidence, so nothing in use can be shown')
  if (noLogs.length) unknown.push(`no flow log in evidence for ${noLogs.join(', ')}`)

  // 1. ports other than 22/3389 that a wide rule serves and the flow logs show in use
  if (wide.length && use) {
    for (const i of use.servedIncomplete) unknown.push(`${i.eni}: ${i.why}`)
    const ports = new Map<string, { proto: number; port: number; sessions: number; sources: number; days: Set<string>; last: string; v4: boolean; v6: boolean }>()
    for (const s of use.servedPorts) {
      // a port of the set is never authorized back from the revoked range: its users are admitted one by one (2.)
      if (s.sessions === 0 || !inWindow(s.last, from) || inSet(s.protocol, s.port)) continue
      const k = `${s.protocol}|${s.port}`
      const a = ports.get(k) ?? { proto: s.protocol, port: s.port, sessions: 0, sources: 0, days: new Set<string>(), last: s.last, v4: false, v6: false }
      a.sessions += s.sessions
      a.sources = Math.max(a.sources, s.sources)
      s.days.filter((d) => from === null || d >= from.slice(0, 10)).forEach((d) => a.days.add(d))
      if (s.last > a.last) a.last = s.last
      a.v4 ||= s.ipv4
      a.v6 ||= s.ipv6
      ports.set(k, a)
    }
    const permOf = (w: SgWideRule): Pick<IpPermission, 'IpProtocol' | 'FromPort' | 'ToPort'> => ({
      IpProtocol: original[w.rule].protocol,
      FromPort: original[w.rule].fromPort ?? undefined,
      ToPort: original[w.rule].toPort ?? undefined
    })
    const sorted = [...ports.values()].filter((p) => wide.some((w) => ruleServes(permOf(w), p.proto, p.port))).sort((a, b) => a.proto - b.proto || a.port - b.port)
    if (sorted.length > MAX_KEPT_PORTS) {
      unknown.push(
        `${sorted.length} ports carried inbound traffic through ${wide.map((w) => w.name).join(' and ')} (${sorted
          .slice(0, 8)
          .map((p) => portText(p.proto, p.port))
          .join(', ')}, …): more than ${MAX_KEPT_PORTS} to keep one by one, and scans of many ports look like this`
      )
      sorted.length = 0
    }
    const added = new Set<string>()
    for (const w of wide) {
      const perm = permOf(w)
      for (const cidr of w.cidrs) {
        const v6 = cidr.includes(':')
        for (const p of sorted) {
          if (!ruleServes(perm, p.proto, p.port) || (v6 ? !p.v6 : !p.v4)) continue
          if (admittedBy(revoke.remaining, p.proto, p.port, cidr)) continue
          if (added.has(`${p.proto}|${p.port}|${cidr}`)) continue
          added.add(`${p.proto}|${p.port}|${cidr}`)
          keep.push({
            kind: 'port',
            permission: permissionFor(p.proto, p.port, cidr, `kept by Lastmile from ${ruleLabel(perm, w.rule)}: in use`),
            text: `${portText(p.proto, p.port)} from ${cidr}: ${plural(p.sessions, 'session')} from ${p.sources >= 10_000 ? 'over 10,000' : plural(p.sources, 'address', 'addresses')} on ${plural(p.days.size, 'day')}, the last on ${day(p.last)}`
          })
        }
      }
    }
  }

  // 2. addresses that reached the set's ports in a session and that no remaining rule admits
  let tooManySources: number | null = null
  if (use) {
    const overflow =
      (set.ports.some((p) => ADMIN_PORTS.some((a) => a.port === p.port)) ? use.adminFlowsOverflow.sessions : 0) +
      (use.portFlowsOverflow ?? []).filter((o) => inSet(6, o.port)).reduce((n, o) => n + o.sessions, 0)
    if (overflow > 0) unknown.push(`${plural(overflow, 'session')} to ${set.short} came from sources the evidence counted but did not itemise`)
    const missing = set.ports.map((p) => p.port).filter((p) => !(use.itemisedPorts ?? ADMIN_PORTS.map((a) => a.port)).includes(p))
    if (missing.length)
      unknown.push(
        `the flow logs were read by an earlier version of Lastmile that itemised the sources of 22 and 3389 only, not of ${portList(missing, 'and')}; add the bundle again`
      )
    const seen = new Map<string, { port: number; src: string; sessions: number; last: string }>()
    for (const f of use.adminFlows) {
      // the facts itemise the ports of every named set: only this set's are this plan's
      if (!inSet(6, f.port) || f.sessions === 0 || !inWindow(f.last, from)) continue
      const host = f.src.includes(':') ? `${f.src}/128` : `${f.src}/32`
      if (parseCidr(host) === null || admittedBy(revoke.remaining, 6, f.port, host)) continue
      const k = `${f.port}|${f.src}`
      const a = seen.get(k) ?? { port: f.port, src: f.src, sessions: 0, last: f.last }
      a.sessions += f.sessions
      if (f.last > a.last) a.last = f.last
      seen.set(k, a)
    }
    const sources = [...seen.values()].sort((a, b) => a.port - b.port || (a.src < b.src ? -1 : a.src > b.src ? 1 : 0))
    if (sources.length > MAX_ADMITTED_SOURCES) tooManySources = sources.length
    else {
      for (const s of sources) {
        const host = s.src.includes(':') ? `${s.src}/128` : `${s.src}/32`
        keep.push({
          kind: 'source',
          source: s.src,
          permission: permissionFor(6, s.port, host, `admitted by Lastmile: seen in ${set.sessions} (last ${day(s.last)})`),
          text: `${s.port}/tcp from ${host}: ${plural(s.sessions, 'session')}, the last on ${day(s.last)}`
        })
      }
    }
  }
  return { revoke, wide, keep, unknown, tooManySources }
}
