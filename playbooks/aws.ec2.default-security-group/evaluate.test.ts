import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { defaultGroupVerdict } from './evaluate'

const SELF = (g: string) => ({ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: g, UserId: '111122223333' }] })
const ALL_OUT = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }

describe('aws.ec2.default-security-group evaluator', () => {
  it("FAIL on any rule, naming it (EC2's own self-reference and all traffic out, one port from an office, outbound alone)", () => {
    expect(defaultGroupVerdict({ GroupId: 'sg-1', IpPermissions: [SELF('sg-1')], IpPermissionsEgress: [ALL_OUT] }).verdict).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('1 inbound rule (all traffic from sg-1 (itself)) and 1 outbound rule (all traffic to 0.0.0.0/0)')
    })
    expect(
      defaultGroupVerdict({
        GroupId: 'sg-1',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '198.51.100.0/24' }] }],
        IpPermissionsEgress: []
      }).verdict
    ).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('tcp 443 from 198.51.100.0/24') })
    const out = defaultGroupVerdict({
      GroupId: 'sg-1',
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, PrefixListIds: [{ PrefixListId: 'pl-1' }] }]
    })
    expect(out.verdict).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('outbound rule (udp 53 to prefix list pl-1)') })
    expect(out.places).toEqual(['/IpPermissionsEgress/0'])
  })

  it('PASS with no rule either way; UNKNOWN when the outbound rules were not collected, FAIL if an inbound one is there anyway', () => {
    expect(defaultGroupVerdict({ GroupId: 'sg-1', IpPermissions: [], IpPermissionsEgress: [] }).verdict.status).toBe('PASS')
    expect(defaultGroupVerdict({ GroupId: 'sg-1', IpPermissions: [] }).verdict).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('IpPermissionsEgress') })
    expect(defaultGroupVerdict({ GroupId: 'sg-1', IpPermissions: [SELF('sg-1')] }).verdict.status).toBe('FAIL')
  })

  it('over a bundle: default groups only, one row each pointing at their rules; a group without a name is UNKNOWN', async () => {
    const SG = 'aws/111122223333/inventory/security-groups.json'
    const groups = {
      SecurityGroups: [
        { GroupId: 'sg-1', GroupName: 'default', VpcId: 'vpc-1', OwnerId: '111122223333', Region: 'us-east-1', IpPermissions: [SELF('sg-1')], IpPermissionsEgress: [ALL_OUT] },
        { GroupId: 'sg-2', GroupName: 'default', VpcId: 'vpc-2', OwnerId: '111122223333', Region: 'us-east-1', IpPermissions: [], IpPermissionsEgress: [] },
        { GroupId: 'sg-3', GroupName: 'web', VpcId: 'vpc-1', OwnerId: '111122223333', Region: 'us-east-1', IpPermissions: [ALL_OUT], IpPermissionsEgress: [ALL_OUT] },
        { GroupId: 'sg-4', VpcId: 'vpc-1', OwnerId: '111122223333', Region: 'us-east-1', IpPermissions: [] }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [SG]: groups } }), { controls: ['aws.ec2.default-security-group'] })
    const arn = (g: string) => `arn:aws:ec2:us-east-1:111122223333:security-group/${g}`
    expect(findEvaluation(r, 'aws.ec2.default-security-group', arn('sg-1'))).toMatchObject({
      status: 'FAIL',
      evidence: [`${SG}#/SecurityGroups/0/IpPermissions/0`, `${SG}#/SecurityGroups/0/IpPermissionsEgress/0`]
    })
    expect(findEvaluation(r, 'aws.ec2.default-security-group', arn('sg-2'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.ec2.default-security-group', arn('sg-3'))).toBeUndefined()
    expect(findEvaluation(r, 'aws.ec2.default-security-group', arn('sg-4'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('no GroupName') })
    const none = await evaluateBundle(writeBundle(tempDir(), { files: {} }), { controls: ['aws.ec2.default-security-group'] })
    expect(none.evaluations).toEqual([expect.objectContaining({ control: 'aws.ec2.default-security-group', resource: 'AWS::::Account:111122223333', status: 'UNKNOWN' })])
  })
})
