// Does a security group admit the internet to the ports of a named set (main/semantics/port-sets.ts)?
// aws.ec2.sg-open-admin-ports asks it of SSH and RDP (Security Hub EC2.13 for 22, EC2.14 for 3389),
// aws.ec2.sg-open-high-risk-ports of Security Hub EC2.19's high-risk ports (TCP, as the Config rule
// restricted-common-ports that EC2.19 runs checks TCP only).
//
// Read from DescribeSecurityGroups `IpPermissions` (inbound). Rules are additive, so a port is open
// when the rules that reach it, taken together, admit every internet address (see cidr.ts):
// `0.0.0.0/0`, `::/0`, `0.0.0.0/1` + `128.0.0.0/1`, or every block but private space. A rule to
// specific addresses is restricted, not open, however public those addresses are.
//
// What reaches a port: `IpProtocol` "-1" (all protocols, all ports — FromPort/ToPort are then
// absent or -1), or TCP ("tcp" or its number "6") with FromPort ≤ port ≤ ToPort. SSH and RDP sessions
// start over TCP (RDP's UDP transport is negotiated inside a TCP session), so a UDP-only rule on
// 3389 does not expose the login.
//
// Sources that are not addresses: a referenced security group (UserIdGroupPairs) admits only its
// members, never the internet. A prefix list (PrefixListIds) is a named set of blocks whose entries
// DescribeSecurityGroups does not return, and a customer-managed one may hold 0.0.0.0/0: when such a
// list is the only way the port might be open, the answer is UNKNOWN, with the list named.
//
// Peers, for comparison: Prowler's port 22/3389 checks compare each rule's CidrIp with the literal
// "0.0.0.0/0"/"::/0" and IpProtocol with "tcp", so a split range, a rule written with protocol
// "6", or `0.0.0.0/0` spread over two rules with different port ranges is missed there.
import type { EvaluationContext } from '../evaluation'
import { evaluateSecurityGroupList } from '../evaluation'
import type { AwsAccountInventory, IpPermission, SecurityGroup } from '../../semantics/inventory'
import { internetShare, openness, parseCidr, type Cidr } from '../../semantics/cidr'
import type { Evaluation } from '../../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../semantics/verdict'
import { PORT_SETS, portList, type PortSet } from '../../semantics/port-sets'

type Reach = 'yes' | 'no' | { unknown: string }

/** A protocol with ports that a rule may open: TCP (6) or UDP (17). */
export type PortProtocol = 'tcp' | 'udp'
const NUMBER_OF: Record<PortProtocol, string> = { tcp: '6', udp: '17' }

/** Does this inbound rule reach `port` over `protocol` (TCP unless named)? */
export function reaches(p: IpPermission, port: number, protocol: PortProtocol = 'tcp'): Reach {
  const proto = p.IpProtocol.toLowerCase()
  if (proto === '-1') return 'yes'
  if (proto !== protocol && proto !== NUMBER_OF[protocol]) return 'no'
  if (p.FromPort === undefined || p.ToPort === undefined) return { unknown: `a ${protocol.toUpperCase()} rule without a port range (FromPort/ToPort missing)` }
  if (p.FromPort === -1 && p.ToPort === -1) return 'yes'
  return p.FromPort <= port && port <= p.ToPort ? 'yes' : 'no'
}

function ruleName(p: IpPermission, index: number): string {
  const proto = p.IpProtocol === '-1' ? 'all traffic' : `${p.IpProtocol} ${p.FromPort === p.ToPort ? p.FromPort : `${p.FromPort}-${p.ToPort}`}`
  return `rule ${index + 1} (${proto})`
}

export interface PortFinding {
  port: number
  name: string
  state: 'open' | 'restricted' | 'unknown' | 'closed'
  detail: string
  /** "port 22/tcp (SSH)" */
  label: string
  /** for an open port, the detail after its label: what admits the internet */
  how?: string
  /** indices into IpPermissions of the rules that reach the port */
  rules: number[]
}

