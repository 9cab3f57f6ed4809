// `evidence collect --provider aws`: subnets and route tables through aws-sdk-client-mock (two
// Regions, paged listings, a refusal), written by the real collector and read back by the real
// readers (main/semantics/inventory-ec2-network.ts).
import { DescribeRouteTablesCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2'
import { mockClient } from 'aws-sdk-client-mock'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { internetRouteOf, parseRouteTables, parseSubnets } from '../semantics/inventory-ec2-network'
import { BundleWriter } from './bundle-writer'
import { awsClients } from './clients'
import type { GapInput, ServiceContext } from './collect-aws-services'
import { vpcNetwork } from './collect-ec2-network'
import { READ_ONLY_OPERATIONS } from './guard'

const ACCOUNT = '111122223333'
const awsError = (name: string, message: string): Error => Object.assign(new Error(message), { name })
const regionOf = async (getClient: () => unknown): Promise<string> => (getClient() as { config: { region(): Promise<string> } }).config.region()
const ec2 = mockClient(EC2Client)

function context(dir: string, regions: string[]): { x: ServiceContext; gaps: GapInput[] } {
  const gaps: GapInput[] = []
  const x: ServiceContext = {
    w: new BundleWriter(dir),
    clients: awsClients({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 }),
    regions,
    base: `aws/${ACCOUNT}`,
    account: ACCOUNT,
    from: new Date('2026-10-01T00:00:00Z'),
    to: new Date('2026-11-01T00:00:00Z'),
    gap: (g) => void gaps.push(g),
    progress: () => undefined,
    sleep: async () => undefined,
    reportPolls: 1,
    maxScanLookups: 0
  }
  return { x, gaps }
}

describe('evidence collect (AWS): subnets and route tables (mocked SDK)', () => {
  const root = mkdtempSync(join(tmpdir(), 'lm-collect-vpc-'))
  afterEach(() => ec2.reset())
  afterAll(() => ec2.restore())

  it('pages both listings in every Region, adds the Region to each item, and the readers find a subnet’s internet route', async () => {
    ec2.on(DescribeSubnetsCommand).callsFake(async (input: { NextToken?: string }, getClient) => {
      const region = await regionOf(getClient)
      if (region === 'eu-west-1') return { Subnets: [{ SubnetId: 'subnet-eu', VpcId: 'vpc-eu', AvailabilityZone: 'eu-west-1a', MapPublicIpOnLaunch: false }] }
      return input.NextToken === 'p2'
        ? { Subnets: [{ SubnetId: 'subnet-private', VpcId: 'vpc-1', AvailabilityZone: 'us-east-1b', CidrBlock: '10.0.2.0/24', MapPublicIpOnLaunch: false }] }
        : { Subnets: [{ SubnetId: 'subnet-public', VpcId: 'vpc-1', AvailabilityZone: 'us-east-1a', CidrBlock: '10.0.1.0/24', MapPublicIpOnLaunch: true }], NextToken: 'p2' }
    })
    ec2.on(DescribeRouteTablesCommand).callsFake(async (input: { NextToken?: string }, getClient) => {
      if ((await regionOf(getClient)) === 'eu-west-1') throw awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.')
      return input.NextToken === 'p2'
        ? {
            RouteTables: [
              {
                RouteTableId: 'rtb-private',
                VpcId: 'vpc-1',
                Associations: [{ SubnetId: 'subnet-private', Main: false }],
                Routes: [
                  { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
                  { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' }
                ]
              }
            ]
          }
        : {
            RouteTables: [
              {
                RouteTableId: 'rtb-main',
                VpcId: 'vpc-1',
                Associations: [{ Main: true }],
                Routes: [
                  { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
                  { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }
                ]
              }
            ],
            NextToken: 'p2'
          }
    })
    const dir = join(root, 'paged')
    const { x, gaps } = context(dir, ['us-east-1', 'eu-west-1'])
    await vpcNetwork(x)
    expect(gaps).toEqual([expect.objectContaining({ operation: 'DescribeRouteTables', region: 'eu-west-1', problem: expect.stringContaining('UnauthorizedOperation') })])
    const read = (f: string): unknown => JSON.parse(readFileSync(join(dir, `aws/${ACCOUNT}/inventory/${f}`), 'utf8'))
    const subnets = parseSubnets(read('subnets.json'), 'subnets.json', ACCOUNT, null)
    expect(subnets.map((s) => [s.id, s.region, s.mapPublicIpOnLaunch])).toEqual([
      ['subnet-public', 'us-east-1', true],
      ['subnet-private', 'us-east-1', false],
      ['subnet-eu', 'eu-west-1', false]
    ])
    const tables = parseRouteTables(read('route-tables.json'), 'route-tables.json', ACCOUNT, null).map((value) => ({ value, evidence: ['route-tables.json'] }))
    expect(tables.map((t) => t.value.region)).toEqual(['us-east-1', 'us-east-1'])
    // the public subnet has no explicit association: the VPC's main table, to the internet gateway
    expect(internetRouteOf('subnet-public', 'vpc-1', tables)).toMatchObject({
      state: 'known',
      table: 'rtb-main',
      implicit: true,
      route: { target: 'internet-gateway', targetId: 'igw-1' }
    })
    expect(internetRouteOf('subnet-private', 'vpc-1', tables)).toMatchObject({ state: 'known', table: 'rtb-private', implicit: false, route: { target: 'nat-gateway' } })
    // eu-west-1's tables were refused: its subnet's route is unknown, not "no route"
    expect(internetRouteOf('subnet-eu', 'vpc-eu', tables)).toMatchObject({ state: 'unknown' })
    for (const op of ['DescribeSubnets', 'DescribeRouteTables']) expect(READ_ONLY_OPERATIONS.EC2Client.has(op)).toBe(true)
  })

  it('writes no file when every Region refuses, so the reader says "not collected" rather than "none"', async () => {
    ec2.on(DescribeSubnetsCommand).rejects(awsError('UnauthorizedOperation', 'denied'))
    ec2.on(DescribeRouteTablesCommand).rejects(awsError('UnauthorizedOperation', 'denied'))
    const dir = join(root, 'refused')
    const { x, gaps } = context(dir, ['us-east-1'])
    await vpcNetwork(x)
    expect(gaps.map((g) => g.operation)).toEqual(['DescribeSubnets', 'DescribeRouteTables'])
    expect(existsSync(join(dir, `aws/${ACCOUNT}/inventory/subnets.json`))).toBe(false)
    expect(existsSync(join(dir, `aws/${ACCOUNT}/inventory/route-tables.json`))).toBe(false)
  })

  it('the readers refuse an item without its id and a route without a destination, naming the place', () => {
    expect(() => parseSubnets({ Subnets: [{ VpcId: 'vpc-1' }] }, 'subnets.json', ACCOUNT, null)).toThrow('subnets.json: Subnets[0]: a subnet without SubnetId')
    expect(() => parseRouteTables({ RouteTables: [{ RouteTableId: 'rtb-1', Routes: [{ GatewayId: 'igw-1' }] }] }, 'route-tables.json', ACCOUNT, null)).toThrow(
      'route-tables.json: RouteTables[0].Routes[0]: a route without a destination'
    )
    // a blackhole route (its NAT gateway deleted) is no way out
    const t = parseRouteTables(
      {
        RouteTables: [
          {
            RouteTableId: 'rtb-1',
            VpcId: 'vpc-1',
            Associations: [{ SubnetId: 's-1' }],
            Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-gone', State: 'blackhole' }]
          }
        ]
      },
      'route-tables.json',
      ACCOUNT,
      'us-east-1'
    )
    expect(internetRouteOf('s-1', 'vpc-1', [{ value: t[0], evidence: [] }])).toMatchObject({ state: 'known', route: null })
  })
})
