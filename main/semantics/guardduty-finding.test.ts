// What a GuardDuty finding says about itself, read from the real Security Hub export of four
// GuardDuty findings (test/fixtures/ingest/real/awssecurityhub/guardduty.json, from DefectDojo's
// test suite).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { guardDutyReport, threatSentence } from './guardduty-finding'

const file = join(__dirname, '..', '..', 'test', 'fixtures', 'ingest', 'real', 'awssecurityhub', 'guardduty.json')
const findings = (JSON.parse(readFileSync(file, 'utf8')) as { Findings: unknown[] }).Findings
const report = (i: number) => guardDutyReport(`A-${i + 1}`, JSON.stringify(findings[i]))!

describe('GuardDuty findings in ASFF', () => {
  it('reads whether GuardDuty still reports the activity, and how often', () => {
    expect(report(0)).toMatchObject({
      alert: 'A-1',
      type: 'DefenseEvasion:EC2-UnusualDNSResolver',
      archived: false,
      count: 108,
      firstSeen: '2024-01-17T11:19:23.000Z',
      lastSeen: '2024-01-17T11:21:23.000Z',
      updatedAt: '2024-01-17T11:33:21.196Z',
      recordState: 'ACTIVE',
      workflow: 'NEW'
    })
  })

  it('reads the network action: the peer, its organisation and country, the ports, the direction, the role', () => {
    expect(report(0)).toMatchObject({
      action: 'NETWORK_CONNECTION',
      direction: 'OUTBOUND',
      protocol: 'UDP',
      remoteIps: ['1.1.1.1'],
      remotePorts: [53],
      localPorts: [53814],
      remoteWhere: 'Rostelecom, Russia',
      role: 'ACTOR'
    })
    // the port scan's sample of ports tried, from additionalInfo.value
    expect(report(1).scannedPorts).toEqual([25, 37, 88, 106, 110, 179, 389, 514, 587, 646, 873, 993, 995, 1433, 1900, 3389, 5000, 5060, 8443, 8888])
    // the SSH brute force: the instance is the target, reached on 22
    expect(report(2)).toMatchObject({ role: 'TARGET', direction: 'INBOUND', remoteIps: ['1.22.9.9'], localPorts: [22] })
    expect(threatSentence(report(2))).toContain('the resource is the target (this was done to it)')
  })

  it('reads the API call and the access key behind an IAM finding', () => {
    expect(report(3)).toMatchObject({
      type: 'Discovery:IAMUser-AnomalousBehavior',
      action: 'AWS_API_CALL',
      api: 'DescribeInstanceInformation',
      apiService: 'ssm.amazonaws.com',
      remoteIps: ['1.2.3.5'],
      principalType: 'AssumedRole',
      principalName: 'asdfasdfasdf',
      accessKeyId: '123123123',
      count: null
    })
    expect(report(3).anomalousApis).toContain('ssm.amazonaws.com:[DescribeInstanceInformation:success')
  })

  it('is null for what is not a GuardDuty finding', () => {
    expect(guardDutyReport('A-9', JSON.stringify({ ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub', ProductFields: {} }))).toBeNull()
    expect(guardDutyReport('A-9', 'not json')).toBeNull()
  })
})
