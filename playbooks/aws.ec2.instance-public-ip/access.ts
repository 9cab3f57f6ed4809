// What the steps and the fix of aws.ec2.instance-public-ip share: the instance's public IPv4
// addresses, interface by interface, and how each was given (an Elastic IP of the account, or an
// address EC2 assigned at launch); who reached the instance from public IPv4 addresses, and whom it
// reached, on those interfaces (VPC flow logs, by remote address); and where its subnet's internet
// route goes.
//
// Why the kind matters. An Elastic IP is disassociated and associated again exactly (same address,
// same allocation). An address EC2 assigned at launch is released when removed: asking for one again
// gives a different address (EC2 User Guide, "Public IPv4 addresses": "We release your instance's
// public IP address when … you can't reuse it"). DNS records, partner allow-lists and anything else
// that holds the old address are then wrong for good, so that fix has no exact rollback.
import type { FacetMap, PeerFlow } from '../../main/semantics/facets'
import { internetShare, isPrivateAddress, parseCidr } from '../../main/semantics/cidr'
import { ec2Arn, eniKey } from '../../main/semantics/ids'
import { internetRouteOf, type InternetRoute, type RouteTableFacet } from '../../main/semantics/inventory-ec2-network'
import type { StepContext } from '../../main/controls/step'
import { coverageText, plural } from '../../main/controls/step-common'

export type Ec2Config = FacetMap['ec2.config']
export type AddressKind = 'elastic' | 'launch' | 'unknown'

export interface PublicAddress {
  eni: string
  publicIp: string
  privateIp: string | null
  kind: AddressKind
  /** the interface's subnet (its own, else the instance's for the primary interface) */
  subnet: string | null
}

/** "amazon" owns an address EC2 assigned at launch; an account id owns an Elastic IP (DescribeInstances Association.IpOwnerId). */
export function kindOf(owner: string | null | undefined): AddressKind {
  if (owner === 'amazon') return 'launch'
  if (owner && /^\d{12}$/.test(owner)) return 'elastic'
  return 'unknown'
}

/**
 * Every public IPv4 address of the instance with its interface. An instance-level PublicIpAddress
 * that no interface of the evidence carries (facts of earlier versions) is kept on the primary
 * interface with an unknown kind.
 */
export function publicAddresses(c: Ec2Config): PublicAddress[] {
  const primary = c.enis.find((e) => e.deviceIndex === 0) ?? (c.enis.length === 1 ? c.enis[0] : undefined)
  const out: PublicAddress[] = c.enis
    .filter((e) => e.publicIp)
    .map((e) => ({
      eni: e.id,
      publicIp: e.publicIp!,
      privateIp: e.privateIp,
      kind: kindOf(e.publicIpOwner),
      subnet: e.subnetId ?? (e === primary ? c.subnetId : null)
    }))
  if (c.publicIp && !out.some((a) => a.publicIp === c.publicIp))
    out.push({ eni: primary?.id ?? '', publicIp: c.publicIp, privateIp: primary?.privateIp ?? null, kind: 'unknown', subnet: c.subnetId })
  return out
}

export const kindText = (a: PublicAddress): string =>
  a.kind === 'elastic' ? 'an Elastic IP of the account' : a.kind === 'launch' ? 'assigned by EC2 at launch' : 'of unknown kind (no Association.IpOwnerId in the evidence)'

/** A public IPv4 peer: the address the instance's public IPv4 address is what serves (IPv6 traffic does not use it). */
const publicV4 = (peer: string): boolean => peer.includes('.') && !isPrivateAddress(peer)

export interface PeerScan {
  /** peers with accepted sessions in the window, on the interfaces holding a public address */
  peers: PeerFlow[]
  /** why "none" cannot be said: interfaces without flow logs, coverage gaps, no direction, overflow */
  problems: string[]
  evidence: string[]
}

