import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import type { FacetMap } from '../../main/semantics/facets'
import { publicIpVerdict } from './evaluate'
import { admitsPublic, kindOf, publicAddresses, type Ec2Config } from './access'

const A = '111122223333'
const FILE = `aws/${A}/inventory/ec2-instances.json`
const arn = (id: string) => `arn:aws:ec2:us-east-1:${A}:instance/${id}`
const inst = (id: string, extra: Record<string, unknown> = {}) => ({ InstanceId: id, State: { Name: 'running' }, Placement: { AvailabilityZone: 'us-east-1a' }, ...extra })

describe('aws.ec2.instance-public-ip evaluator', () => {
  it('FAIL with a PublicIpAddress or an interface association, PASS without either', () => {
    expect(publicIpVerdict({ PublicIpAddress: '3.1.2.3' })).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('3.1.2.3') })
    expect(publicIpVerdict({ NetworkInterfaces: [{ Association: { PublicIp: '3.1.2.4', IpOwnerId: A } }] })).toMatchObject({ status: 'FAIL' })
    expect(publicIpVerdict({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1' }] })).toMatchObject({ status: 'PASS' })
  })

  it('over a bundle: one row per instance, terminated ones skipped, a bad element UNKNOWN in its place, and an account-level UNKNOWN without the file', async () => {
    const doc = {
      Reservations: [
        {
          OwnerId: A,
          Instances: [
            inst('i-web', { PublicIpAddress: '3.1.2.3' }),
            inst('i-app'),
            inst('i-gone', { State: { Name: 'terminated' }, PublicIpAddress: '3.1.2.9' }),
            inst('i-bad', { PublicIpAddress: 42 })
          ]
        }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), { controls: ['aws.ec2.instance-public-ip'] })
    expect(findEvaluation(r, 'aws.ec2.instance-public-ip', arn('i-web'))).toMatchObject({ status: 'FAIL', evidence: [`${FILE}#/Reservations/0/Instances/0`] })
    expect(findEvaluation(r, 'aws.ec2.instance-public-ip', arn('i-app'))).toMatchObject({ status: 'PASS' })
    expect(r.evaluations.find((e) => e.resource.endsWith('/i-gone'))).toBeUndefined()
    expect(r.evaluations.find((e) => e.resource.endsWith('/i-bad'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('PublicIpAddress') })
    const none = await evaluateBundle(writeBundle(tempDir(), { files: { [`aws/${A}/inventory/s3-account.json`]: { publicAccessBlock: null } } }), {
      controls: ['aws.ec2.instance-public-ip']
    })
    expect(none.evaluations).toEqual([expect.objectContaining({ resource: `AWS::::Account:${A}`, status: 'UNKNOWN' })])
  })
})

const base: Ec2Config = {
  account: A,
  instanceId: 'i-1',
  region: 'us-east-1',
  state: 'running',
  type: 't3.micro',
  launchTime: null,
  tags: {},
  httpTokens: 'required',
  hopLimit: 1,
  httpEndpoint: 'enabled',
  instanceProfileArn: null,
  securityGroups: ['sg-1'],
  enis: [],
  publicIp: null,
  publicDns: null,
  privateIps: [],
  vpcId: 'vpc-1',
  subnetId: 'subnet-1',
  imageId: null
}
const eni = (over: Partial<Ec2Config['enis'][number]>): Ec2Config['enis'][number] => ({ id: 'eni-1', groups: [], privateIp: '10.0.0.5', publicIp: null, ...over })

describe('the public addresses of an instance (access.ts)', () => {
  it('tells an Elastic IP (the account owns it) from an address assigned at launch ("amazon"), and says unknown without an owner', () => {
    expect([kindOf(A), kindOf('amazon'), kindOf(null), kindOf(undefined)]).toEqual(['elastic', 'launch', 'unknown', 'unknown'])
  })
  it('lists every interface holding one, the primary interface in the instance’s subnet; an instance-level address no interface carries is of unknown kind', () => {
    const c = {
      ...base,
      enis: [
        eni({ publicIp: '3.1.1.1', publicIpOwner: 'amazon', deviceIndex: 0 }),
        eni({ id: 'eni-2', publicIp: '3.1.1.2', publicIpOwner: A, deviceIndex: 1, subnetId: 'subnet-2' })
      ]
    }
    expect(publicAddresses(c)).toEqual([
      { eni: 'eni-1', publicIp: '3.1.1.1', privateIp: '10.0.0.5', kind: 'launch', subnet: 'subnet-1' },
      { eni: 'eni-2', publicIp: '3.1.1.2', privateIp: '10.0.0.5', kind: 'elastic', subnet: 'subnet-2' }
    ])
    expect(publicAddresses({ ...base, publicIp: '3.1.1.9', enis: [eni({})] })).toEqual([
      { eni: 'eni-1', publicIp: '3.1.1.9', privateIp: '10.0.0.5', kind: 'unknown', subnet: 'subnet-1' }
    ])
    expect(publicAddresses({ ...base, enis: [eni({})] })).toEqual([])
  })
})

type Sg = FacetMap['sg.config']
const rule = (over: Partial<Sg['ingress'][number]>): Sg['ingress'][number] => ({
  protocol: 'tcp',
  fromPort: 443,
  toPort: 443,
  cidrs: [],
  ipv6: [],
  prefixLists: [],
  groups: [],
  ...over
})
const group = (ingress: Sg['ingress']): Sg => ({ account: A, groupId: 'sg-1', arn: null, region: 'us-east-1', name: null, vpcId: 'vpc-1', tags: {}, ingress, openToInternet: [] })
const sgs = (g: Sg | null) => (id: string) => (g && id.endsWith('/sg-1') ? { value: g, evidence: ['sg#1'] } : null)

describe('whether the security groups let the internet in at all (access.ts)', () => {
  it('yes for any block holding a public IPv4 address, on any port', () => {
    expect(admitsPublic(base, sgs(group([rule({ cidrs: ['52.95.110.7/32'] })])))).toMatchObject({ answer: 'yes', why: 'sg-1 admits 52.95.110.7/32' })
  })
  it('no for private blocks, IPv6 and other groups only; unknown for a prefix list or a group not in the evidence', () => {
    expect(admitsPublic(base, sgs(group([rule({ cidrs: ['10.0.0.0/8'], ipv6: ['::/0'], groups: ['sg-lb'] })])))).toMatchObject({ answer: 'no' })
    expect(admitsPublic(base, sgs(group([rule({ prefixLists: ['pl-1'] })])))).toMatchObject({ answer: 'unknown', why: expect.stringContaining('pl-1') })
    expect(admitsPublic(base, sgs(null))).toMatchObject({ answer: 'unknown', why: expect.stringContaining('sg-1') })
  })
})
