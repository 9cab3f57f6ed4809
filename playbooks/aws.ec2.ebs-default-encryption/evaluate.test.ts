import { describe, expect, it } from 'vitest'
import { ebsVerdict } from './evaluate'

describe('aws.ec2.ebs-default-encryption', () => {
  it('PASS or FAIL per region', () => {
    expect(ebsVerdict({ region: 'eu-west-1', EbsEncryptionByDefault: true, KmsKeyId: null })).toMatchObject({ status: 'PASS', reason: expect.stringContaining('alias/aws/ebs') })
    expect(ebsVerdict({ region: 'eu-west-1', EbsEncryptionByDefault: false })).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('eu-west-1') })
  })
})
