// Which address ranges to revoke, exactly, so the ports of a named set (SSH and RDP for
// aws.ec2.sg-open-admin-ports, EC2.19's high-risk ports for aws.ec2.sg-open-high-risk-ports) are no
// longer open to the internet — and nothing else.
//
// RevokeSecurityGroupIngress with `--ip-permissions` removes the listed ranges from the rule that
// matches protocol and port range exactly (EC2 API Reference): each revoked permission below is
// one range of one existing rule, as DescribeSecurityGroups reported it. The ranges are chosen
// with the evaluator that reported the finding (portFinding): the whole-space blocks first
// (0.0.0.0/0, ::/0), then, for a split range (0.0.0.0/1 + 128.0.0.0/1) or "every public block",
// the broadest public block at a time, until neither port is open. A range to a known office
// (203.0.113.0/24) next to 0.0.0.0/0 is kept.
import { internetShare, parseCidr } from '../../semantics/cidr'
import type { SgRuleConfig } from '../../semantics/facets'
import type { IpPermission } from '../../semantics/inventory'
import { ipPermissionsOf } from '../../semantics/inventory-items'
import { portFinding, securityGroupVerdict, type PortProtocol } from './evaluate'
import type { Verdict } from '../../semantics/verdict'
import { noneOf, PORT_SETS, type PortSet } from '../../semantics/port-sets'
import { LastmileError } from '../../errors'

/** One inbound rule as the `sg.config` facet keeps it. */
export type { SgRuleConfig }

/** The `--ip-permissions` element EC2 takes (and returns in DescribeSecurityGroups). */
export interface RevokePermission {
  IpProtocol: string
  FromPort?: number
  ToPort?: number
  IpRanges?: Array<{ CidrIp: string; Description?: string }>
  Ipv6Ranges?: Array<{ CidrIpv6: string; Description?: string }>
}

export interface SgRevoke {
  permissions: RevokePermission[]
  /** the same permissions with each range's Description, as the rollback authorizes them again */
  restore: RevokePermission[]
  /** for each permission, the index of the rule it comes from */
  rules: number[]
  /** the group's rules once the permissions are revoked */
  remaining: IpPermission[]
  /** what the revocation also closes, for people to see before they approve */
  sideEffects: string[]
  /** the evaluator's answer on the rules that remain */
  after: { status: 'PASS' | 'FAIL' | 'UNKNOWN'; reason: string }
}

function portsOf(p: IpPermission): string {
  if (p.IpProtocol === '-1') return 'all traffic'
  if (p.FromPort === undefined || p.FromPort === -1) return `${p.IpProtocol} all ports`
  return `${p.IpProtocol} ${p.FromPort === p.ToPort ? p.FromPort : `${p.FromPort}-${p.ToPort}`}`
}

/** Does a TCP rule open only ports of the set (22 alone; 20-23, all of them high-risk)? Then revoking it closes nothing else. */
export function onlySetPorts(rule: Pick<IpPermission, 'IpProtocol' | 'FromPort' | 'ToPort'>, set: PortSet): boolean {
  const proto = rule.IpProtocol.toLowerCase()
  if (proto !== 'tcp' && proto !== '6') return false
  const from = rule.FromPort
  const to = rule.ToPort ?? from
  if (from === undefined || to === undefined || from === -1 || to < from) return false
  return set.ports.filter((p) => from <= p.port && p.port <= to).length === to - from + 1
}

/** The revocations that close the set's ports (22 and 3389 by default) to the internet, computed on the group's rules. */
export function computeSgRevoke(groupId: string, rules: readonly SgRuleConfig[], set: PortSet = PORT_SETS.admin): SgRevoke {
  return revokeUntilClosed(groupId, rules, {
    probes: set.ports.map((p) => ({ port: p.port, name: p.name, protocol: 'tcp' })),
    exact: (rule) => rule.IpProtocol !== '-1' && onlySetPorts(rule, set),
    nothingOpen: noneOf(set),
    verdict: (perms) => securityGroupVerdict({ IpPermissions: perms }, set).verdict
  })
}