export function portFinding(sg: Pick<SecurityGroup, 'IpPermissions'>, port: number, name: string, protocol: PortProtocol = 'tcp'): PortFinding {
  const cidrs: Array<Cidr & { rule: string }> = []
  const lists: string[] = []
  const groups: string[] = []
  const problems: string[] = []
  const rules: number[] = []
  sg.IpPermissions.forEach((p, i) => {
    const r = reaches(p, port, protocol)
    if (r === 'no') return
    rules.push(i)
    if (r !== 'yes') {
      problems.push(`${ruleName(p, i)}: ${r.unknown}`)
      return
    }
    for (const range of p.IpRanges ?? []) {
      const c = parseCidr(range.CidrIp)
      if (c && c.family === 4) cidrs.push({ ...c, rule: ruleName(p, i) })
      else problems.push(`${ruleName(p, i)}: "${range.CidrIp}" is not an IPv4 CIDR block`)
    }
    for (const range of p.Ipv6Ranges ?? []) {
      const c = parseCidr(range.CidrIpv6)
      if (c && c.family === 6) cidrs.push({ ...c, rule: ruleName(p, i) })
      else problems.push(`${ruleName(p, i)}: "${range.CidrIpv6}" is not an IPv6 CIDR block`)
    }
    for (const pl of p.PrefixListIds ?? []) lists.push(pl.PrefixListId)
    for (const g of p.UserIdGroupPairs ?? []) if (g.GroupId) groups.push(g.GroupId)
  })
  const label = name ? `port ${port}/${protocol} (${name})` : `port ${port}/${protocol}`
  const opened: string[] = []
  for (const family of [4, 6] as const) {
    const o = openness(family, cidrs)
    if (o === 'partial') continue
    // Name only the blocks that admit internet addresses: a 172.16.0.0/12 rule beside 0.0.0.0/0
    // opens nothing to the internet, and listing it under "every address admitted" misleads.
    const mine = cidrs.filter((c) => c.family === family && internetShare(family, [c]) > 0)
    const blocks = [...new Set(mine.map((c) => `${c.text} in ${c.rule}`))].join(', ')
    const how = openness(family, mine) === 'whole-space' ? `every IPv${family} address` : `every public IPv${family} address (all but private and reserved space)`
    opened.push(`${how} is admitted (${blocks})`)
  }
  if (opened.length) return { port, name, label, how: opened.join(', and '), state: 'open', detail: `${label} is open to the internet: ${opened.join(', and ')}`, rules }
  if (problems.length) return { port, name, label, state: 'unknown', detail: `${label}: ${problems.join('; ')}`, rules }
  if (lists.length) {
    return {
      port,
      name,
      label,
      state: 'unknown',
      detail: `${label} admits prefix list ${[...new Set(lists)].join(', ')}, whose entries are not in the bundle (a prefix list may hold 0.0.0.0/0)`,
      rules
    }
  }
  if (!cidrs.length && !groups.length) return { port, name, label, state: 'closed', detail: `${label}: no inbound rule`, rules }
  const parts: string[] = []
  for (const family of [4, 6] as const) {
    const mine = cidrs.filter((c) => c.family === family)
    if (!mine.length) continue
    const share = internetShare(family, mine)
    parts.push(`${mine.map((c) => c.text).join(', ')} (${formatShare(share)} of public IPv${family})`)
  }
  if (groups.length) parts.push(`members of ${[...new Set(groups)].join(', ')}`)
  return { port, name, label, state: 'restricted', detail: `${label} admits only ${parts.join('; ')}`, rules }
}

function formatShare(x: number): string {
  if (x === 0) return '0%'
  if (x < 0.0001) return '<0.01%'
  return `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`
}

/** Open ports that the same rules open alike read as one: "port 20/tcp (FTP data), port 21/tcp (FTP) are open …". */
function openText(open: readonly PortFinding[]): string {
  const byHow = new Map<string, PortFinding[]>()
  for (const p of open) byHow.set(p.how ?? p.detail, [...(byHow.get(p.how ?? p.detail) ?? []), p])
  return [...byHow.entries()].map(([how, ps]) => (ps.length === 1 ? ps[0].detail : `${ps.map((p) => p.label).join(', ')} are open to the internet: ${how}`)).join('; ')
}

export function securityGroupVerdict(sg: Pick<SecurityGroup, 'IpPermissions'>, set: PortSet = PORT_SETS.admin): { verdict: Verdict; rules: number[] } {
  const ports = set.ports.map((p) => portFinding(sg, p.port, p.name))
  const rules = [...new Set(ports.flatMap((p) => p.rules))].sort((a, b) => a - b)
  const open = ports.filter((p) => p.state === 'open')
  if (open.length) return { verdict: fail(openText(open)), rules }
  const unsure = ports.filter((p) => p.state === 'unknown')
  if (unsure.length) return { verdict: unknown(unsure.map((p) => p.detail).join('; ')), rules }
  const restricted = ports.filter((p) => p.state === 'restricted')
  const numbers = set.ports.map((p) => p.port)
  return {
    verdict: pass(
      restricted.length
        ? `no inbound rule opens ${portList(numbers)} to the internet: ${restricted.map((p) => p.detail).join('; ')}`
        : `no inbound rule reaches port ${portList(numbers)}`
    ),
    rules
  }
}

/** The evaluator of a control that asks the set's question of every security group. */
export function securityGroupEvaluator(control: string, set: PortSet): (ctx: EvaluationContext, inv: AwsAccountInventory) => Evaluation[] {
  return (_ctx, inv) =>
    evaluateSecurityGroupList(control, inv, (g) => {
      const { verdict, rules } = securityGroupVerdict(g, set)
      return { verdict, places: rules.length ? rules.map((r) => `/IpPermissions/${r}`) : ['/IpPermissions'] }
    })
}
