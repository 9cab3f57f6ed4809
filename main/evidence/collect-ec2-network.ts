// `evidence collect --provider aws`: the subnets and route tables of each Region (DescribeSubnets,
// DescribeRouteTables), which say what a public IPv4 address gives an instance — whether its subnet
// hands one out at launch (MapPublicIpOnLaunch) and whether the subnet's internet route goes to an
// internet gateway (the address is the instance's way out) or a NAT gateway (it is not). Each item
// keeps the API's own shape with the Region it was listed in added ("Region"), as security groups
// do; a Region whose listing fails is a gap, and its items are absent (unknown), never "none".
import { paginateDescribeRouteTables, paginateDescribeSubnets, type RouteTable, type Subnet } from '@aws-sdk/client-ec2'
import { why, type ServiceContext } from './collect-aws-services'

/** inventory/subnets.json {"Subnets":[…]} and inventory/route-tables.json {"RouteTables":[…]}, every Region's together. */
export async function vpcNetwork(x: ServiceContext): Promise<void> {
  const subnets: Array<Subnet & { Region: string }> = []
  const tables: Array<RouteTable & { Region: string }> = []
  let subnetsListed = 0
  let tablesListed = 0
  for (const region of x.regions) {
    const ec2 = x.clients.ec2(region)
    x.progress(`EC2 ${region}: subnets and route tables`)
    try {
      const mine: Array<Subnet & { Region: string }> = []
      for await (const page of paginateDescribeSubnets({ client: ec2 }, {})) mine.push(...(page.Subnets ?? []).map((s) => ({ ...s, Region: region })))
      subnets.push(...mine)
      subnetsListed++
    } catch (e) {
      x.gap({ source: 'aws.inventory', operation: 'DescribeSubnets', region, problem: `DescribeSubnets in ${region}: ${why(e)}` })
    }
    try {
      const mine: Array<RouteTable & { Region: string }> = []
      for await (const page of paginateDescribeRouteTables({ client: ec2 }, {})) mine.push(...(page.RouteTables ?? []).map((t) => ({ ...t, Region: region })))
      tables.push(...mine)
      tablesListed++
    } catch (e) {
      x.gap({ source: 'aws.inventory', operation: 'DescribeRouteTables', region, problem: `DescribeRouteTables in ${region}: ${why(e)}` })
    }
  }
  if (subnetsListed) x.w.writeJson(`${x.base}/inventory/subnets.json`, { Subnets: subnets })
  if (tablesListed) x.w.writeJson(`${x.base}/inventory/route-tables.json`, { RouteTables: tables })
}
