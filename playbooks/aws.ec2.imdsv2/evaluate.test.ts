import { describe, expect, it } from 'vitest'
import type { Ec2Instance } from '../../main/semantics/inventory'
import { imdsVerdict } from './evaluate'

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
