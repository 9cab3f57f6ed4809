// The world aws.ec2.default-security-group's fixture is rendered from (npx tsx test/casegen/generate.ts):
// production with ten VPCs, every interface and Auto Scaling group listed, test with one and
// only its instances; each default group reported by Security Hub (EC2.2), one by Prowler too.
import {
  asffControl,
  at,
  autoScalingGroup,
  flowLine,
  hex,
  launchTemplateVersion,
  noDataLine,
  prowlerFinding,
  subnet,
  type Expected,
  type Instance,
  type Json,
  type World
} from '../../test/casegen/world'

const PROD = '111122223333'
const TEST = '444455556666'
const R = 'us-east-1'

/** EC2's own default rules: all traffic among members, all traffic out. */
const selfRule = (group: string): Json => ({
  IpProtocol: '-1',
  IpRanges: [],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [{ GroupId: group, UserId: PROD }]
})
const allOut: Json = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }

function instance(w: World, i: Pick<Instance, 'id' | 'name' | 'groups' | 'privateIp'> & { owner: string }, account = PROD): Instance {
  const full: Instance = {
    id: i.id,
    name: i.name,
    region: R,
    tags: { Name: i.name, Owner: i.owner, Environment: 'production' },
    httpTokens: 'required',
    hopLimit: 1,
    profile: null,
    groups: i.groups,
    eni: `eni-${hex(`eni:${i.id}`, 17)}`,
    privateIp: i.privateIp,
    publicIp: null
  }
  w.account(account).instances.push(full)
  return full
}

/** A flow record or NODATA every 12 hours over the window: the interface's log covers all of it. */
function flowLog(w: World, account: string, inst: Pick<Instance, 'eni'>, traffic: (time: string, k: number) => string | null): void {
  for (let k = 0; k < 180; k++) {
    const time = at(Math.floor(k / 2), (k % 2) * 12 + 1)
    w.account(account).flows.push(traffic(time, k) ?? noDataLine(account, inst.eni, time))
  }
}

