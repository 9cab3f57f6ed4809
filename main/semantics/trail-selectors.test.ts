import { describe, expect, it } from 'vitest'
import { managementReadRecording } from './trail-selectors'
import type { TrailConfig } from './facets'

const A = '111122223333'

describe('managementReadRecording (KMS Decrypt, GenerateDataKey… are management read events)', () => {
  const trail = (t: Partial<TrailConfig>): TrailConfig => ({
    name: 't',
    arn: `arn:aws:cloudtrail:us-east-1:${A}:trail/t`,
    account: A,
    homeRegion: 'us-east-1',
    multiRegion: true,
    organization: false,
    s3Bucket: 'b',
    s3KeyPrefix: null,
    basic: null,
    advanced: null,
    isLogging: true,
    startLogging: null,
    stopLogging: null,
    ...t
  })
  const at = { account: A, region: 'eu-west-1' }
  const level = (t: Partial<TrailConfig>) => managementReadRecording([trail(t)], 'kms.amazonaws.com', at).level

  it('basic selectors: All or ReadOnly record them; WriteOnly, IncludeManagementEvents false or KMS excluded do not', () => {
    expect(level({ basic: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] })).toBe('all')
    expect(level({ basic: [{ ReadWriteType: 'ReadOnly' }] })).toBe('all')
    expect(level({ basic: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] })).toBe('none')
    expect(level({ basic: [{ ReadWriteType: 'All', IncludeManagementEvents: false }] })).toBe('none')
    expect(level({ basic: [{ ReadWriteType: 'All', ExcludeManagementEventSources: ['kms.amazonaws.com'] }] })).toBe('none')
    expect(level({ basic: [{ ReadWriteType: 'All', ExcludeManagementEventSources: ['rdsdata.amazonaws.com'] }] })).toBe('all')
  })

  it('advanced selectors: Management without a readOnly false or a KMS eventSource exclusion; other fields make it partial', () => {
    const mgmt = (...more: unknown[]) => ({ advanced: [{ Name: 'm', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, ...more] }] })
    expect(level(mgmt())).toBe('all')
    expect(level(mgmt({ Field: 'readOnly', Equals: ['false'] }))).toBe('none')
    expect(level(mgmt({ Field: 'readOnly', Equals: ['true'] }))).toBe('all')
    expect(level(mgmt({ Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] }))).toBe('none')
    expect(level(mgmt({ Field: 'eventName', Equals: ['Decrypt'] }))).toBe('some')
    expect(level({ advanced: [{ Name: 'd', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] }] })).toBe('none')
  })

  it('a trail that is not logging, of another account, of another Region, or whose selectors are not in the evidence proves nothing', () => {
    const basic = [{ ReadWriteType: 'All' }]
    expect(level({ basic, isLogging: false })).toBe('none')
    expect(level({ basic, account: '999999999999' })).toBe('none')
    expect(level({ basic, multiRegion: false })).toBe('none')
    expect(level({ basic, multiRegion: false, homeRegion: 'eu-west-1' })).toBe('all')
    const r = managementReadRecording([trail({})], 'kms.amazonaws.com', at)
    expect(r).toMatchObject({ level: 'none', explanation: expect.stringContaining('event selectors of t are not in the evidence') })
  })
})
