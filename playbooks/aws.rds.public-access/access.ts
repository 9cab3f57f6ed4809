// What the steps and the fix of aws.rds.public-access share: the instance as the evidence holds it,
// whether its security groups admit public addresses to its port; who connected to that port (VPC
// flow logs of each of its network interfaces) is the RDS kit's (main/controls/rds-clients.ts).
import type { FacetMap, SgRuleConfig } from '../../main/semantics/facets'
import { internetShare, parseCidr } from '../../main/semantics/cidr'
import { ec2Arn } from '../../main/semantics/ids'
import type { RdsConfig } from '../../main/controls/rds-clients'

export { portClients, type PortClients, type RdsConfig } from '../../main/controls/rds-clients'
type Facet<K extends keyof FacetMap> = { value: FacetMap[K]; evidence: string[] } | null

/** Does an inbound rule reach TCP `port`? */
function reachesPort(r: Pick<SgRuleConfig, 'protocol' | 'fromPort' | 'toPort'>, port: number): boolean {
  const proto = r.protocol.toLowerCase()
  if (proto === '-1') return true
  if (proto !== 'tcp' && proto !== '6') return false
  if (r.fromPort === null || r.toPort === null || (r.fromPort === -1 && r.toPort === -1)) return true
  return r.fromPort <= port && port <= r.toPort
}

export interface InternetPath {
  answer: 'yes' | 'no' | 'unknown'
  why: string
  evidence: string[]
}

/**
 * Do the instance's security groups, together, admit any public address to its port? A CIDR block
 * with any address outside private space does (an office's /32 as much as 0.0.0.0/0: the fix cuts
 * that office off too). Referenced groups admit only their members; a prefix list's entries are not
 * in the evidence, so a prefix list reaching the port makes the answer unknown unless a block
 * already says yes. A group missing from the evidence makes "no" unknown.
 */
export function internetPath(d: RdsConfig, sg: (arn: string) => Facet<'sg.config'>): InternetPath {
  const port = d.port
  if (port === null) return { answer: 'unknown', why: "the instance's port is not in the evidence (no Endpoint.Port in rds-instances.json)", evidence: [] }
  if (!d.securityGroups.length) return { answer: 'unknown', why: 'the instance names no VPC security group in the evidence', evidence: [] }
  const admits: string[] = []
  const lists: string[] = []
  const missing: string[] = []
  const evidence: string[] = []
  for (const g of d.securityGroups) {
    const cfg = sg(ec2Arn(d.region, d.account, 'security-group', g))
    if (!cfg) {
      missing.push(g)
      continue
    }
    evidence.push(...cfg.evidence)
    for (const r of cfg.value.ingress) {
      if (!reachesPort(r, port)) continue
      for (const c of [...r.cidrs, ...r.ipv6]) {
        const b = parseCidr(c)
        if (!b || internetShare(b.family, [b]) > 0) admits.push(`${g} admits ${c}`)
      }
      for (const p of r.prefixLists) lists.push(`${g} admits prefix list ${p}`)
    }
  }
  if (admits.length) return { answer: 'yes', why: `tcp/${port} is open to public addresses: ${[...new Set(admits)].join('; ')}`, evidence }
  if (missing.length)
    return {
      answer: 'unknown',
      why: `the security group${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of the instance ${missing.length > 1 ? 'are' : 'is'} not in the evidence (security-groups.json)`,
      evidence
    }
  if (lists.length) return { answer: 'unknown', why: `${lists.join('; ')}, whose entries are not in the evidence (a prefix list may hold public blocks)`, evidence }
  return {
    answer: 'no',
    why: `no rule of ${d.securityGroups.join(', ')} admits a public address to tcp/${port} (only private blocks or members of other groups)`,
    evidence
  }
}
