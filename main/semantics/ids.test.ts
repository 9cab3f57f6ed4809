import { describe, expect, it } from 'vitest'
import { accountOfResource, accountResource, azureParts, ec2Arn, eniKey, evidenceKeyOf, nativeId, parseArn, partitionOf, s3BucketArn, streamKey, subscriptionId } from './ids'

const DIGEST = `sha256:${'ab'.repeat(32)}`

describe('resource ids: one builder and one reader per fact', () => {
  it('takes the ARN partition from the Region', () => {
    expect(['cn-north-1', 'us-gov-west-1', 'us-isob-east-1', 'us-iso-east-1', 'eu-west-1', null, undefined].map(partitionOf)).toEqual([
      'aws-cn',
      'aws-us-gov',
      'aws-iso-b',
      'aws-iso',
      'aws',
      'aws',
      'aws'
    ])
  })

  it('builds bucket, instance, security group and account ids in the partition of their Region', () => {
    expect(s3BucketArn('lm-data')).toBe('arn:aws:s3:::lm-data')
    expect(s3BucketArn('lm-data', 'cn-north-1')).toBe('arn:aws-cn:s3:::lm-data')
    expect(ec2Arn('us-gov-west-1', '111122223333', 'instance', 'i-0abc')).toBe('arn:aws-us-gov:ec2:us-gov-west-1:111122223333:instance/i-0abc')
    expect(ec2Arn('eu-west-1', '111122223333', 'security-group', 'sg-1')).toBe('arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1')
    expect(accountResource('111122223333')).toBe('AWS::::Account:111122223333')
    expect(streamKey('111122223333', 'eu-west-1')).toBe('aws-stream:111122223333:eu-west-1')
    expect(eniKey('111122223333', 'eni-1')).toBe('eni:111122223333:eni-1')
    expect(subscriptionId('ABC-DEF')).toBe('/subscriptions/abc-def')
  })

  it('reads an account resource back, and nothing else as one', () => {
    expect(accountOfResource(accountResource('111122223333'))).toBe('111122223333')
    expect(accountOfResource('AWS::::Account:1234')).toBeNull()
    expect(accountOfResource('arn:aws:iam::111122223333:root')).toBeNull()
  })

  it('parses an ARN, keeping the colons of its resource part', () => {
    expect(parseArn('arn:aws:logs:eu-west-1:111122223333:log-group:/a/b:*')).toEqual({
      partition: 'aws',
      service: 'logs',
      region: 'eu-west-1',
      account: '111122223333',
      resource: 'log-group:/a/b:*'
    })
    expect(parseArn('arn:aws:s3')).toBeNull()
    expect(parseArn('AWS::::Account:111122223333')).toBeNull()
  })

  it('stores images by bare digest and Azure ids lower-cased', () => {
    expect(evidenceKeyOf(`123.dkr.ecr.eu-west-1.amazonaws.com/app@${DIGEST}`)).toBe(DIGEST)
    expect(evidenceKeyOf(' /Subscriptions/ABC/resourceGroups/RG/ ')).toBe('/subscriptions/abc/resourcegroups/rg')
    expect(evidenceKeyOf('arn:aws:s3:::Bucket')).toBe('arn:aws:s3:::Bucket')
  })

  it("gives the provider's own short id and an Azure id's subscription and group", () => {
    expect(nativeId('arn:aws:iam::111122223333:user/path/alice')).toBe('alice')
    expect(nativeId('AWS::::Account:111122223333')).toBe('111122223333')
    expect(nativeId('arn:aws:s3:::lm-data')).toBe('lm-data')
    expect(nativeId(`repo@${DIGEST}`)).toBe(DIGEST)
    expect(nativeId('/subscriptions/abc/resourcegroups/rg/providers/microsoft.storage/storageaccounts/acct')).toBe('acct')
    expect(azureParts('/subscriptions/abc/resourceGroups/RG/providers/x')).toEqual({ subscription: 'abc', group: 'RG' })
    expect(azureParts('/subscriptions/abc')).toEqual({ subscription: 'abc', group: null })
    expect(azureParts('arn:aws:s3:::b')).toEqual({ subscription: null, group: null })
  })
})
