import { describe, expect, it } from 'vitest'
import { httpsOnlyForBucket } from './evaluate'

const ARN = 'arn:aws:s3:::b'

describe('aws.s3.https-only for one bucket: missing key vs null', () => {
  it('a missing policy key is UNKNOWN (not collected), with the place', () => {
    expect(httpsOnlyForBucket({}, ARN, 'f#/buckets/0/policy')).toEqual({
      status: 'UNKNOWN',
      reason: 'f#/buckets/0/policy: the bucket\'s policy was not collected (no "policy" key)'
    })
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
