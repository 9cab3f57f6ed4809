// Step functions of aws.ec2.subnet-auto-public-ip: does the subnet still hand out public addresses,
// does its internet route go to an internet gateway, and which running instances in it got their
// address at launch (their launchers rely on the default; they keep their addresses).
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { outcome, plural } from '../../main/controls/step-common'
import { internetRouteOf, routeText, type RouteTableFacet, type SubnetFacet } from '../../main/semantics/inventory-ec2-network'

const SUBNET = ['aws.ec2.subnet'] as const
const inventory = ['aws.inventory' as const]

function subnetOf(ctx: StepContext): { value: SubnetFacet; evidence: string[] } | null {
  return ctx.ev.config(ctx.finding.resource.id, 'ec2.subnet')
}

const notInEvidence = (ctx: StepContext) =>
  outcome('unknown', `the subnet ${ctx.finding.resource.name ?? ctx.finding.resource.id} is not in the evidence (inventory/subnets.json)`, { sources: inventory })

const mapsPublic = defineStep({
  name: 'ec2pub.subnet-maps-public',
  summary: 'whether the subnet still gives instances a public IPv4 address at launch (DescribeSubnets MapPublicIpOnLaunch)',
  resourceTypes: SUBNET,
  params: z.object({}).strict(),
  run(ctx) {
    const s = subnetOf(ctx)
    if (!s) return notInEvidence(ctx)
    const o = { evidence: [s.evidence], certainty: 'proven' as const, sources: inventory }
    const what = `${s.value.id} (${s.value.cidr ?? '?'} in ${s.value.vpcId ?? 'an unknown VPC'})`
    if (s.value.mapPublicIpOnLaunch === null)
      return outcome('unknown', `MapPublicIpOnLaunch of ${s.value.id} is not in subnets.json`, { evidence: [s.evidence], sources: inventory })
    if (s.value.mapPublicIpOnLaunch)
      return outcome('yes', `${what} gives every instance launched without AssociatePublicIpAddress false a public IPv4 address (MapPublicIpOnLaunch true)`, o)
    return outcome('no', `${what} does not give public addresses at launch (MapPublicIpOnLaunch false): the fix would change nothing`, o)
  }
})

const internetGateway = defineStep({
  name: 'ec2pub.subnet-internet-gateway',
  summary:
    "whether the subnet's internet route (its route table, else its VPC's main table) goes to an internet gateway: then an instance without a public address is cut off from the internet",
  resourceTypes: SUBNET,
  params: z.object({}).strict(),
  run(ctx) {
    const s = subnetOf(ctx)
    if (!s) return notInEvidence(ctx)
    const tables = ctx.ev
      .resourcesWith('ec2.route-table')
      .map((id) => ctx.ev.config(id, 'ec2.route-table'))
      .filter((t): t is { value: RouteTableFacet; evidence: string[] } => !!t && t.value.account === s.value.account && t.value.region === s.value.region)
    const r = internetRouteOf(s.value.id, s.value.vpcId, tables)
    if (r.state === 'unknown')
      return outcome('unknown', `where ${s.value.id} routes to the internet is unknown: ${r.why}`, { evidence: [s.evidence, r.evidence], sources: inventory })
    const o = { evidence: [s.evidence, r.evidence], certainty: 'proven' as const, sources: inventory }
    const uses = `${s.value.id} uses ${r.table}${r.implicit ? ' (its VPC’s main table)' : ''}: ${routeText(r.route)}`
    if (r.route?.target === 'internet-gateway')
      return outcome('yes', `${uses}. An instance launched here without a public address can neither reach the internet nor be reached from it`, o)
    return outcome('no', `${uses}. An address given at launch carries nothing here: instances go out ${r.route ? 'through that route' : 'nowhere'} either way`, o)
  }
})

const launchAddresses = defineStep({
  name: 'ec2pub.subnet-launch-addresses',
  summary:
    'the running instances in the subnet whose public address EC2 assigned at launch (ec2-instances.json): they keep it, and whatever launches their replacements relies on the default',
  resourceTypes: SUBNET,
  params: z.object({}).strict(),
  run(ctx) {
    const s = subnetOf(ctx)
    if (!s) return notInEvidence(ctx)
    const ids = ctx.ev.resourcesWith('ec2.config')
    if (!ids.length) return outcome('unknown', 'no EC2 inventory is in the evidence (inventory/ec2-instances.json)', { evidence: [s.evidence], sources: inventory })
    const here = ids
      .map((id) => ctx.ev.config(id, 'ec2.config'))
      .filter((c): c is NonNullable<typeof c> => !!c && c.value.account === s.value.account && c.value.state !== 'terminated')
      .filter((c) => c.value.subnetId === s.value.id || c.value.enis.some((e) => e.subnetId === s.value.id))
    const launch = here.filter((c) => c.value.enis.some((e) => e.publicIp && e.publicIpOwner === 'amazon'))
    const evidence = [s.evidence, ...here.map((c) => c.evidence)]
    if (launch.length)
      return outcome(
        'yes',
        `${plural(launch.length, 'instance')} in ${s.value.id} got ${launch.length > 1 ? 'their' : 'its'} public address at launch: ${launch
          .slice(0, 6)
          .map(
            (c) =>
              `${c.value.instanceId}${c.value.tags.Name ? ` (${c.value.tags.Name})` : ''}${c.value.tags['aws:autoscaling:groupName'] ? `, Auto Scaling group ${c.value.tags['aws:autoscaling:groupName']}` : ''}`
          )
          .join(', ')}. They keep their addresses; what launches their replacements relies on the default`,
        { evidence, certainty: 'proven', sources: inventory }
      )
    return outcome('no', `no running instance in ${s.value.id} holds an address given at launch (${plural(here.length, 'instance')} in it)`, {
      evidence,
      certainty: 'proven',
      sources: inventory
    })
  }
})

export const SUBNET_PUBLIC_IP_STEPS = [mapsPublic, internetGateway, launchAddresses]
