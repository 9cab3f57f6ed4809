// The EC2 network readers of inventory-items.ts: a security group's outbound rules (absent when
// the file has none, unlike []), and DescribeNetworkInterfaces' interfaces of every service.
import { describe, expect, it } from 'vitest'
import { BadEvidence } from './bad-evidence'
import { ipPermissionsOf, parseNetworkInterfaces, parseSecurityGroups } from './inventory-items'

const FILE = 'aws/111122223333/inventory/network-interfaces.json'

describe('network inventory', () => {
  it("keeps a group's outbound rules, and leaves them absent when the file does not have them", () => {
    const [withOut, without] = parseSecurityGroups(
      {
        SecurityGroups: [
          { GroupId: 'sg-1', GroupName: 'default', IpPermissions: [], IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'all out' }] }] },
          { GroupId: 'sg-2', GroupName: 'default', IpPermissions: [] }
        ]
      },
      'sg.json',
      '111122223333'
    )
    expect(withOut.egress).toEqual([
      { protocol: '-1', fromPort: null, toPort: null, cidrs: ['0.0.0.0/0'], ipv6: [], prefixLists: [], groups: [], descriptions: { '0.0.0.0/0': 'all out' } }
    ])
    expect(without).not.toHaveProperty('egress')
    expect(ipPermissionsOf(withOut.egress!)).toEqual([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }])
  })

  it('reads every interface with its groups, its Region from the zone, and what it belongs to; refuses one without an id, naming the place', () => {
    const items = parseNetworkInterfaces(
      {
        NetworkInterfaces: [
          {
            NetworkInterfaceId: 'eni-1',
            AvailabilityZone: 'eu-west-1b',
            InterfaceType: 'lambda',
            Description: 'AWS Lambda VPC ENI-fn',
            RequesterId: 'AROA:fn',
            Groups: [{ GroupId: 'sg-1' }]
          },
          { NetworkInterfaceId: 'eni-2', Attachment: { InstanceId: 'i-2' }, Groups: [{ GroupId: 'sg-1' }, { GroupId: 'sg-2' }], Description: '' }
        ]
      },
      FILE,
      '111122223333'
    )
    expect(items).toEqual([
      {
        file: FILE,
        account: '111122223333',
        eni: 'eni-1',
        region: 'eu-west-1',
        vpcId: null,
        type: 'lambda',
        description: 'AWS Lambda VPC ENI-fn',
        instanceId: null,
        requester: 'AROA:fn',
        groups: ['sg-1']
      },
      { file: FILE, account: '111122223333', eni: 'eni-2', region: null, vpcId: null, type: null, description: null, instanceId: 'i-2', requester: null, groups: ['sg-1', 'sg-2'] }
    ])
    expect(() => parseNetworkInterfaces({ NetworkInterfaces: [{ Groups: [] }] }, FILE, '111122223333')).toThrow(BadEvidence)
    expect(() => parseNetworkInterfaces({ NetworkInterfaces: [{ Groups: [] }] }, FILE, '111122223333')).toThrow(/NetworkInterfaces\[0\].*without NetworkInterfaceId/)
  })
})
