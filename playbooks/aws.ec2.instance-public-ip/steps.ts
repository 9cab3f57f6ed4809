// Step functions of aws.ec2.instance-public-ip: does the instance still have a public IPv4 address
// (and of which kind), who reached it over that address, does it reach the internet through it, and
// can the removal be undone exactly. Flow-log answers need every interface holding a public address
// covered for the whole window: unknown coverage is never "nobody".
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { outcome, plural, windowText } from '../../main/controls/step-common'
import { routeText } from '../../main/semantics/inventory-ec2-network'
import { admitsPublic, kindText, peerText, publicAddresses, publicPeers, routeOf, type Ec2Config } from './access'

const INSTANCE = ['aws.ec2.instance'] as const
const inventory = ['aws.inventory' as const]
const flowLogs = ['aws.vpc-flow-logs' as const]

function configOf(ctx: StepContext): { value: Ec2Config; evidence: string[] } | null {
  return ctx.ev.config(ctx.finding.resource.id, 'ec2.config')
}

const notInEvidence = (ctx: StepContext) =>
  outcome('unknown', `the instance ${ctx.finding.resource.name ?? ctx.finding.resource.id} is not in the evidence's EC2 inventory (inventory/ec2-instances.json)`, {
    sources: inventory
  })

const hasPublic = defineStep({
  name: 'ec2pub.public-address',
  summary: 'whether the instance still has a public IPv4 address, on which interface, and whether it is an Elastic IP or an address EC2 assigned at launch',
  resourceTypes: INSTANCE,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return notInEvidence(ctx)
    const c = cfg.value
    const addrs = publicAddresses(c)
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: inventory }
    if (!addrs.length)
      return outcome('no', `${c.instanceId} (${c.state ?? 'state unknown'}) has no public IPv4 address in the evidence: the finding is stale and the fix would change nothing`, o)
    return outcome('yes', `${c.instanceId} (${c.state ?? 'state unknown'}) has ${addrs.map((a) => `${a.publicIp} on ${a.eni || '?'} (${kindText(a)})`).join('; ')}`, o)
  }
})

const inbound = defineStep({
  name: 'ec2pub.public-inbound',
  summary:
    "sessions public IPv4 addresses opened to the instance in the window (VPC flow logs of each interface holding a public address, with coverage); 'no' also when no security group of the instance admits a public IPv4 address at all",
  resourceTypes: INSTANCE,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return notInEvidence(ctx)
    const c = cfg.value
    const addrs = publicAddresses(c)
    if (!addrs.length)
      return outcome('no', `${c.instanceId} has no public IPv4 address: nothing reaches it over one`, { evidence: [cfg.evidence], certainty: 'proven', sources: inventory })
    const s = publicPeers(ctx, c, addrs)
    const used = s.peers.filter((p) => p.inSessions > 0)
    const o = { evidence: [cfg.evidence, s.evidence], sources: flowLogs, windowed: true }
    const lbs = ctx.ev.facts(ctx.finding.resource.id).dependencies.filter((d) => d.kind === 'load-balancer-fronts')
    if (used.length) {
      const text = `${plural(used.length, 'public address', 'public addresses')} opened sessions to the instance ${windowText(ctx.window)}: ${peerText(used, 'in')}`
      // A Network Load Balancer (or Global Accelerator) keeps the client's address by default: its clients look the same in the instance's flow log
      if (lbs.length)
        return outcome(
          'unknown',
          `${text}; but ${c.instanceId} is also a target of ${lbs.map((d) => d.detail).join('; ')}, which may pass clients' own addresses through: whether they came over the public address or through the load balancer cannot be told from these flow logs (the pkt-dstaddr field would tell)`,
          { ...o, evidence: [...o.evidence, ...lbs.map((d) => d.evidence)] }
        )
      return outcome('yes', `${text}. Removing the public address cuts them off`, { ...o, certainty: 'proven' })
    }
    const sg = admitsPublic(c, (arn) => ctx.ev.config(arn, 'sg.config'))
    if (sg.answer === 'no')
      return outcome('no', `${sg.why}: no one on the internet can open a connection to it, whatever its address`, {
        evidence: [cfg.evidence, sg.evidence],
        certainty: 'proven',
        sources: inventory
      })
    const none = 'no public IPv4 address opened a session to the instance'
    if (s.problems.length) return outcome('unknown', `${none} in the flow logs there are, but ${s.problems.join('; ')}`, o)
    return outcome('no', `${none} ${windowText(ctx.window)} on ${addrs.map((a) => a.eni).join(', ')} (flow logs cover the whole window)`, { ...o, certainty: 'proven' })
  }
})

