import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { indexCloudTrail } from './cloudtrail-index'

const A = '111122223333'
const file = (id: string, records: unknown[]) => ({
  id,
  path: `aws/${A}/cloudtrail/${id}.json.gz`,
  sha256: id,
  kind: 'aws.cloudtrail' as const,
  bytes: gzipSync(JSON.stringify({ Records: records }))
})

describe('the CloudTrail index of an account (main/case/cloudtrail-index.ts)', () => {
  it("keeps each record's source address, and a console sign-in's result and whether MFA was used", () => {
    const login = (mfa: string, result: string) => ({
      eventTime: '2026-11-01T08:00:00Z',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      awsRegion: 'us-east-1',
      sourceIPAddress: '203.0.113.77',
      userIdentity: { type: 'IAMUser', accountId: A, arn: `arn:aws:iam::${A}:user/ann`, userName: 'ann' },
      responseElements: { ConsoleLogin: result },
      additionalEventData: { MFAUsed: mfa },
      eventID: `login-${mfa}-${result}`,
      recipientAccountId: A
    })
    const call = {
      eventTime: '2026-11-02T02:00:00Z',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'CreateSnapshot',
      awsRegion: 'eu-west-1',
      sourceIPAddress: '198.51.100.23',
      userIdentity: { type: 'Root', accountId: A, arn: `arn:aws:iam::${A}:root`, accessKeyId: 'AKIAROOTKEY' },
      eventID: 'root-call',
      recipientAccountId: A
    }
    const idx = indexCloudTrail(A, [file('f1', [login('No', 'Success'), login('Yes', 'Success'), login('No', 'Failure'), call])])
    expect(idx.records.map((r) => [r.name, r.ip, r.login])).toEqual([
      ['ConsoleLogin', '203.0.113.77', { result: 'Success', mfaUsed: 'No' }],
      ['ConsoleLogin', '203.0.113.77', { result: 'Success', mfaUsed: 'Yes' }],
      ['ConsoleLogin', '203.0.113.77', { result: 'Failure', mfaUsed: 'No' }],
      ['CreateSnapshot', '198.51.100.23', null]
    ])
    expect(idx.records[3].identity).toMatchObject({ type: 'Root', accessKeyId: 'AKIAROOTKEY' })
  })
})
