import { describe, expect, it } from 'vitest'
import type { PublicAccessBlock } from '../semantics/inventory'
import { httpsOnlyForBucket, publicAccessBlockForBucket } from './s3'

const ARN = 'arn:aws:s3:::b'
const ALL_ON: PublicAccessBlock = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }

describe('aws.s3.https-only for one bucket: missing key vs null', () => {
  it('a missing policy key is UNKNOWN (not collected), with the place', () => {
    expect(httpsOnlyForBucket({}, ARN, 'f#/buckets/0/policy')).toEqual({ status: 'UNKNOWN', reason: 'f#/buckets/0/policy: the bucket\'s policy was not collected (no "policy" key)' })
  })
  it('policy null is known: no policy, so HTTP is allowed — FAIL', () => {
    expect(httpsOnlyForBucket({ policy: null }, ARN, 'p')).toMatchObject({ status: 'FAIL', reason: expect.stringMatching(/no bucket policy/) })
  })
  it('an unparsable policy is UNKNOWN naming the place in the file and in the policy', () => {
    expect(httpsOnlyForBucket({ policy: '{"Statement": [' }, ARN, 'f#/buckets/2/policy')).toEqual({
      status: 'UNKNOWN',
      reason: 'f#/buckets/2/policy: the policy is not JSON: line 1 column 16: expected a value, found the end of the text'
    })
  })
})

describe('aws.s3.public-access-block for one bucket: the bucket and the account level together', () => {
  it('PASS with all four on at either level, mixed', () => {
    const v = publicAccessBlockForBucket({ publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true } }, { BlockPublicPolicy: true, RestrictPublicBuckets: true })
    expect(v).toMatchObject({ status: 'PASS', reason: expect.stringContaining('BlockPublicAcls: bucket, IgnorePublicAcls: bucket, BlockPublicPolicy: account, RestrictPublicBuckets: account') })
  })
  it('FAIL naming the settings off at both levels', () => {
    expect(publicAccessBlockForBucket({ publicAccessBlock: { ...ALL_ON, RestrictPublicBuckets: false } }, null)).toEqual({
      status: 'FAIL',
      reason: 'Block Public Access is off at both the bucket and the account level for RestrictPublicBuckets'
    })
  })
  it('UNKNOWN when the account level is not in the bundle and the bucket does not turn all on', () => {
    expect(publicAccessBlockForBucket({ publicAccessBlock: { ...ALL_ON, BlockPublicPolicy: false } }, undefined)).toMatchObject({
      status: 'UNKNOWN',
      reason: expect.stringMatching(/^BlockPublicPolicy: not on for the bucket .* account level is not in the bundle/)
    })
    expect(publicAccessBlockForBucket({ publicAccessBlock: ALL_ON }, undefined).status).toBe('PASS')
  })
})
