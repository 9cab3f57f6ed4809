// Security Hub EC2.18 "Security groups should only allow unrestricted incoming traffic for authorized
// ports" (the Config rule vpc-sg-open-only-to-authorized-ports, VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS):
// a group fails when a rule admits 0.0.0.0/0 or ::/0 over TCP or UDP to any port other than the
// authorised ones (parameters authorizedTcpPorts, AWS's default 80,443, and authorizedUdpPorts, none
// by default). Unlike the named port sets (port-sets.ts) the question is about every other port, so
// the port space is cut into stretches the rules treat alike (every rule's FromPort and ToPort + 1,
// and each authorised port, are the cuts) and one port of each stretch is asked the kit's question
// (portFinding): open, restricted, unknown or closed. An all-traffic rule (-1) reaches every TCP and
// UDP port; a tcp 0-65535 rule is open on every port but 80 and 443, which it also serves.
//
// The fix revokes exactly the ranges that open an unauthorised port (revokeUntilClosed), and where a
// revoked range also admitted an authorised port (tcp 0-65535, all traffic) it authorizes that port
// from the same range first, so the authorised service keeps answering: the plan's `keep`.
import type { IpPermission, SecurityGroup } from '../../semantics/inventory'
import type { SgRuleConfig } from '../../semantics/facets'
import { fail, pass, unknown, type Verdict } from '../../semantics/verdict'
import { AUTHORISED_TCP_PORTS_DEFAULT, portList } from '../../semantics/port-sets'
import { ipPermissionsOf } from '../../semantics/inventory-items'
import { portFinding, reaches, type PortFinding, type PortProtocol } from './evaluate'
import { revokeUntilClosed, type RevokePermission, type SgRevoke } from './sg-revoke'
import { admittedBy } from './sg-plan'
import type { SgKeep, SgPlan } from './sg-plan'
import { controlParametersOf, type ParameterSource } from '../control-parameters'

/** The ports a group may open to the internet (EC2.18's parameters). */
export interface AuthorisedPorts {
  tcp: readonly number[]
  udp: readonly number[]
}

export const AUTHORISED_DEFAULT: AuthorisedPorts = { tcp: AUTHORISED_TCP_PORTS_DEFAULT, udp: [] }

const PROTOCOLS: readonly PortProtocol[] = ['tcp', 'udp']
const NUMBER_OF: Record<PortProtocol, string> = { tcp: '6', udp: '17' }

/** A stretch of ports of one protocol that every rule treats alike, with the kit's reading of it. */
export interface PortStretch {
  protocol: PortProtocol
  from: number
  to: number
  finding: PortFinding
}

/** "tcp 0-79", "udp 53" */
export function stretchText(s: Pick<PortStretch, 'protocol' | 'from' | 'to'>): string {
  return `${s.protocol} ${s.from === s.to ? s.from : `${s.from}-${s.to}`}`
}

/**
 * Every stretch of unauthorised TCP and UDP ports that some rule reaches, read once each: the rules
 * that reach a port are the same for every port of a stretch, so is the answer.
 */
export function unauthorisedStretches(perms: readonly IpPermission[], authorised: AuthorisedPorts = AUTHORISED_DEFAULT): PortStretch[] {
  const out: PortStretch[] = []
  for (const protocol of PROTOCOLS) {
    const allowed = new Set(authorised[protocol])
    const cuts = new Set<number>([0, 65536])
    let any = false
    for (const p of perms) {
      const proto = p.IpProtocol.toLowerCase()
      if (proto !== '-1' && proto !== protocol && proto !== NUMBER_OF[protocol]) continue
      any = true
      if (proto === '-1' || p.FromPort === undefined || p.ToPort === undefined || p.FromPort === -1) continue
      cuts.add(Math.max(0, p.FromPort))
      cuts.add(Math.min(65536, p.ToPort + 1))
    }
    if (!any) continue
    for (const a of allowed) {
      cuts.add(a)
      cuts.add(a + 1)
    }
    const sorted = [...cuts].sort((a, b) => a - b)
    for (let i = 0; i + 1 < sorted.length; i++) {
      const from = sorted[i]
      const to = sorted[i + 1] - 1
      if (from === to && allowed.has(from)) continue
      const finding = portFinding({ IpPermissions: [...perms] }, from, '', protocol)
      if (finding.state === 'closed') continue
      out.push({ protocol, from, to, finding })
    }
  }
  return out
}

