import { describe, expect, it } from 'vitest'
import { isRegion, partitionOf, regionOfZone } from '../semantics/aws-ids'
import { ebsVerdict, imdsVerdict, regionFor } from './ec2'
import type { AwsAccountInventory, Ec2Instance } from '../semantics/inventory'

const inst = (m: Ec2Instance['MetadataOptions'], state = 'running'): Ec2Instance => ({ InstanceId: 'i-1', State: { Name: state }, MetadataOptions: m })

describe('aws.ec2.imdsv2', () => {
  it('PASS when tokens are required', () => {
    expect(imdsVerdict(inst({ State: 'applied', HttpTokens: 'required', HttpEndpoint: 'enabled' }))).toMatchObject({ status: 'PASS' })
  })
  it('PASS when the endpoint is disabled, even with optional tokens (Config ec2-imdsv2-check would not)', () => {
    expect(imdsVerdict(inst({ State: 'applied', HttpTokens: 'optional', HttpEndpoint: 'disabled' }))).toMatchObject({
      status: 'PASS',
      reason: expect.stringContaining('HttpEndpoint = disabled')
    })
  })
  it('FAIL when IMDSv1 is accepted, also on a stopped instance', () => {
    expect(imdsVerdict(inst({ State: 'applied', HttpTokens: 'optional', HttpEndpoint: 'enabled' }))).toMatchObject({ status: 'FAIL' })
    expect(imdsVerdict(inst({ HttpTokens: 'optional' }, 'stopped'))).toMatchObject({ status: 'FAIL' })
  })
  it('skips terminated and shutting-down instances', () => {
    expect(imdsVerdict(inst({ HttpTokens: 'optional' }, 'terminated'))).toBe('skip')
    expect(imdsVerdict(inst({ HttpTokens: 'optional' }, 'shutting-down'))).toBe('skip')
  })
  it('UNKNOWN without MetadataOptions, with an unknown value, or while a change is pending', () => {
    expect(imdsVerdict({ InstanceId: 'i-1', State: { Name: 'running' } })).toMatchObject({ status: 'UNKNOWN' })
    expect(imdsVerdict(inst({ HttpEndpoint: 'enabled' }))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('HttpTokens is missing') })
    expect(imdsVerdict(inst({ HttpTokens: 'sometimes' }))).toMatchObject({ status: 'UNKNOWN' })
    expect(imdsVerdict(inst({ State: 'pending', HttpTokens: 'required' }))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('pending') })
  })
})

describe('aws.ec2.ebs-default-encryption', () => {
  it('PASS or FAIL per region', () => {
    expect(ebsVerdict({ region: 'eu-west-1', EbsEncryptionByDefault: true, KmsKeyId: null })).toMatchObject({ status: 'PASS', reason: expect.stringContaining('alias/aws/ebs') })
    expect(ebsVerdict({ region: 'eu-west-1', EbsEncryptionByDefault: false })).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('eu-west-1') })
  })
})

describe('Regions and partitions', () => {
  it('derives the Region of an Availability, Local or Wavelength Zone', () => {
    expect(regionOfZone('us-east-1a')).toBe('us-east-1')
    expect(regionOfZone('us-west-2-lax-1a')).toBe('us-west-2')
    expect(regionOfZone('us-east-1-wl1-bos-wlz-1')).toBe('us-east-1')
    expect(regionOfZone('us-gov-west-1b')).toBe('us-gov-west-1')
    expect(regionOfZone('us-east-1')).toBeNull()
    expect(regionOfZone('nowhere')).toBeNull()
    expect(isRegion('ap-southeast-2')).toBe(true)
  })
  it('knows the partitions', () => {
    expect([partitionOf('cn-north-1'), partitionOf('us-gov-east-1'), partitionOf('eu-west-1'), partitionOf(null)]).toEqual(['aws-cn', 'aws-us-gov', 'aws', 'aws'])
  })
  it('falls back on the scope only when it names exactly one Region', () => {
    const inv = (scopeRegions: string[]) => ({ scopeRegions }) as AwsAccountInventory
    expect(regionFor('eu-west-1', inv(['us-east-1']))).toEqual({ region: 'eu-west-1' })
    expect(regionFor(null, inv(['us-east-1']))).toEqual({ region: 'us-east-1' })
    expect(regionFor(null, inv(['us-east-1', 'eu-west-1']))).toMatchObject({ problem: expect.stringContaining('names several') })
    expect(regionFor(null, inv([]))).toMatchObject({ problem: expect.stringContaining('names no Region') })
  })
})
