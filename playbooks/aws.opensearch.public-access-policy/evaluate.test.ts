import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'

const A = '111122223333'
const FILE = `aws/${A}/inventory/opensearch-domains.json`
const C = 'aws.opensearch.public-access-policy'
const arn = (name: string) => `arn:aws:es:eu-west-1:${A}:domain/${name}`
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements })
const anyone = (name: string, condition?: unknown) => ({
  Effect: 'Allow',
  Principal: { AWS: '*' },
  Action: 'es:*',
  Resource: `${arn(name)}/*`,
  ...(condition ? { Condition: condition } : {})
})
const domain = (name: string, p: string | undefined, extra: Record<string, unknown> = {}) => ({
  DomainName: name,
  ARN: arn(name),
  Endpoint: `search-${name}-abc.eu-west-1.es.amazonaws.com`,
  ...(p === undefined ? {} : { AccessPolicies: p }),
  ...extra
})

describe('aws.opensearch.public-access-policy evaluator', () => {
  it('over a bundle: FAIL for a public endpoint granting to everyone, PASS for a narrow aws:SourceIp, no policy or a VPC, UNKNOWN when the policy was not collected', async () => {
    const doc = {
      DomainStatusList: [
        domain('open', policy(anyone('open'))),
        domain('office', policy(anyone('office', { IpAddress: { 'aws:SourceIp': ['198.51.100.0/24'] } }))),
        domain('wide', policy(anyone('wide', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }))),
        domain('none', ''),
        domain('in-vpc', policy(anyone('in-vpc')), { Endpoint: undefined, Endpoints: { vpc: 'vpc-in-vpc-abc.eu-west-1.es.amazonaws.com' }, VPCOptions: { VPCId: 'vpc-0abc' } }),
        domain('unseen', undefined),
        { DomainName: 'broken' }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), { controls: [C] })
    expect(findEvaluation(r, C, arn('open'))).toMatchObject({ status: 'FAIL', evidence: [`${FILE}#/DomainStatusList/0/AccessPolicies`] })
    expect(findEvaluation(r, C, arn('office'))).toMatchObject({ status: 'PASS' })
    // a /0 source range pins no one: as public as no condition
    expect(findEvaluation(r, C, arn('wide'))).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('aws:SourceIp') })
    expect(findEvaluation(r, C, arn('none'))).toMatchObject({ status: 'PASS', reason: expect.stringContaining('no resource policy') })
    expect(findEvaluation(r, C, arn('in-vpc'))).toMatchObject({ status: 'PASS', reason: expect.stringContaining('vpc-0abc'), evidence: [`${FILE}#/DomainStatusList/4/VPCOptions`] })
    expect(findEvaluation(r, C, arn('unseen'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('not collected') })
    // an element that cannot be read is UNKNOWN under the domain's ARN (its Region, when the bundle's scope names one)
    expect(r.evaluations.find((e) => e.control === C && e.resource.endsWith(`:${A}:domain/broken`))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('ARN') })
  })

  it('says UNKNOWN for the account when opensearch-domains.json is not in the bundle', async () => {
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [`aws/${A}/inventory/kms-keys.json`]: { Keys: [] } } }), { controls: [C] })
    expect(r.evaluations.filter((e) => e.control === C)).toEqual([expect.objectContaining({ status: 'UNKNOWN', reason: expect.stringContaining('opensearch-domains.json') })])
  })
})