/** The stretches' open/unknown texts, merging neighbours the same rules open alike. */
function stretchesText(list: readonly PortStretch[], state: PortFinding['state']): string {
  const byHow = new Map<string, PortStretch[]>()
  for (const s of list) {
    const how = state === 'open' ? (s.finding.how ?? '') : s.finding.detail.replace(/^port \d+\/(tcp|udp): /, '')
    byHow.set(how, [...(byHow.get(how) ?? []), s])
  }
  return [...byHow.entries()]
    .map(([how, ss]) =>
      state === 'open'
        ? `${ss.map(stretchText).join(', ')} ${ss.length === 1 && ss[0].from === ss[0].to ? 'is' : 'are'} open to the internet: ${how}`
        : `${ss.map(stretchText).join(', ')}: ${how}`
    )
    .join('; ')
}

/** A port range wider than this in a parameter is refused: each authorised port is a cut of the port space. */
const WIDEST_RANGE = 1024

/** A parameter's ports: numbers, or ranges "1020-1025" (the Config rule's syntax); null and why when a value is not one. */
function portsOfParameter(name: string, values: readonly string[]): { ports: number[] } | { error: string } {
  const out = new Set<number>()
  for (const v of values.flatMap((x) => x.split(','))) {
    const t = v.trim()
    if (!t) continue
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(t)
    const from = m ? Number(m[1]) : NaN
    const to = m?.[2] ? Number(m[2]) : from
    if (!m || from < 0 || to > 65535 || to < from) return { error: `${name} value "${t}" is not a port (0-65535) or a range of ports` }
    if (to - from >= WIDEST_RANGE) return { error: `${name} value "${t}" spans more than ${WIDEST_RANGE} ports` }
    for (let p = from; p <= to; p++) out.add(p)
  }
  return { ports: [...out].sort((a, b) => a - b) }
}

/** The authorised ports a finding is judged against, and where they come from, in words. */
export type AuthorisedResolution = { ports: AuthorisedPorts; from: string } | { error: string }

/**
 * EC2.18's parameters for one finding: those its Security Hub alerts were evaluated with
 * (Compliance.SecurityControlParameters authorizedTcpPorts / authorizedUdpPorts), else AWS's defaults
 * (TCP 80 and 443, no UDP port). A parameter an alert leaves out keeps its default.
 */
export function authorisedPortsOf(alerts: readonly ParameterSource[]): AuthorisedResolution {
  const p = controlParametersOf(alerts)
  if (p.state === 'conflict') return { error: p.why }
  if (p.state === 'none') return { ports: AUTHORISED_DEFAULT, from: "AWS's defaults for EC2.18 (no alert of the finding carries the control's parameters)" }
  const tcp = 'authorizedTcpPorts' in p.values ? portsOfParameter('authorizedTcpPorts', p.values.authorizedTcpPorts) : { ports: [...AUTHORISED_DEFAULT.tcp] }
  const udp = 'authorizedUdpPorts' in p.values ? portsOfParameter('authorizedUdpPorts', p.values.authorizedUdpPorts) : { ports: [...AUTHORISED_DEFAULT.udp] }
  if ('error' in tcp) return { error: `${tcp.error} (${p.alerts.join(', ')})` }
  if ('error' in udp) return { error: `${udp.error} (${p.alerts.join(', ')})` }
  const ports = { tcp: tcp.ports, udp: udp.ports }
  return {
    ports,
    from: `the control's parameters in ${p.alerts.join(', ')} (Security Hub: authorizedTcpPorts ${tcp.ports.join(',') || 'none'}, authorizedUdpPorts ${udp.ports.join(',') || 'none'})`
  }
}

export function authorisedText(a: AuthorisedPorts): string {
  const parts = [a.tcp.length ? `tcp ${portList([...a.tcp], 'and')}` : '', a.udp.length ? `udp ${portList([...a.udp], 'and')}` : ''].filter(Boolean)
  return parts.length ? parts.join(' and ') : 'none'
}

