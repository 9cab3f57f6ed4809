import { describe, expect, it } from 'vitest'
import type { PublicAccessBlock } from '../../main/semantics/inventory'
import { publicAccessBlockForBucket } from './evaluate'

const ALL_ON: PublicAccessBlock = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }

describe('aws.s3.public-access-block for one bucket: the bucket and the account level together', () => {
  it('PASS with all four on at either level, mixed', () => {
    const v = publicAccessBlockForBucket({ publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true } }, { BlockPublicPolicy: true, RestrictPublicBuckets: true })
    expect(v).toMatchObject({
      status: 'PASS',
      reason: expect.stringContaining('BlockPublicAcls: bucket, IgnorePublicAcls: bucket, BlockPublicPolicy: account, RestrictPublicBuckets: account')
    })
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
