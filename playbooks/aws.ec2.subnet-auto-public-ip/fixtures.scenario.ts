// aws.ec2.subnet-auto-public-ip's fixture world: three subnets of one VPC that give (or gave) public
// addresses at launch. The VPC's main route table sends 0.0.0.0/0 to an internet gateway; the
// private subnet has its own table, to a NAT gateway. An Auto Scaling group's instance in the public
// subnet got its address at launch.
import { asffControl, prowlerFinding, routeTable, subnet, type Expected, type World } from '../../test/casegen/world'

const ACCOUNT = '111122223333'
const R = 'us-east-1'
const VPC = 'vpc-0f15a1b2c3d4e5f60'
const PUBLIC = 'subnet-0f15000000000001'
const PRIVATE = 'subnet-0f15000000000002'
const CLOSED = 'subnet-0f15000000000003'

const arnOf = (id: string) => `arn:aws:ec2:${R}:${ACCOUNT}:subnet/${id}`

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-prod', 'prod')
  a.regions.add(R)
  a.subnets.push(
    subnet({ account: ACCOUNT, region: R, id: PUBLIC, vpc: VPC, cidr: '10.15.1.0/24', mapPublicIp: true, name: 'web-public-a' }),
    subnet({ account: ACCOUNT, region: R, id: PRIVATE, vpc: VPC, cidr: '10.15.11.0/24', mapPublicIp: true, name: 'app-private-a' }),
    subnet({ account: ACCOUNT, region: R, id: CLOSED, vpc: VPC, cidr: '10.15.21.0/24', mapPublicIp: false, name: 'data-private-a' })
  )
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
      'RISKY',
      { 'maps-public': 'yes', 'internet-gateway': 'yes', relying: 'yes' },
      'it routes to an internet gateway, and the web-asg Auto Scaling group launches into it without asking for an address',
      { relying: 'web-asg', 'internet-gateway': 'its VPC’s main table' }
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
