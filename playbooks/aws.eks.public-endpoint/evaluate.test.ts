import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { eksEndpointVerdict } from './evaluate'

const A = '111122223333'
const FILE = `aws/${A}/inventory/eks-clusters.json`
const arn = (name: string) => `arn:aws:eks:eu-west-1:${A}:cluster/${name}`

describe('aws.eks.public-endpoint evaluator', () => {
  it('FAIL when endpointPublicAccess is true (whatever publicAccessCidrs say), PASS when false, UNKNOWN when it was not collected', () => {
    expect(eksEndpointVerdict({ name: 'a', resourcesVpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ['198.51.100.0/24'] } })).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('198.51.100.0/24')
    })
    expect(eksEndpointVerdict({ name: 'a', resourcesVpcConfig: { endpointPublicAccess: true } })).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('0.0.0.0/0') })
    expect(eksEndpointVerdict({ name: 'a', resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true } })).toMatchObject({ status: 'PASS' })
    expect(eksEndpointVerdict({ name: 'a', resourcesVpcConfig: {} })).toMatchObject({ status: 'UNKNOWN' })
    expect(eksEndpointVerdict({ name: 'a' })).toMatchObject({ status: 'UNKNOWN' })
  })

  it('over a bundle: one row per cluster named by its ARN, a bad element UNKNOWN in its place, an ECS listing gap not taken for EKS, and an account-level UNKNOWN without the file', async () => {
    const doc = {
      clusters: [
        { name: 'web', arn: arn('web'), resourcesVpcConfig: { endpointPublicAccess: true, endpointPrivateAccess: false } },
        { name: 'app', arn: arn('app'), resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true } },
        { name: 'bad', arn: arn('bad'), resourcesVpcConfig: { endpointPublicAccess: 'yes' } }
      ]
    }
    const gaps = [
      { source: 'aws.inventory', scope: A, operation: 'ListClusters', region: 'us-east-1', problem: 'ListClusters in us-east-1: AccessDenied (ECS)' },
      { source: 'aws.inventory', scope: A, operation: 'ListClusters', region: 'us-west-2', problem: 'ListClusters in us-west-2: AccessDenied (EKS)' }
    ]
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc }, manifest: { gaps } }), { controls: ['aws.eks.public-endpoint'] })
    expect(findEvaluation(r, 'aws.eks.public-endpoint', arn('web'))).toMatchObject({ status: 'FAIL', region: 'eu-west-1', evidence: [`${FILE}#/clusters/0/resourcesVpcConfig`] })
    expect(findEvaluation(r, 'aws.eks.public-endpoint', arn('app'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.eks.public-endpoint', arn('bad'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('endpointPublicAccess') })
    const listing = r.evaluations.filter((e) => e.resource === `AWS::::Account:${A}`)
    expect(listing.map((e) => [e.region, e.status])).toEqual([['us-west-2', 'UNKNOWN']])
    const none = await evaluateBundle(writeBundle(tempDir(), { files: { [`aws/${A}/inventory/s3-account.json`]: { publicAccessBlock: null } } }), {
      controls: ['aws.eks.public-endpoint']
    })
    expect(none.evaluations).toEqual([expect.objectContaining({ control: 'aws.eks.public-endpoint', resource: `AWS::::Account:${A}`, status: 'UNKNOWN' })])
  })
})