export function scenario(w: World): void {
  const a = w.account(PROD, 'acme-prod', 'prod')
  a.regions.add(R)
  a.inventories.add('enis')
  const t = w.account(TEST, 'acme-test', 'test')
  t.regions.add(R)
  const group = (n: number, vpc: string, permissions: Json[], egress: Json[], account = a): string => {
    const id = `sg-0f0000000000000${n}`
    account.securityGroups.push({
      id,
      region: R,
      name: 'default',
      vpc,
      tags: {},
      permissions: permissions.map((p) => (p === SELF ? selfRule(id) : p)),
      egress
    })
    return id
  }
  const SELF: Json = {}
  // 1: the app VPC: an instance launched without a group of its own talks to its peer through the default group
  const app = group(1, 'vpc-0f01a2b3c4d5e6f01', [SELF], [allOut])
  const worker = instance(w, { id: 'i-0f1a2b3c4d5e60001', name: 'orders-worker-1', groups: [app], privateIp: '10.31.1.20', owner: 'orders-team' })
  flowLog(w, PROD, worker, (time, k) =>
    k % 3 === 0
      ? flowLine({ account: PROD, eni: worker.eni, src: '10.31.1.21', dst: worker.privateIp, srcPort: 41000 + k, dstPort: 8080, packets: 24, bytes: 9_800, start: time, flags: 3 })
      : null
  )
  // 2: a VPC whose default group no interface of any service uses
  const idle = group(2, 'vpc-0f02a2b3c4d5e6f02', [SELF], [allOut])
  // 3: a VPC whose default group was emptied since the scan: a stale finding
  const closed = group(3, 'vpc-0f03a2b3c4d5e6f03', [], [])
  // 4: the default group beside an instance's own group, which also carries its traffic
  const shared = group(
    4,
    'vpc-0f04a2b3c4d5e6f04',
    [
      SELF,
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'internal https' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: []
      }
    ],
    [allOut]
  )
  a.securityGroups.push({
    id: 'sg-0f04000000000044',
    region: R,
    name: 'reports-api',
    vpc: 'vpc-0f04a2b3c4d5e6f04',
    tags: { Owner: 'reports-team' },
    permissions: [],
    egress: [allOut]
  })
  const api = instance(w, { id: 'i-0f1a2b3c4d5e60004', name: 'reports-api-1', groups: [shared, 'sg-0f04000000000044'], privateIp: '10.34.1.10', owner: 'reports-team' })
  flowLog(w, PROD, api, (time, k) =>
    k % 4 === 0
      ? flowLine({ account: PROD, eni: api.eni, src: '10.34.2.15', dst: api.privateIp, srcPort: 52000 + k, dstPort: 443, packets: 18, bytes: 6_400, start: time, flags: 3 })
      : null
  )
  // 5: a quiet VPC: its one instance sits on the default group alone and accepted nothing in 90 days of flow logs
  const quiet = group(5, 'vpc-0f05a2b3c4d5e6f05', [SELF], [allOut])
  const spare = instance(w, { id: 'i-0f1a2b3c4d5e60005', name: 'spare-1', groups: [quiet], privateIp: '10.35.1.10', owner: 'platform-team' })
  flowLog(w, PROD, spare, () => null)
  // 6: a Lambda function attached to its VPC with the default group: no instance, only its interface
  const fn = group(6, 'vpc-0f06a2b3c4d5e6f06', [SELF], [allOut])
  const lambda = { eni: `eni-${hex('eni:lambda:orders-sync', 17)}`, ip: '10.36.1.50' }
  a.networkInterfaces.push({
    NetworkInterfaceId: lambda.eni,
    AvailabilityZone: `${R}b`,
    InterfaceType: 'lambda',
    Description: 'AWS Lambda VPC ENI-orders-sync-5f3c2a9e',
    OwnerId: PROD,
    RequesterId: 'AROAEXAMPLELAMBDA:orders-sync',
    RequesterManaged: true,
    Groups: [{ GroupId: fn, GroupName: 'default' }],
    PrivateIpAddress: lambda.ip,
    Status: 'in-use',
    VpcId: 'vpc-0f06a2b3c4d5e6f06'
  })
  flowLog(w, PROD, lambda, (time, k) =>
    k % 2 === 0
      ? flowLine({ account: PROD, eni: lambda.eni, src: '10.36.2.40', dst: lambda.ip, srcPort: 5432, dstPort: 43000 + k, packets: 30, bytes: 21_000, start: time, flags: 3 })
      : null
  )
  // 8: a VPC whose default group no interface uses today, but whose nightly Auto Scaling group is
  // scaled in to nothing: its next instances are in no interface yet
  const nightly = group(8, 'vpc-0f08a2b3c4d5e6f08', [SELF], [allOut])
  a.subnets.push(subnet({ account: PROD, region: R, id: 'subnet-0f08000000000001', vpc: 'vpc-0f08a2b3c4d5e6f08', cidr: '10.38.1.0/24', mapPublicIp: false, name: 'nightly-a' }))
  a.autoScalingGroups.push(
    autoScalingGroup({
      account: PROD,
      region: R,
      name: 'nightly-reports-asg',
      subnets: ['subnet-0f08000000000001'],
      template: { id: 'lt-0f08000000000001', version: '$Default' },
      min: 0,
      max: 4
    })
  )
  // its template gives the instance's interface no group: it would be in the default group
  a.launchTemplateVersions.push(launchTemplateVersion({ region: R, id: 'lt-0f08000000000001', name: 'nightly-reports', version: 1, isDefault: true, groups: [] }))
  // 9: a VPC whose month-end fleet is scaled in to nothing too, but launches into a group of its
  // own (its template names it), beside a retired group of maximum size 0 and no launch in evidence
  const monthEnd = group(9, 'vpc-0f09a2b3c4d5e6f09', [SELF], [allOut])
  a.subnets.push(subnet({ account: PROD, region: R, id: 'subnet-0f09000000000001', vpc: 'vpc-0f09a2b3c4d5e6f09', cidr: '10.39.1.0/24', mapPublicIp: false, name: 'month-end-a' }))
  a.securityGroups.push({ id: 'sg-0f09000000000099', region: R, name: 'month-end-batch', vpc: 'vpc-0f09a2b3c4d5e6f09', tags: { Owner: 'finance-it' }, permissions: [] })
  a.autoScalingGroups.push(
    autoScalingGroup({
      account: PROD,
      region: R,
      name: 'month-end-batch-asg',
      subnets: ['subnet-0f09000000000001'],
      template: { id: 'lt-0f09000000000001', version: '$Latest' },
      min: 0,
      max: 8
    }),
    autoScalingGroup({ account: PROD, region: R, name: 'retired-etl-asg', subnets: ['subnet-0f09000000000001'], configuration: 'retired-etl-lc', min: 0, max: 0 })
  )
  a.launchTemplateVersions.push(
    launchTemplateVersion({ region: R, id: 'lt-0f09000000000001', name: 'month-end-batch', version: 1, isDefault: true, groups: [] }),
    launchTemplateVersion({ region: R, id: 'lt-0f09000000000001', name: 'month-end-batch', version: 2, isDefault: false, groups: ['sg-0f09000000000099'] })
  )
  // 10: a VPC whose checkout fleet runs one instance in a group of its own, but whose template's
  // latest version (the one the group launches) names no group: its next instance, at a scale-out
  // or a replacement, would be in the default group
  const checkout = group(10, 'vpc-0f10a2b3c4d5e6f10', [SELF], [allOut])
  a.subnets.push(subnet({ account: PROD, region: R, id: 'subnet-0f10000000000001', vpc: 'vpc-0f10a2b3c4d5e6f10', cidr: '10.40.1.0/24', mapPublicIp: false, name: 'checkout-a' }))
  a.securityGroups.push({ id: 'sg-0f10000000000099', region: R, name: 'checkout', vpc: 'vpc-0f10a2b3c4d5e6f10', tags: { Owner: 'shop-team' }, permissions: [] })
  instance(w, { id: 'i-0f1a2b3c4d5e60010', name: 'checkout-1', groups: ['sg-0f10000000000099'], privateIp: '10.40.1.10', owner: 'shop-team' })
  a.autoScalingGroups.push(
    autoScalingGroup({
      account: PROD,
      region: R,
      name: 'checkout-asg',
      subnets: ['subnet-0f10000000000001'],
      template: { id: 'lt-0f10000000000001', version: '$Latest' },
      min: 1,
      max: 6,
      instances: ['i-0f1a2b3c4d5e60010']
    })
  )
  a.launchTemplateVersions.push(
    launchTemplateVersion({ region: R, id: 'lt-0f10000000000001', name: 'checkout', version: 1, isDefault: true, groups: ['sg-0f10000000000099'] }),
    launchTemplateVersion({ region: R, id: 'lt-0f10000000000001', name: 'checkout', version: 2, isDefault: false, groups: [] })
  )
  // 7: the test account: a default group no instance uses, but only instances were collected
  const unlisted = group(7, 'vpc-0f07a2b3c4d5e6f07', [SELF], [allOut], t)
  t.securityGroups.push({ id: 'sg-0f07000000000077', region: R, name: 'batch', vpc: 'vpc-0f07a2b3c4d5e6f07', tags: { Owner: 'data-team' }, permissions: [] })
  instance(w, { id: 'i-0f1a2b3c4d5e60007', name: 'batch-1', groups: ['sg-0f07000000000077'], privateIp: '10.37.1.10', owner: 'data-team' }, TEST)

  const cases: Array<[string, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Pick<Expected, 'says'>?]> = [
    [
      PROD,
      app,
      'UNSAFE',
      { 'still-open': 'yes', attached: 'yes', 'in-use': 'yes' },
      'orders-worker-1 is on the default group alone and talks to its peer',
      { says: { 'in-use': 'in no group but the default one' } }
    ],
    [
      PROD,
      idle,
      'SAFE',
      { 'still-open': 'yes', attached: 'no' },
      'network-interfaces.json lists every interface and none is in the group, and no Auto Scaling group launching into its VPC would put an instance in it',
      { says: { attached: 'no Auto Scaling group launching into its VPC would put an instance in it' } }
    ],
    [PROD, closed, 'SAFE', { 'still-open': 'no' }, 'the group has no rule any more', { says: { 'still-open': 'no inbound and no outbound rule' } }],
    [
      PROD,
      nightly,
      'RISKY',
      { 'still-open': 'yes', attached: 'unknown' },
      'no interface uses the group today, but an Auto Scaling group scaled in to nothing launches into its VPC with a template that names no group',
      {
        says: {
          attached:
            'the next instances of it would be in the default group: nightly-reports-asg (no instance now, 0–4): launch template nightly-reports version 1 ($Default) names no security group, so its instances get the default group'
        }
      }
    ],
    [
      PROD,
      monthEnd,
      'SAFE',
      { 'still-open': 'yes', attached: 'no' },
      'no interface uses the group, and the Auto Scaling groups holding no instance launch into a group of their own or nothing at all',
      {
        says: {
          attached:
            'Holding no instance, but not launching into it: month-end-batch-asg (no instance now, 0–8): launch template month-end-batch version 2 ($Latest) launches into sg-0f09000000000099. retired-etl-asg (maximum size 0: it launches nothing)'
        }
      }
    ],
    [
      PROD,
      checkout,
      'RISKY',
      { 'still-open': 'yes', attached: 'unknown' },
      "the running fleet's instance is in a group of its own, but the template version it launches next names none",
      {
        says: {
          attached: 'checkout-asg (1 instance now, 1–6): launch template checkout version 2 ($Latest) names no security group, so its instances get the default group'
        }
      }
    ],
    [
      PROD,
      shared,
      'RISKY',
      { 'still-open': 'yes', attached: 'yes', 'in-use': 'unknown' },
      "the instance's own group may carry its traffic",
      { says: { 'in-use': 'in other groups too' } }
    ],
    [
      PROD,
      quiet,
      'RISKY',
      { 'still-open': 'yes', attached: 'yes', 'in-use': 'no' },
      'its one instance accepted nothing over a fully covered window',
      { says: { 'in-use': 'none accepted a flow' } }
    ],
    [
      PROD,
      fn,
      'UNSAFE',
      { 'still-open': 'yes', attached: 'yes', 'in-use': 'yes' },
      "a Lambda function's interface, seen only in network-interfaces.json, lives on the default group",
      { says: { attached: 'AWS Lambda VPC ENI-orders-sync' } }
    ],
    [
      TEST,
      unlisted,
      'RISKY',
      { 'still-open': 'yes', attached: 'unknown' },
      'only instances were collected: another service may use the group',
      { says: { attached: 'add inventory/network-interfaces.json' } }
    ]
  ]
  for (const [account, id, verdict, steps, why, says] of cases) {
    const arn = `arn:aws:ec2:${R}:${account}:security-group/${id}`
    w.findings.asff.push(
      asffControl({
        account,
        region: R,
        control: 'EC2.2',
        title: 'VPC default security groups should not allow inbound or outbound traffic',
        severity: 'High',
        resourceType: 'AwsEc2SecurityGroup',
        resourceId: arn
      })
    )
    w.expect({ control: 'aws.ec2.default-security-group', resource: arn, verdict, steps, why, ...says })
  }
  // Prowler reports the app VPC's group too (one finding with Security Hub's)
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: PROD,
      region: R,
      check: 'ec2_securitygroup_default_restrict_traffic',
      title: 'Ensure the default security group of every VPC restricts all traffic.',
      severity: 'High',
      service: 'ec2',
      resourceType: 'AwsEc2SecurityGroup',
      resourceUid: `arn:aws:ec2:${R}:${PROD}:security-group/${app}`,
      resourceName: app,
      detail: `Default Security Group (${app}) rules allow traffic.`
    })
  )
}
