import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'

const owner = { Type: 'CanonicalUser', ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }
const privateAcl = { Grants: [{ Grantee: owner, Permission: 'FULL_CONTROL' }] }
const publicPolicy = (b: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }] })
const BUCKETS = 'aws/111122223333/inventory/s3-buckets.json'
const ACCOUNT = 'aws/111122223333/inventory/s3-account.json'
const buckets = {
  buckets: [
    { name: 'open', region: 'us-east-1', policy: publicPolicy('open'), publicAccessBlock: null, acl: privateAcl },
    { name: 'closed', region: 'us-east-1', policy: null, publicAccessBlock: null, acl: privateAcl },
    { name: 'unsure', region: 'us-east-1', publicAccessBlock: null, acl: privateAcl }
  ]
}

describe('aws.s3.public-access evaluator, over a bundle', () => {
  it('FAIL for a public policy, PASS for a private bucket, UNKNOWN for a policy not collected; the account level is evidence of every bucket', async () => {
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [BUCKETS]: buckets, [ACCOUNT]: { publicAccessBlock: null } } }), { controls: ['aws.s3.public-access'] })
    expect(findEvaluation(r, 'aws.s3.public-access', 'arn:aws:s3:::open')).toMatchObject({
      status: 'FAIL',
      reason: expect.stringMatching(/^the bucket is public: the policy is public and RestrictPublicBuckets is off/),
      evidence: [`${ACCOUNT}#/publicAccessBlock`, `${BUCKETS}#/buckets/0/acl`, `${BUCKETS}#/buckets/0/policy`, `${BUCKETS}#/buckets/0/publicAccessBlock`]
    })
    expect(findEvaluation(r, 'aws.s3.public-access', 'arn:aws:s3:::closed')).toMatchObject({ status: 'PASS', reason: expect.stringMatching(/^not public: no bucket policy/) })
    expect(findEvaluation(r, 'aws.s3.public-access', 'arn:aws:s3:::unsure')).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining(`${BUCKETS}#/buckets/2/policy`) })
  })

  it('the account-level RestrictPublicBuckets neutralises a public policy; without s3-account.json an UNKNOWN says so', async () => {
    const on = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: true }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [BUCKETS]: buckets, [ACCOUNT]: { publicAccessBlock: on } } }), { controls: ['aws.s3.public-access'] })
    expect(findEvaluation(r, 'aws.s3.public-access', 'arn:aws:s3:::open')).toMatchObject({
      status: 'PASS',
      reason: expect.stringContaining('neutralised by RestrictPublicBuckets (account level)')
    })
    const none = await evaluateBundle(writeBundle(tempDir(), { files: { [BUCKETS]: buckets } }), { controls: ['aws.s3.public-access'] })
    expect(findEvaluation(none, 'aws.s3.public-access', 'arn:aws:s3:::unsure')).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('(account level: ') })
  })
})