const egress = defineStep({
  name: 'ec2pub.public-egress',
  summary:
    "whether the instance reaches the internet through its public address: its subnet's internet route goes to an internet gateway (the route tables) and it opened sessions to public IPv4 addresses in the window (VPC flow logs, with coverage)",
  resourceTypes: INSTANCE,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return notInEvidence(ctx)
    const c = cfg.value
    const addrs = publicAddresses(c)
    if (!addrs.length)
      return outcome('no', `${c.instanceId} has no public IPv4 address: it goes out some other way, or not at all`, {
        evidence: [cfg.evidence],
        certainty: 'proven',
        sources: inventory
      })
    const routes = addrs.map((a) => ({ a, r: routeOf(ctx, c, a.subnet) }))
    const unknownRoute = routes.filter((x) => x.r.state === 'unknown')
    const viaIgw = routes.filter((x) => x.r.state === 'known' && x.r.route?.target === 'internet-gateway')
    const routeEvidence = routes.flatMap((x) => x.r.evidence)
    const said = routes
      .filter((x) => x.r.state === 'known')
      .map((x) => (x.r.state === 'known' ? `${x.a.subnet} uses ${x.r.table}${x.r.implicit ? ' (its VPC’s main table)' : ''}: ${routeText(x.r.route)}` : ''))
    if (unknownRoute.length)
      return outcome(
        'unknown',
        `where ${unknownRoute.map((x) => x.a.eni || x.a.publicIp).join(', ')} go out to the internet is unknown: ${unknownRoute.map((x) => (x.r.state === 'unknown' ? x.r.why : '')).join('; ')}`,
        {
          evidence: [cfg.evidence, routeEvidence],
          sources: inventory
        }
      )
    if (!viaIgw.length)
      return outcome('no', `${said.join('; ')}: its traffic to the internet does not leave through its public address, so removing it takes no way out away`, {
        evidence: [cfg.evidence, routeEvidence],
        certainty: 'proven',
        sources: inventory
      })
    const s = publicPeers(
      ctx,
      c,
      viaIgw.map((x) => x.a)
    )
    const out = s.peers.filter((p) => p.outSessions > 0)
    const o = { evidence: [cfg.evidence, routeEvidence, s.evidence], sources: [...inventory, ...flowLogs], windowed: true }
    if (out.length)
      return outcome(
        'yes',
        `${said.join('; ')}, so the public address is its way out; it opened sessions to ${plural(out.length, 'public address', 'public addresses')} ${windowText(ctx.window)}: ${peerText(out, 'out')}. Without the address (and without a NAT gateway route) that traffic stops — AWS service endpoints reached without a VPC endpoint included`,
        { ...o, certainty: 'proven' }
      )
    const none = 'the instance opened no session to a public IPv4 address'
    if (s.problems.length) return outcome('unknown', `${said.join('; ')}; ${none} in the flow logs there are, but ${s.problems.join('; ')}`, o)
    return outcome('no', `${said.join('; ')}; ${none} ${windowText(ctx.window)} (flow logs cover the whole window): nothing it does goes out through the address`, {
      ...o,
      certainty: 'proven'
    })
  }
})

const exactRollback = defineStep({
  name: 'ec2pub.exact-rollback',
  summary:
    'whether removing the public addresses can be undone exactly: an Elastic IP is associated again (the same address); an address EC2 assigned at launch is released for good and a new one would differ',
  resourceTypes: INSTANCE,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return notInEvidence(ctx)
    const addrs = publicAddresses(cfg.value)
    const o = { evidence: [cfg.evidence], sources: inventory }
    if (!addrs.length) return outcome('yes', 'there is no public address to remove: nothing to undo', { ...o, certainty: 'proven' })
    const launch = addrs.filter((a) => a.kind === 'launch')
    if (launch.length)
      return outcome(
        'no',
        `${launch.map((a) => a.publicIp).join(', ')} ${launch.length > 1 ? 'were' : 'was'} assigned by EC2 at launch: removing ${launch.length > 1 ? 'them releases them' : 'it releases it'} for good, and the rollback can only ask for a new, different address — DNS records, allow-lists and clients holding the old one stay broken`,
        { ...o, certainty: 'proven' }
      )
    const unsure = addrs.filter((a) => a.kind === 'unknown')
    if (unsure.length) return outcome('unknown', `whether ${unsure.map((a) => a.publicIp).join(', ')} can be given back is unknown: ${unsure.map(kindText).join('; ')}`, o)
    return outcome(
      'yes',
      `${addrs.map((a) => a.publicIp).join(', ')} ${addrs.length > 1 ? 'are Elastic IPs' : 'is an Elastic IP'} of the account: the rollback associates the same address again`,
      {
        ...o,
        certainty: 'proven'
      }
    )
  }
})

export const EC2_PUBLIC_IP_STEPS = [hasPublic, inbound, egress, exactRollback]
