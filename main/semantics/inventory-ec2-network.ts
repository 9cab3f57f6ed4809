// The VPC plumbing that decides what a public IPv4 address gives an instance: the subnets
// (inventory/subnets.json, DescribeSubnets: MapPublicIpOnLaunch) and the route tables
// (inventory/route-tables.json, DescribeRouteTables: where a subnet's traffic to the internet goes).
// `lastmile evidence collect` adds the Region it listed each item in ("Region", not AWS's), as it
// does for security groups.
//
// A subnet uses the route table explicitly associated with it, else its VPC's main route table (VPC
// User Guide, "Route tables": "a subnet that is not explicitly associated with a route table is
// implicitly associated with the main route table"). Its IPv4 internet route is the most specific
// active route covering the internet (0.0.0.0/0 in practice): to an internet gateway, the instance's
// own public address is its way out and in; to a NAT gateway (or a NAT instance, a transit gateway,
// a firewall endpoint…), the instance goes out through that device and its public address carries
// nothing but what arrives at it. A route whose target is gone is "blackhole": no path.
import { z } from 'zod'
import { BadEvidence } from './bad-evidence'
import { arr, bool, obj, requireArray, str, tagsOf } from './cloud-output'
import { partitionOf, regionOfZone } from './ids'

export const subnetArn = (region: string, account: string, id: string): string => `arn:${partitionOf(region)}:ec2:${region}:${account}:subnet/${id}`
export const routeTableArn = (region: string, account: string, id: string): string => `arn:${partitionOf(region)}:ec2:${region}:${account}:route-table/${id}`

/** Where a route sends traffic, from the target field DescribeRouteTables sets. */
export const RouteTarget = z.enum(['internet-gateway', 'nat-gateway', 'nat-instance', 'transit-gateway', 'peering', 'vpc-endpoint', 'egress-only', 'local', 'other'])
export type RouteTarget = z.infer<typeof RouteTarget>

export const RouteFacetRoute = z.strictObject({
  /** DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId */
  destination: z.string(),
  target: RouteTarget,
  /** the target's id (igw-…, nat-…, i-…, tgw-…) */
  targetId: z.string().nullable(),
  /** active or blackhole; null when the file does not say */
  state: z.string().nullable()
})
export type RouteFacetRoute = z.infer<typeof RouteFacetRoute>

/** `ec2.route-table`: one route table of inventory/route-tables.json (DescribeRouteTables). */
export const RouteTableFacet = z.strictObject({
  account: z.string(),
  region: z.string(),
  id: z.string(),
  vpcId: z.string().nullable(),
  /** the VPC's main route table (subnets without an explicit association use it) */
  main: z.boolean(),
  /** the subnets explicitly associated with it */
  subnets: z.array(z.string()),
  routes: z.array(RouteFacetRoute)
})
export type RouteTableFacet = z.infer<typeof RouteTableFacet>

/** `ec2.subnet`: one subnet of inventory/subnets.json (DescribeSubnets). Null: the file does not say. */
export const SubnetFacet = z.strictObject({
  account: z.string(),
  region: z.string(),
  id: z.string(),
  vpcId: z.string().nullable(),
  cidr: z.string().nullable(),
  zone: z.string().nullable(),
  /** MapPublicIpOnLaunch: instances launched in it get a public IPv4 address unless the launch says otherwise */
  mapPublicIpOnLaunch: z.boolean().nullable(),
  defaultForAz: z.boolean().nullable(),
  tags: z.record(z.string(), z.string())
})
export type SubnetFacet = z.infer<typeof SubnetFacet>

/** A DescribeSubnets item as the evaluators read it (inventory/subnets.json): a missing MapPublicIpOnLaunch is not collected. */
export const SubnetDoc = z.object({
  SubnetId: z.string().min(1),
  VpcId: z.string().optional(),
  OwnerId: z.string().optional(),
  AvailabilityZone: z.string().optional(),
  SubnetArn: z.string().optional(),
  Region: z.string().optional(),
  MapPublicIpOnLaunch: z.boolean().optional()
})
export type SubnetDoc = z.infer<typeof SubnetDoc>

function targetOf(r: Record<string, unknown>): { target: RouteTarget; targetId: string | null } {
  const gw = str(r.GatewayId)
  if (gw === 'local') return { target: 'local', targetId: null }
  if (gw?.startsWith('igw-')) return { target: 'internet-gateway', targetId: gw }
  if (gw?.startsWith('vpce-')) return { target: 'vpc-endpoint', targetId: gw }
  if (str(r.NatGatewayId)) return { target: 'nat-gateway', targetId: str(r.NatGatewayId) }
  if (str(r.EgressOnlyInternetGatewayId)) return { target: 'egress-only', targetId: str(r.EgressOnlyInternetGatewayId) }
  if (str(r.InstanceId)) return { target: 'nat-instance', targetId: str(r.InstanceId) }
  if (str(r.TransitGatewayId)) return { target: 'transit-gateway', targetId: str(r.TransitGatewayId) }
  if (str(r.VpcPeeringConnectionId)) return { target: 'peering', targetId: str(r.VpcPeeringConnectionId) }
  return { target: 'other', targetId: gw ?? str(r.NetworkInterfaceId) ?? str(r.CoreNetworkArn) ?? str(r.LocalGatewayId) ?? str(r.CarrierGatewayId) }
}