/** Accepted flows by remote public IPv4 address on the interfaces that hold a public address, in the window, with coverage. */
export function publicPeers(ctx: StepContext, c: Ec2Config, addrs: PublicAddress[]): PeerScan {
  const from = ctx.window ? Date.parse(ctx.window.from) / 1000 : -Infinity
  const out: PeerScan = { peers: [], problems: [], evidence: [] }
  for (const a of addrs) {
    if (!a.eni) {
      out.problems.push(`the interface holding ${a.publicIp} is not in the evidence`)
      continue
    }
    const key = eniKey(c.account, a.eni)
    const f = ctx.ev.config(key, 'flows.peers')
    const cov = ctx.ev.coverage('aws.vpc-flow-logs', key, ctx.window)
    out.evidence.push(...(f?.evidence ?? []), ...cov.evidence)
    if (!f) {
      out.problems.push(
        ctx.ev.config(key, 'flows.interface')
          ? `${a.eni}: its flow log was read by an earlier version of Lastmile that did not count peers; add the bundle again`
          : `${a.eni}: no flow log in evidence`
      )
      continue
    }
    if (cov.state !== 'covered') out.problems.push(coverageText(cov, `${a.eni}'s flow log`))
    if (f.value.directionUnknown) out.problems.push(`${a.eni}: its flow log has no flow-direction field, so who opened a connection cannot be told`)
    if (f.value.overflow) out.problems.push(`${a.eni}: ${plural(f.value.overflow.flows, 'flow')} past the peer cap were counted, not itemised`)
    out.peers.push(...f.value.peers.filter((p) => p.last >= from && publicV4(p.peer) && p.inSessions + p.outSessions > 0))
  }
  return out
}

export const peerText = (ps: PeerFlow[], dir: 'in' | 'out'): string =>
  ps
    .slice(0, 6)
    .map((p) => {
      const ports = dir === 'in' ? p.localPorts : p.remotePorts
      return `${p.peer} (${plural(dir === 'in' ? p.inSessions : p.outSessions, 'session record')}${ports.length ? ` to port ${ports.map((x) => (x === -1 ? 'none' : x)).join(', ')}` : ''}, last ${new Date(p.last * 1000).toISOString().slice(0, 10)})`
    })
    .join(', ') + (ps.length > 6 ? `, and ${ps.length - 6} more` : '')

/**
 * Do the instance's security groups, together, admit any public IPv4 address at all (any port)? A
 * group missing from the evidence, or a prefix list (whose entries are not in it), leaves it unknown
 * unless a block already says yes.
 */
export function admitsPublic(
  c: Ec2Config,
  sg: (arn: string) => { value: FacetMap['sg.config']; evidence: string[] } | null
): { answer: 'yes' | 'no' | 'unknown'; why: string; evidence: string[] } {
  const admits: string[] = []
  const unsure: string[] = []
  const evidence: string[] = []
  if (!c.securityGroups.length) return { answer: 'unknown', why: 'the instance names no security group in the evidence', evidence }
  for (const g of c.securityGroups) {
    const cfg = sg(ec2Arn(c.region, c.account, 'security-group', g))
    if (!cfg) {
      unsure.push(`${g} is not in the evidence (security-groups.json)`)
      continue
    }
    evidence.push(...cfg.evidence)
    for (const r of cfg.value.ingress) {
      for (const cidr of r.cidrs) {
        const b = parseCidr(cidr)
        if (!b || internetShare(b.family, [b]) > 0) admits.push(`${g} admits ${cidr}`)
      }
      for (const p of r.prefixLists) unsure.push(`${g} admits prefix list ${p}, whose entries are not in the evidence`)
    }
  }
  if (admits.length) return { answer: 'yes', why: [...new Set(admits)].join('; '), evidence }
  if (unsure.length) return { answer: 'unknown', why: unsure.join('; '), evidence }
  return { answer: 'no', why: `no inbound rule of ${c.securityGroups.join(', ')} admits a public IPv4 address (only private blocks, IPv6 or other groups)`, evidence }
}

/** The subnet's internet route, from the route tables of the instance's account and Region in evidence. */
export function routeOf(ctx: StepContext, c: Ec2Config, subnet: string | null): InternetRoute {
  if (!subnet) return { state: 'unknown', why: 'the subnet of the interface is not in the evidence', evidence: [] }
  const tables = ctx.ev
    .resourcesWith('ec2.route-table')
    .map((id) => ctx.ev.config(id, 'ec2.route-table'))
    .filter((t): t is { value: RouteTableFacet; evidence: string[] } => !!t && t.value.account === c.account && t.value.region === c.region)
  return internetRouteOf(subnet, c.vpcId, tables)
}
