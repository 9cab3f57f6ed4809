import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import type { FacetMap } from '../../main/semantics/facets'
import { publicAccessVerdict } from './evaluate'
import { internetPath, portClients, type RdsConfig } from './access'

const A = '111122223333'
const FILE = `aws/${A}/inventory/rds-instances.json`
const arn = (id: string) => `arn:aws:rds:us-east-1:${A}:db:${id}`

describe('aws.rds.public-access evaluator', () => {
  it('FAIL when PubliclyAccessible is true, PASS when false, UNKNOWN when it was not collected', () => {
    expect(publicAccessVerdict({ PubliclyAccessible: true, Endpoint: { Address: 'a.rds.amazonaws.com', Port: 5432 } })).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('a.rds.amazonaws.com:5432')
    })
    expect(publicAccessVerdict({ PubliclyAccessible: false })).toMatchObject({ status: 'PASS' })
    expect(publicAccessVerdict({})).toMatchObject({ status: 'UNKNOWN' })
  })

  it('over a bundle: one row per instance named by its ARN, a bad element UNKNOWN in its place, and an account-level UNKNOWN without the file', async () => {
    const doc = {
      DBInstances: [
        { DBInstanceIdentifier: 'web', DBInstanceArn: arn('web'), PubliclyAccessible: true },
        { DBInstanceIdentifier: 'app', DBInstanceArn: arn('app'), PubliclyAccessible: false },
        // no ARN: named from its Availability Zone
        { DBInstanceIdentifier: 'old', AvailabilityZone: 'eu-west-1b', PubliclyAccessible: true },
        { DBInstanceIdentifier: 'bad', DBInstanceArn: arn('bad'), PubliclyAccessible: 'yes' }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), { controls: ['aws.rds.public-access'] })
    expect(findEvaluation(r, 'aws.rds.public-access', arn('web'))).toMatchObject({ status: 'FAIL', evidence: [`${FILE}#/DBInstances/0/PubliclyAccessible`] })
    expect(findEvaluation(r, 'aws.rds.public-access', arn('app'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.rds.public-access', `arn:aws:rds:eu-west-1:${A}:db:old`)).toMatchObject({ status: 'FAIL' })
    expect(r.evaluations.find((e) => e.resource.endsWith(':db:bad'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('PubliclyAccessible') })
    const none = await evaluateBundle(writeBundle(tempDir(), { files: { [`aws/${A}/inventory/s3-account.json`]: { publicAccessBlock: null } } }), {
      controls: ['aws.rds.public-access']
    })
    expect(none.evaluations).toEqual([expect.objectContaining({ control: 'aws.rds.public-access', resource: `AWS::::Account:${A}`, status: 'UNKNOWN' })])
  })
})

const base: RdsConfig = {
  account: A,
  identifier: 'db1',
  arn: arn('db1'),
  region: 'us-east-1',
  engine: 'postgres',
  status: 'available',
  publiclyAccessible: true,
  address: 'db1.x.us-east-1.rds.amazonaws.com',
  port: 5432,
  vpcId: 'vpc-1',
  subnets: [],
  securityGroups: ['sg-1'],
  tags: {}
}
type Sg = FacetMap['sg.config']
const rule = (over: Partial<Sg['ingress'][number]>): Sg['ingress'][number] => ({
  protocol: 'tcp',
  fromPort: 5432,
  toPort: 5432,
  cidrs: [],
  ipv6: [],
  prefixLists: [],
  groups: [],
  ...over
})
const group = (ingress: Sg['ingress']): Sg => ({ account: A, groupId: 'sg-1', arn: null, region: 'us-east-1', name: null, vpcId: 'vpc-1', tags: {}, ingress, openToInternet: [] })
const sgs = (g: Sg | null) => (id: string) => (g && id.endsWith('/sg-1') ? { value: g, evidence: ['sg#1'] } : null)

describe('the internet path to the instance (access.ts)', () => {
  it('is open when any block with public addresses reaches the port, even a single office address or all traffic', () => {
    expect(internetPath(base, sgs(group([rule({ cidrs: ['0.0.0.0/0'] })])))).toMatchObject({ answer: 'yes', why: expect.stringContaining('sg-1 admits 0.0.0.0/0') })
    expect(internetPath(base, sgs(group([rule({ cidrs: ['52.95.110.7/32'] })])))).toMatchObject({ answer: 'yes' })
    expect(internetPath(base, sgs(group([rule({ protocol: '-1', fromPort: null, toPort: null, ipv6: ['::/0'] })])))).toMatchObject({ answer: 'yes' })
  })
  it('is closed when only private blocks or other groups reach the port, or public blocks reach other ports', () => {
    expect(internetPath(base, sgs(group([rule({ cidrs: ['10.0.0.0/16'], groups: ['sg-app'] }), rule({ fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] })])))).toMatchObject({
      answer: 'no'
    })
  })
  it('is unknown when a group is missing from the evidence, or a prefix list reaches the port', () => {
    expect(internetPath(base, sgs(null))).toMatchObject({ answer: 'unknown', why: expect.stringContaining('sg-1') })
    expect(internetPath(base, sgs(group([rule({ prefixLists: ['pl-1'] })])))).toMatchObject({ answer: 'unknown', why: expect.stringContaining('pl-1') })
  })
})

describe('the clients of the instance port (access.ts)', () => {
  const served = (ports: FacetMap['flows.served']['ports']) => () => ({ value: { ports, overflow: null, directionUnknown: false }, evidence: ['flows#1'] })
  const port = (p: Partial<FacetMap['flows.served']['ports'][number]>) => ({
    eni: 'eni-1',
    protocol: 6,
    port: 5432,
    sessions: 10,
    probes: 0,
    sources: 2,
    ipv4: true,
    ipv6: false,
    days: [],
    first: 1,
    last: 2,
    ...p
  })
  const withEni = { ...base, enis: [{ id: 'eni-1', privateIp: '10.0.0.5' }] }
  it('counts sessions to the instance port only, and public ones apart', () => {
    const [c] = portClients(withEni, served([port({ publicSessions: 3, publicSources: ['203.0.113.5'] }), port({ port: 443, sessions: 99, publicSessions: 99 })]))
    expect(c).toMatchObject({ eni: 'eni-1', key: `eni:${A}:eni-1`, sessions: 10, publicSessions: 3, publicSources: ['203.0.113.5'] })
  })
  it('says "not counted" (null) for flow logs read before public sources were counted, and no flow log (null served) for an interface without one', () => {
    expect(portClients(withEni, served([port({})]))[0].publicSessions).toBeNull()
    expect(portClients(withEni, () => null)[0]).toMatchObject({ served: null, sessions: 0 })
    expect(portClients(base, () => null)).toEqual([])
  })
})