/** The item's Region: the one the collector listed it in, else its zone's. */
function regionOf(o: Record<string, unknown>, zone: string | null): string | null {
  return str(o.Region) ?? (zone ? regionOfZone(zone) : null)
}

/** inventory/route-tables.json: {"RouteTables":[DescribeRouteTables item + "Region"]}. */
export function parseRouteTables(doc: unknown, file: string, account: string, soleRegion: string | null): RouteTableFacet[] {
  return requireArray(doc, file, 'RouteTables').map((x, i) => {
    const t = obj(x)
    const id = str(t?.RouteTableId)
    if (!t || !id) throw new BadEvidence(file, `RouteTables[${i}]`, 'a route table without RouteTableId')
    const assoc = arr(t.Associations).map((a) => obj(a) ?? {})
    const routes = arr(t.Routes).map((r, k) => {
      const ro = obj(r)
      const destination = str(ro?.DestinationCidrBlock) ?? str(ro?.DestinationIpv6CidrBlock) ?? str(ro?.DestinationPrefixListId)
      if (!ro || !destination)
        throw new BadEvidence(file, `RouteTables[${i}].Routes[${k}]`, 'a route without a destination (DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId)')
      return { destination, ...targetOf(ro), state: str(ro.State) }
    })
    return {
      account: str(t.OwnerId) ?? account,
      region: regionOf(t, null) ?? soleRegion ?? 'unknown',
      id,
      vpcId: str(t.VpcId),
      main: assoc.some((a) => a.Main === true),
      subnets: assoc.map((a) => str(a.SubnetId)).filter((s): s is string => !!s),
      routes
    }
  })
}

/** inventory/subnets.json: {"Subnets":[DescribeSubnets item + "Region"]}. */
export function parseSubnets(doc: unknown, file: string, account: string, soleRegion: string | null): SubnetFacet[] {
  return requireArray(doc, file, 'Subnets').map((x, i) => {
    const s = obj(x)
    const id = str(s?.SubnetId)
    if (!s || !id) throw new BadEvidence(file, `Subnets[${i}]`, 'a subnet without SubnetId')
    const zone = str(s.AvailabilityZone)
    return {
      account: str(s.OwnerId) ?? account,
      region: regionOf(s, zone) ?? soleRegion ?? 'unknown',
      id,
      vpcId: str(s.VpcId),
      cidr: str(s.CidrBlock),
      zone,
      mapPublicIpOnLaunch: bool(s.MapPublicIpOnLaunch),
      defaultForAz: bool(s.DefaultForAz),
      tags: tagsOf(s.Tags)
    }
  })
}

/** A subnet's way to the IPv4 internet, from the route tables in evidence. */
export type InternetRoute =
  | { state: 'unknown'; why: string; evidence: string[] }
  | { state: 'known'; table: string; implicit: boolean; route: RouteFacetRoute | null; evidence: string[] }

/**
 * The route table a subnet uses (its explicit association, else its VPC's main table) and the
 * route its IPv4 traffic to the internet takes: the active route to 0.0.0.0/0 (a blackhole route,
 * or none, is no way out). `tables` are the route tables of the subnet's account and Region.
 */
export function internetRouteOf(subnet: string, vpcId: string | null, tables: ReadonlyArray<{ value: RouteTableFacet; evidence: string[] }>): InternetRoute {
  if (!tables.length) return { state: 'unknown', why: 'no route table of its Region is in the evidence (inventory/route-tables.json)', evidence: [] }
  const explicit = tables.find((t) => t.value.subnets.includes(subnet))
  const main = vpcId ? tables.find((t) => t.value.main && t.value.vpcId === vpcId) : undefined
  const t = explicit ?? main
  if (!t)
    return {
      state: 'unknown',
      why: vpcId
        ? `no route table of the evidence is associated with ${subnet}, and the main route table of ${vpcId} is not in it`
        : `no route table of the evidence is associated with ${subnet}, and its VPC is not known`,
      evidence: tables.flatMap((x) => x.evidence)
    }
  const route = t.value.routes.find((r) => r.destination === '0.0.0.0/0' && r.state !== 'blackhole') ?? null
  return { state: 'known', table: t.value.id, implicit: !explicit, route, evidence: t.evidence }
}

/** "igw-0abc (an internet gateway)" and the like, for sentences. */
export function routeText(r: RouteFacetRoute | null): string {
  if (!r) return 'no route to the internet'
  const what: Record<RouteTarget, string> = {
    'internet-gateway': 'an internet gateway',
    'nat-gateway': 'a NAT gateway',
    'nat-instance': 'an instance (a NAT instance)',
    'transit-gateway': 'a transit gateway',
    peering: 'a VPC peering connection',
    'vpc-endpoint': 'a VPC endpoint (a firewall or appliance)',
    'egress-only': 'an egress-only internet gateway',
    local: 'the VPC itself',
    other: 'another target'
  }
  return `${r.destination} → ${r.targetId ?? '?'} (${what[r.target]})`
}
