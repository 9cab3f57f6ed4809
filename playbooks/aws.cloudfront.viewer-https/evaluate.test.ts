import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { viewerHttpsVerdict } from './evaluate'

const A = '111122223333'
const FILE = `aws/${A}/inventory/cloudfront-distributions.json`
const arn = (id: string) => `arn:aws:cloudfront::${A}:distribution/${id}`
type Policy = 'allow-all' | 'https-only' | 'redirect-to-https'
const behaviour = (policy: Policy, path?: string) => ({ PathPattern: path ?? '', TargetOriginId: 'o', ViewerProtocolPolicy: policy })

describe('aws.cloudfront.viewer-https evaluator', () => {
  it('FAIL when the default or any ordered behaviour is allow-all (named), PASS when every one redirects or refuses HTTP', () => {
    expect(viewerHttpsVerdict({ Id: 'E1', DefaultCacheBehavior: behaviour('allow-all') })).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('the default behaviour (*)')
    })
    expect(
      viewerHttpsVerdict({
        Id: 'E1',
        DefaultCacheBehavior: behaviour('redirect-to-https'),
        CacheBehaviors: { Quantity: 2, Items: [behaviour('https-only', '/a/*'), behaviour('allow-all', 'api/*')] }
      })
    ).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('/api/*') })
    expect(
      viewerHttpsVerdict({ Id: 'E1', DefaultCacheBehavior: behaviour('redirect-to-https'), CacheBehaviors: { Quantity: 1, Items: [behaviour('https-only', '/a/*')] } })
    ).toMatchObject({ status: 'PASS' })
  })

  it('over a bundle: one row per distribution named by its ARN, a bad element UNKNOWN in its place, an account-level UNKNOWN without the file', async () => {
    const doc = {
      DistributionList: {
        Quantity: 3,
        Items: [
          { Id: 'EOPEN', ARN: arn('EOPEN'), DefaultCacheBehavior: behaviour('allow-all') },
          { Id: 'ESHUT', ARN: arn('ESHUT'), DefaultCacheBehavior: behaviour('https-only') },
          { Id: 'EBAD', ARN: arn('EBAD'), DefaultCacheBehavior: { TargetOriginId: 'o', ViewerProtocolPolicy: 'sometimes' } }
        ]
      }
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), { controls: ['aws.cloudfront.viewer-https'] })
    expect(findEvaluation(r, 'aws.cloudfront.viewer-https', arn('EOPEN'))).toMatchObject({ status: 'FAIL', evidence: [`${FILE}#/DistributionList/Items/0`] })
    expect(findEvaluation(r, 'aws.cloudfront.viewer-https', arn('ESHUT'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.cloudfront.viewer-https', arn('EBAD'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('ViewerProtocolPolicy') })
    // ListDistributions without Items: no distribution, nothing to evaluate
    const empty = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: { DistributionList: { Quantity: 0, IsTruncated: false } } } }), {
      controls: ['aws.cloudfront.viewer-https']
    })
    expect(empty.evaluations).toEqual([])
    const none = await evaluateBundle(writeBundle(tempDir(), { files: { [`aws/${A}/inventory/s3-account.json`]: { publicAccessBlock: null } } }), {
      controls: ['aws.cloudfront.viewer-https']
    })
    expect(none.evaluations).toEqual([expect.objectContaining({ control: 'aws.cloudfront.viewer-https', resource: `AWS::::Account:${A}`, status: 'UNKNOWN' })])
  })
})
