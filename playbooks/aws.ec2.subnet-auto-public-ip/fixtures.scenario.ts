// aws.ec2.subnet-auto-public-ip's fixture world: four subnets of one VPC that give (or gave) public
// addresses at launch. The VPC's main route table sends 0.0.0.0/0 to an internet gateway; the
// private subnets have their own table, to a NAT gateway. In the first public subnet the web fleet's
// Auto Scaling group launches on a template version that leaves AssociatePublicIpAddress unset (its
// instance got its address at launch): UNSAFE; a bastion group there asks for an address itself. In
// the second, the one group asks explicitly and no running instance got an address at launch — still
// RISKY: launches that are not Auto Scaling groups are not itemised by subnet.
import { asffControl, autoScalingGroup, launchConfiguration, launchTemplateVersion, prowlerFinding, routeTable, subnet, type Expected, type World } from '../../test/casegen/world'

const ACCOUNT = '111122223333'
const R = 'us-east-1'
const VPC = 'vpc-0f15a1b2c3d4e5f60'
const PUBLIC = 'subnet-0f15000000000001'
const PRIVATE = 'subnet-0f15000000000002'
const CLOSED = 'subnet-0f15000000000003'
const PUBLIC_B = 'subnet-0f15000000000004'

const arnOf = (id: string) => `arn:aws:ec2:${R}:${ACCOUNT}:subnet/${id}`

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-prod', 'prod')
  a.regions.add(R)
  a.subnets.push(
    subnet({ account: ACCOUNT, region: R, id: PUBLIC, vpc: VPC, cidr: '10.15.1.0/24', mapPublicIp: true, name: 'web-public-a' }),
    subnet({ account: ACCOUNT, region: R, id: PRIVATE, vpc: VPC, cidr: '10.15.11.0/24', mapPublicIp: true, name: 'app-private-a' }),
    subnet({ account: ACCOUNT, region: R, id: CLOSED, vpc: VPC, cidr: '10.15.21.0/24', mapPublicIp: false, name: 'data-private-a' }),
    subnet({ account: ACCOUNT, region: R, id: PUBLIC_B, vpc: VPC, cidr: '10.15.2.0/24', zone: `${R}b`, mapPublicIp: true, name: 'web-public-b' })
  )
  // the launchers: web-asg on lt-web $Latest (version 3 leaves the address to the subnet; version 2, the default, asked for one),
  // the bastion on a launch configuration asking for an address, the batch group in public-b on a template asking explicitly
  a.autoScalingGroups.push(
    autoScalingGroup({
      account: ACCOUNT,
      region: R,
      name: 'web-asg',
      subnets: [PUBLIC],
      template: { id: 'lt-0f15000000000001', version: '$Latest' },
      min: 1,
      max: 4,
      instances: ['i-0f15000000000001']
    }),
    autoScalingGroup({ account: ACCOUNT, region: R, name: 'bastion-asg', subnets: [PUBLIC], configuration: 'bastion-lc-2025', min: 0, max: 1 }),
    autoScalingGroup({ account: ACCOUNT, region: R, name: 'batch-asg', subnets: [PUBLIC_B], template: { id: 'lt-0f15000000000002', version: '$Default' }, min: 0, max: 8 })
  )
  a.launchTemplateVersions.push(
    launchTemplateVersion({ region: R, id: 'lt-0f15000000000001', name: 'web', version: 2, isDefault: true, publicIp: true, groups: ['sg-0f15000000000001'] }),
    launchTemplateVersion({ region: R, id: 'lt-0f15000000000001', name: 'web', version: 3, isDefault: false, groups: ['sg-0f15000000000001'] }),
    launchTemplateVersion({ region: R, id: 'lt-0f15000000000002', name: 'batch', version: 1, isDefault: true, publicIp: true, groups: ['sg-0f15000000000002'] })
  )
  a.launchConfigurations.push(launchConfiguration({ account: ACCOUNT, region: R, name: 'bastion-lc-2025', publicIp: true }))
  a.routeTables.push(
    routeTable({ account: ACCOUNT, region: R, id: 'rtb-0f15000000000001', vpc: VPC, main: true, internet: 'igw-0f15000000000001' }),
    routeTable({ account: ACCOUNT, region: R, id: 'rtb-0f15000000000002', vpc: VPC, subnets: [PRIVATE, CLOSED], internet: 'nat-0f15000000000001' })
  )
  // the web fleet's instance: its Auto Scaling group launches into the public subnet without asking for an address
  a.instances.push({
    id: 'i-0f15000000000001',
    region: R,
    name: 'web-fleet',
    tags: { Name: 'web-fleet', 'aws:autoscaling:groupName': 'web-asg' },
    httpTokens: 'required',
    hopLimit: 1,
    profile: null,
    groups: [],
    eni: 'eni-0f15000000000001',
    privateIp: '10.15.1.21',
    publicIp: '54.160.7.21',
    subnet: PUBLIC,
    vpc: VPC
  })

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      PUBLIC,
      'UNSAFE',
      { 'maps-public': 'yes', 'internet-gateway': 'yes', launchers: 'yes', relying: 'yes' },
      'it routes to an internet gateway, and web-asg launches on lt-web version 3 ($Latest), which leaves the address to the subnet: its next instances would come up cut off',
      {
        launchers: 'web-asg: launch template web version 3 ($Latest) does not set AssociatePublicIpAddress',
        relying: 'web-asg',
        'internet-gateway': 'its VPC’s main table'
      }
    ],
    [
      PUBLIC_B,
      'RISKY',
      { 'maps-public': 'yes', 'internet-gateway': 'yes', launchers: 'no', relying: 'no' },
      'its one Auto Scaling group asks for an address itself, but launches that are not Auto Scaling groups are not itemised by subnet in the evidence',
      { launchers: 'launch template batch version 1 ($Default) sets AssociatePublicIpAddress true' }
    ],
    [
      PRIVATE,
      'SAFE',
      { 'maps-public': 'yes', 'internet-gateway': 'no' },
      'its route goes to a NAT gateway: an address given at launch carries nothing',
      { 'internet-gateway': 'a NAT gateway' }
    ],
    [CLOSED, 'SAFE', { 'maps-public': 'no' }, 'a stale finding: the subnet gives no addresses at launch any more']
  ]
  for (const [id, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control: 'EC2.15',
        title: 'Amazon EC2 subnets should not automatically assign public IP addresses',
        severity: 'Medium',
        resourceType: 'AwsEc2Subnet',
        resourceId: arnOf(id)
      })
    )
    w.expect({ control: 'aws.ec2.subnet-auto-public-ip', resource: arnOf(id), verdict, steps, why, ...(says ? { says } : {}) })
  }
  // Prowler reports the public subnet too: one finding with Security Hub's
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: ACCOUNT,
      region: R,
      check: 'vpc_subnet_no_public_ip_by_default',
      title: 'Ensure VPC subnets do not assign public IP by default.',
      severity: 'Medium',
      service: 'vpc',
      resourceType: 'AwsEc2Subnet',
      resourceUid: arnOf(PUBLIC),
      resourceName: PUBLIC,
      detail: `VPC subnet ${PUBLIC} assigns public IP by default.`
    })
  )
}