/** EC2.18's reading of a group: FAIL when an unauthorised TCP/UDP port is open to the internet. */
export function authorisedPortsVerdict(sg: Pick<SecurityGroup, 'IpPermissions'>, authorised: AuthorisedPorts = AUTHORISED_DEFAULT): { verdict: Verdict; rules: number[] } {
  const stretches = unauthorisedStretches(sg.IpPermissions, authorised)
  const open = stretches.filter((s) => s.finding.state === 'open')
  const unsure = stretches.filter((s) => s.finding.state === 'unknown')
  const auth = `authorised ports: ${authorisedText(authorised)}`
  if (open.length) return { verdict: fail(`${stretchesText(open, 'open')}; ${auth}`), rules: [...new Set(open.flatMap((s) => s.finding.rules))].sort((a, b) => a - b) }
  if (unsure.length) return { verdict: unknown(`${stretchesText(unsure, 'unknown')}; ${auth}`), rules: [...new Set(unsure.flatMap((s) => s.finding.rules))].sort((a, b) => a - b) }
  return {
    verdict: pass(`no inbound rule opens a TCP or UDP port other than the authorised ones to the internet (${auth})`),
    rules: [...new Set(stretches.flatMap((s) => s.finding.rules))].sort((a, b) => a - b)
  }
}

/** Does a revoked range of this rule close only unauthorised ports? (then nothing needs to be authorized back) */
function onlyUnauthorised(rule: IpPermission, authorised: AuthorisedPorts): boolean {
  return PROTOCOLS.every((protocol) => authorised[protocol].every((port) => reaches(rule, port, protocol) === 'no'))
}

/** The ranges to revoke so that no unauthorised port is open to the internet, exactly. */
export function computeAuthorisedRevoke(groupId: string, rules: readonly SgRuleConfig[], authorised: AuthorisedPorts = AUTHORISED_DEFAULT): SgRevoke {
  const perms = ipPermissionsOf(rules)
  const open = unauthorisedStretches(perms, authorised).filter((s) => s.finding.state === 'open')
  return revokeUntilClosed(groupId, rules, {
    probes: open.map((s) => ({ port: s.from, name: '', protocol: s.protocol })),
    exact: (rule) => rule.IpProtocol !== '-1' && onlyUnauthorised(rule, authorised),
    nothingOpen: `no TCP or UDP port other than the authorised ones (${authorisedText(authorised)})`,
    verdict: (p) => authorisedPortsVerdict({ IpPermissions: p }, authorised).verdict
  })
}

/** The revoked permissions as (rule, range), each with the rule it came from. */
export function revokedRanges(revoke: SgRevoke, rules: readonly SgRuleConfig[]): Array<{ rule: IpPermission; index: number; cidr: string }> {
  const perms = ipPermissionsOf(rules)
  return revoke.permissions.map((p, i) => ({ rule: perms[revoke.rules[i]], index: revoke.rules[i], cidr: p.IpRanges?.[0]?.CidrIp ?? p.Ipv6Ranges?.[0]?.CidrIpv6 ?? '' }))
}

function ruleText(p: IpPermission, index: number): string {
  const proto = p.IpProtocol.toLowerCase()
  if (proto === '-1') return `rule ${index + 1} (all traffic)`
  return `rule ${index + 1} (${p.IpProtocol} ${p.FromPort === p.ToPort ? p.FromPort : `${p.FromPort}-${p.ToPort}`})`
}

/**
 * EC2.18's fix: revoke the ranges that open unauthorised ports, and first authorize each authorised
 * port a revoked range also admitted, from that range, unless a rule that stays admits it already.
 */
export function planAuthorisedFix(groupId: string, rules: readonly SgRuleConfig[], authorised: AuthorisedPorts = AUTHORISED_DEFAULT): SgPlan {
  const revoke = computeAuthorisedRevoke(groupId, rules, authorised)
  const keep: SgKeep[] = []
  const added = new Set<string>()
  for (const r of revokedRanges(revoke, rules)) {
    for (const protocol of PROTOCOLS) {
      for (const port of authorised[protocol]) {
        if (reaches(r.rule, port, protocol) !== 'yes') continue
        const proto = protocol === 'tcp' ? 6 : 17
        const k = `${protocol}|${port}|${r.cidr}`
        if (added.has(k) || admittedBy(revoke.remaining, proto, port, r.cidr)) continue
        added.add(k)
        const range = r.cidr.includes(':')
          ? { Ipv6Ranges: [{ CidrIpv6: r.cidr, Description: `kept by Lastmile from ${ruleText(r.rule, r.index)}: an authorised port` }] }
          : { IpRanges: [{ CidrIp: r.cidr, Description: `kept by Lastmile from ${ruleText(r.rule, r.index)}: an authorised port` }] }
        const permission: RevokePermission = { IpProtocol: protocol, FromPort: port, ToPort: port, ...range }
        keep.push({ kind: 'port', permission, text: `${port}/${protocol} from ${r.cidr}: an authorised port that ${ruleText(r.rule, r.index)} also admitted` })
      }
    }
  }
  return { revoke, wide: [], keep, unknown: [], tooManySources: null }
}
