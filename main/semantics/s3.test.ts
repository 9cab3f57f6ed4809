import { describe, expect, it } from 'vitest'
import type { PublicAccessBlock, S3Bucket } from './inventory'
import { effectiveSetting, publicAccessForBucket } from './s3'

const ARN = 'arn:aws:s3:::b'
const ALL_ON: PublicAccessBlock = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }
const ALL_OFF: PublicAccessBlock = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false }
const places = { policy: 'f#/buckets/0/policy', acl: 'f#/buckets/0/acl' }
const owner = { Type: 'CanonicalUser', ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }
const privateAcl = { Grants: [{ Grantee: owner, Permission: 'FULL_CONTROL' }] }
const publicAcl = (uri: string, perm = 'READ') => ({ Grants: [...privateAcl.Grants, { Grantee: { Type: 'Group', URI: uri }, Permission: perm }] })
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers'
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers'
const publicPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARN}/*` }] })
const bucket = (over: Partial<S3Bucket>): S3Bucket => ({ name: 'b', region: 'us-east-1', policy: null, publicAccessBlock: null, acl: privateAcl, ...over })

describe('Block Public Access: the most restrictive combination of bucket and account', () => {
  it('a setting is on when either level turns it on', () => {
    expect(effectiveSetting({ BlockPublicAcls: true }, null, 'BlockPublicAcls')).toEqual({ value: true, by: 'bucket' })
    expect(effectiveSetting(null, { BlockPublicAcls: true }, 'BlockPublicAcls')).toEqual({ value: true, by: 'account' })
    expect(effectiveSetting(undefined, { BlockPublicAcls: true }, 'BlockPublicAcls')).toEqual({ value: true, by: 'account' })
    expect(effectiveSetting(ALL_OFF, null, 'BlockPublicAcls')).toEqual({ value: false, by: null })
    expect(effectiveSetting(ALL_OFF, undefined, 'BlockPublicAcls')).toEqual({ value: null, by: null })
    expect(effectiveSetting({}, {}, 'RestrictPublicBuckets')).toEqual({ value: false, by: null })
  })
})

describe('aws.s3.public-access: actually public, after Block Public Access', () => {
  it('PASS: no policy, private ACL, nothing on', () => {
    expect(publicAccessForBucket(bucket({}), null, places)).toMatchObject({
      status: 'PASS',
      reason: expect.stringMatching(/^not public: no bucket policy; the ACL grants nothing/)
    })
  })

  it('FAIL: a public policy with RestrictPublicBuckets off', () => {
    expect(publicAccessForBucket(bucket({ policy: publicPolicy }), null, places)).toMatchObject({
      status: 'FAIL',
      reason: expect.stringMatching(/the policy is public and RestrictPublicBuckets is off: statement 1 allows s3:GetObject to Principal "\*"/)
    })
  })

  it('BlockPublicPolicy does not neutralise an existing public policy; RestrictPublicBuckets does (at either level)', () => {
    const bpp = publicAccessForBucket(bucket({ policy: publicPolicy, publicAccessBlock: { BlockPublicPolicy: true } }), null, places)
    expect(bpp).toMatchObject({ status: 'FAIL', reason: expect.stringMatching(/BlockPublicPolicy is on, but it only refuses new public policies/) })
    expect(publicAccessForBucket(bucket({ policy: publicPolicy, publicAccessBlock: { RestrictPublicBuckets: true } }), null, places).status).toBe('PASS')
    expect(publicAccessForBucket(bucket({ policy: publicPolicy }), { RestrictPublicBuckets: true }, places)).toMatchObject({
      status: 'PASS',
      reason: expect.stringMatching(/neutralised by RestrictPublicBuckets \(account level\)/)
    })
  })

  it('FAIL: an ACL grant to AllUsers or AuthenticatedUsers with IgnorePublicAcls off', () => {
    expect(publicAccessForBucket(bucket({ acl: publicAcl(ALL_USERS) }), null, places)).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('the ACL grants READ to AllUsers (everyone) and IgnorePublicAcls is off')
    })
    expect(publicAccessForBucket(bucket({ acl: publicAcl(AUTH_USERS, 'WRITE') }), null, places)).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('WRITE to AuthenticatedUsers (any AWS account)')
    })
  })

  it('the log-delivery group is not public', () => {
    expect(publicAccessForBucket(bucket({ acl: publicAcl('http://acs.amazonaws.com/groups/s3/LogDelivery', 'WRITE') }), null, places).status).toBe('PASS')
  })

  it('BlockPublicAcls does not neutralise an existing public ACL; IgnorePublicAcls does', () => {
    expect(publicAccessForBucket(bucket({ acl: publicAcl(ALL_USERS), publicAccessBlock: { BlockPublicAcls: true } }), null, places)).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('BlockPublicAcls is on, but it only refuses new public ACLs')
    })
    expect(publicAccessForBucket(bucket({ acl: publicAcl(ALL_USERS) }), { IgnorePublicAcls: true }, places).status).toBe('PASS')
  })

  it('a policy pinned to a VPC endpoint is not public', () => {
    const vpce = JSON.stringify({
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: `${ARN}/*`, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c' } } }]
    })
    expect(publicAccessForBucket(bucket({ policy: vpce }), null, places).status).toBe('PASS')
  })

  it('UNKNOWN, never PASS, when the policy or ACL was not collected and nothing neutralises it', () => {
    expect(publicAccessForBucket(bucket({ policy: undefined }), null, places)).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('f#/buckets/0/policy') })
    expect(publicAccessForBucket(bucket({ acl: undefined }), null, places)).toMatchObject({
      status: 'UNKNOWN',
      reason: expect.stringContaining('the bucket ACL is not in the bundle')
    })
    expect(publicAccessForBucket(bucket({ acl: null }), null, places).status).toBe('UNKNOWN')
    expect(publicAccessForBucket(bucket({ policy: '{not json' }), null, places).status).toBe('UNKNOWN')
  })

  it('…but what is unknown does not matter when Block Public Access neutralises it', () => {
    expect(publicAccessForBucket(bucket({ policy: undefined, acl: undefined, publicAccessBlock: ALL_ON }), undefined, places).status).toBe('PASS')
  })

  it('UNKNOWN when public and whether it is neutralised is not in the bundle', () => {
    expect(publicAccessForBucket(bucket({ policy: publicPolicy, publicAccessBlock: undefined }), undefined, places)).toMatchObject({
      status: 'UNKNOWN',
      reason: expect.stringMatching(/the policy is public .* whether RestrictPublicBuckets neutralises it is not in the bundle/)
    })
  })

  it('a known public exposure wins over an unknown one', () => {
    expect(publicAccessForBucket(bucket({ policy: undefined, acl: publicAcl(ALL_USERS) }), null, places).status).toBe('FAIL')
  })
})