/** What a control closes: the ports it probes, how it reads the group, and which rules close nothing else. */
export interface RevokeQuestion {
  /** one port per stretch of ports the rules treat alike (the set's ports; for EC2.18 one port of each stretch) */
  probes: ReadonlyArray<{ port: number; name: string; protocol: PortProtocol }>
  /** does revoking a range of this rule close only ports the control asks about? */
  exact(rule: IpPermission): boolean
  /** "none of the high-risk ports (…)": the text when nothing is open */
  nothingOpen: string
  /** the control's reading of the rules that remain */
  verdict(perms: IpPermission[]): Verdict
}

/**
 * The revocations that close every probed port to the internet: for each, the whole-space blocks
 * first, then the broadest public block at a time, until the port is no longer open.
 */
export function revokeUntilClosed(groupId: string, rules: readonly SgRuleConfig[], q: RevokeQuestion): SgRevoke {
  const current = ipPermissionsOf(rules).map((p) => ({ ...p, IpRanges: [...(p.IpRanges ?? [])], Ipv6Ranges: [...(p.Ipv6Ranges ?? [])] }))
  const removed: Array<{ rule: number; family: 4 | 6; cidr: string }> = []
  for (const { port, name, protocol } of q.probes) {
    for (let guard = 0; guard < 1000; guard++) {
      const f = portFinding({ IpPermissions: current }, port, name, protocol)
      if (f.state !== 'open') break
      const candidates = f.rules.flatMap((i) => [
        ...current[i].IpRanges.map((r) => ({ rule: i, family: 4 as const, cidr: r.CidrIp })),
        ...current[i].Ipv6Ranges.map((r) => ({ rule: i, family: 6 as const, cidr: r.CidrIpv6 }))
      ])
      const scored = candidates
        .map((c) => {
          const parsed = parseCidr(c.cidr)
          return { ...c, share: parsed ? internetShare(c.family, [parsed]) : 0, whole: parsed !== null && parsed.prefix === 0 }
        })
        .filter((c) => c.share > 0)
        .sort((a, b) => Number(b.whole) - Number(a.whole) || b.share - a.share || a.rule - b.rule)
      const pick = scored[0]
      if (!pick) throw new LastmileError('conflict', `${groupId}: port ${port} is open but no single range can be revoked to close it; review the group by hand`)
      removed.push({ rule: pick.rule, family: pick.family, cidr: pick.cidr })
      const p = current[pick.rule]
      if (pick.family === 4) p.IpRanges = p.IpRanges.filter((r) => r.CidrIp !== pick.cidr)
      else p.Ipv6Ranges = p.Ipv6Ranges.filter((r) => r.CidrIpv6 !== pick.cidr)
    }
  }
  if (!removed.length) throw new LastmileError('conflict', `${groupId}: ${q.nothingOpen} is open to the internet in the evidence; validate the finding instead of planning a fix`)
  const original = ipPermissionsOf(rules)
  const sideEffects: string[] = []
  const permissions = removed.map((r) => {
    const rule = original[r.rule]
    const p: RevokePermission = { IpProtocol: rule.IpProtocol }
    if (rule.FromPort !== undefined) p.FromPort = rule.FromPort
    if (rule.ToPort !== undefined) p.ToPort = rule.ToPort
    if (r.family === 4) p.IpRanges = [{ CidrIp: r.cidr }]
    else p.Ipv6Ranges = [{ CidrIpv6: r.cidr }]
    if (!q.exact(rule))
      sideEffects.push(
        `revoking ${r.cidr} from rule ${r.rule + 1} (${portsOf(rule)}) also closes the other ports that rule opens to ${r.cidr}, except those the plan authorizes first`
      )
    return p
  })
  const restore = permissions.map((p, i) => {
    const d = rules[removed[i].rule].descriptions ?? {}
    return {
      ...p,
      ...(p.IpRanges ? { IpRanges: p.IpRanges.map((r) => (d[r.CidrIp] !== undefined ? { ...r, Description: d[r.CidrIp] } : r)) } : {}),
      ...(p.Ipv6Ranges ? { Ipv6Ranges: p.Ipv6Ranges.map((r) => (d[r.CidrIpv6] !== undefined ? { ...r, Description: d[r.CidrIpv6] } : r)) } : {})
    }
  })
  const verdict = q.verdict(current)
  if (verdict.status === 'FAIL') throw new Error(`${groupId}: the computed revocation leaves the group open (${verdict.reason})`)
  return { permissions, restore, rules: removed.map((r) => r.rule), remaining: current, sideEffects, after: { status: verdict.status, reason: verdict.reason } }
}
