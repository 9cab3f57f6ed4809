// aws.ec2.instance-public-ip's fixture world: six instances of one account with public IPv4
// addresses (and one without), one for each way the investigation can end. Two subnets: a public one
// (its route table sends 0.0.0.0/0 to an internet gateway) and a private one (to a NAT gateway).
// Flow logs (custom format with tcp-flags and flow-direction) cover the whole window for the
// interfaces that have them: a record every 12 hours (traffic or NODATA).
import { asffControl, at, flowRecord, noDataLine, prowlerFinding, routeTable, subnet, type Expected, type Instance, type Json, type World } from '../../test/casegen/world'

const ACCOUNT = '111122223333'
const R = 'us-east-1'
const VPC = 'vpc-0e9a1b2c3d4e5f601'
const PUBLIC_SUBNET = 'subnet-0e9a000000000001'
const PRIVATE_SUBNET = 'subnet-0e9a000000000002'
const WEB_SG = 'sg-0e9a000000000001'
const VPC_ONLY_SG = 'sg-0e9a000000000002'

const arnOf = (id: string) => `arn:aws:ec2:${R}:${ACCOUNT}:instance/${id}`

function instance(w: World, i: Pick<Instance, 'id' | 'name' | 'groups' | 'eni' | 'privateIp' | 'publicIp' | 'subnet' | 'elasticIp'>): Instance {
  const a = w.account(ACCOUNT)
  a.regions.add(R)
  const full: Instance = { region: R, tags: { Name: i.name, Owner: 'web-platform' }, httpTokens: 'required', hopLimit: 1, profile: null, vpc: VPC, ...i }
  a.instances.push(full)
  return full
}

/** Records every 12 hours over the window: `traffic` or NODATA. */
function flows(w: World, i: Instance, traffic: (time: string, k: number) => string | null): void {
  const a = w.account(ACCOUNT)
  for (let k = 0; k < 180; k++) {
    const time = at(Math.floor(k / 2), (k % 2) * 12 + 1)
    a.flows.push(traffic(time, k) ?? noDataLine(ACCOUNT, i.eni, time))
  }
}

/** A session a peer opened to the instance's port (SYN and FIN seen, data in many packets). */
const served = (i: Instance, peer: string, port: number, start: string, k: number): string =>
  flowRecord({ account: ACCOUNT, eni: i.eni, src: peer, dst: i.privateIp, srcPort: 50000 + k, dstPort: port, packets: 40, bytes: 18_200, start, flags: 3, direction: 'ingress' })
/** A session the instance opened to a peer's port. */
const reached = (i: Instance, peer: string, port: number, start: string, k: number): string =>
  flowRecord({ account: ACCOUNT, eni: i.eni, src: i.privateIp, dst: peer, srcPort: 40000 + k, dstPort: port, packets: 30, bytes: 9_800, start, flags: 3, direction: 'egress' })

const ingress = (cidr: string, port: number): Json => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: [{ CidrIp: cidr }],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: []
})

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-prod', 'prod')
  a.securityGroups.push(
    { id: WEB_SG, region: R, name: 'web-public', vpc: VPC, tags: { Owner: 'web-platform' }, permissions: [ingress('0.0.0.0/0', 443)] },
    { id: VPC_ONLY_SG, region: R, name: 'vpc-only', vpc: VPC, tags: { Owner: 'web-platform' }, permissions: [ingress('10.0.0.0/16', 8080)] }
  )
  a.subnets.push(
    subnet({ account: ACCOUNT, region: R, id: PUBLIC_SUBNET, vpc: VPC, cidr: '10.0.1.0/24', mapPublicIp: false, name: 'public-a' }),
    subnet({ account: ACCOUNT, region: R, id: PRIVATE_SUBNET, vpc: VPC, cidr: '10.0.11.0/24', mapPublicIp: false, name: 'private-a' })
  )
  a.routeTables.push(
    routeTable({ account: ACCOUNT, region: R, id: 'rtb-0e9a000000000001', vpc: VPC, main: true, internet: 'igw-0e9a000000000001' }),
    routeTable({ account: ACCOUNT, region: R, id: 'rtb-0e9a000000000002', vpc: VPC, subnets: [PRIVATE_SUBNET], internet: 'nat-0e9a000000000001' })
  )

  // an Elastic IP nobody uses any more: its only clients are inside the VPC, it talks to nothing outside
  const intranet = instance(w, {
    id: 'i-0e9a000000000001',
    name: 'intranet',
    groups: [WEB_SG],
    eni: 'eni-0e9a000000000001',
    privateIp: '10.0.1.11',
    publicIp: '3.208.44.11',
    elasticIp: true,
    subnet: PUBLIC_SUBNET
  })
  flows(w, intranet, (t, k) => (k % 3 === 0 ? served(intranet, '10.0.11.40', 443, t, k) : null))
  // an API partners call over its Elastic IP
  const partnerApi = instance(w, {
    id: 'i-0e9a000000000002',
    name: 'partner-api',
    groups: [WEB_SG],
    eni: 'eni-0e9a000000000002',
    privateIp: '10.0.1.12',
    publicIp: '3.208.44.12',
    elasticIp: true,
    subnet: PUBLIC_SUBNET
  })
  flows(w, partnerApi, (t, k) => (k % 4 === 0 ? served(partnerApi, '198.51.100.23', 443, t, k) : null))
  // a batch worker in the public subnet: nobody can reach it (its group admits the VPC only), but it
  // downloads from the internet through its address
  const batch = instance(w, {
    id: 'i-0e9a000000000003',
    name: 'batch-worker',
    groups: [VPC_ONLY_SG],
    eni: 'eni-0e9a000000000003',
    privateIp: '10.0.1.13',
    publicIp: '54.81.20.13',
    subnet: PUBLIC_SUBNET
  })
  flows(w, batch, (t, k) => (k % 5 === 0 ? reached(batch, '151.101.2.132', 443, t, k) : null))
  // launched with an address in the private subnet: the address gives it nothing, but it cannot be given back
  instance(w, {
    id: 'i-0e9a000000000004',
    name: 'build-runner',
    groups: [VPC_ONLY_SG],
    eni: 'eni-0e9a000000000004',
    privateIp: '10.0.11.14',
    publicIp: '54.81.20.14',
    subnet: PRIVATE_SUBNET
  })
  // an address assigned at launch on an interface without flow logs, behind a group open to the internet
  instance(w, {
    id: 'i-0e9a000000000005',
    name: 'legacy-portal',
    groups: [WEB_SG],
    eni: 'eni-0e9a000000000005',
    privateIp: '10.0.1.15',
    publicIp: '54.81.20.15',
    subnet: PUBLIC_SUBNET
  })
  // its address is gone already: the finding is stale
  instance(w, { id: 'i-0e9a000000000006', name: 'reporting', groups: [VPC_ONLY_SG], eni: 'eni-0e9a000000000006', privateIp: '10.0.11.16', publicIp: null, subnet: PRIVATE_SUBNET })

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'i-0e9a000000000001',
      'SAFE',
      { public: 'yes', inbound: 'no', egress: 'no', 'exact-rollback': 'yes' },
      'an Elastic IP: only clients inside the VPC use the instance and it reaches nothing outside',
      { public: 'Elastic IP', 'exact-rollback': 'associates the same address again' }
    ],
    ['i-0e9a000000000002', 'UNSAFE', { public: 'yes', inbound: 'yes' }, 'a partner calls it from 198.51.100.23', { inbound: '198.51.100.23' }],
    [
      'i-0e9a000000000003',
      'UNSAFE',
      { public: 'yes', inbound: 'no', egress: 'yes' },
      'its subnet routes to an internet gateway and it downloads from 151.101.2.132',
      { egress: '151.101.2.132', inbound: 'admits a public IPv4 address' }
    ],
    [
      'i-0e9a000000000004',
      'RISKY',
      { public: 'yes', inbound: 'no', egress: 'no', 'exact-rollback': 'no' },
      'nothing uses the address (private subnet, NAT route), but it was assigned at launch: it cannot be given back',
      { egress: 'a NAT gateway', 'exact-rollback': 'assigned by EC2 at launch' }
    ],
    [
      'i-0e9a000000000005',
      'RISKY',
      { public: 'yes', inbound: 'unknown', egress: 'unknown', 'exact-rollback': 'no' },
      'open to the internet, its interface has no flow log, and its address cannot be given back',
      { inbound: 'eni-0e9a000000000005: no flow log in evidence' }
    ],
    ['i-0e9a000000000006', 'SAFE', { public: 'no' }, 'a stale finding: the instance has no public address any more']
  ]
  for (const [id, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control: 'EC2.9',
        title: 'EC2 instances should not have a public IPv4 address',
        severity: 'High',
        resourceType: 'AwsEc2Instance',
        resourceId: arnOf(id)
      })
    )
    w.expect({ control: 'aws.ec2.instance-public-ip', resource: arnOf(id), verdict, steps, why, ...(says ? { says } : {}) })
  }
  // Prowler reports the partner API too: one finding with Security Hub's
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: ACCOUNT,
      region: R,
      check: 'ec2_instance_public_ip',
      title: 'Check for EC2 Instances with Public IP.',
      severity: 'Medium',
      service: 'ec2',
      resourceType: 'AwsEc2Instance',
      resourceUid: arnOf('i-0e9a000000000002'),
      resourceName: 'i-0e9a000000000002',
      detail: 'EC2 Instance i-0e9a000000000002 has a Public IP: 3.208.44.12 (ec2-3-208-44-12.compute-1.amazonaws.com).'
    })
  )
}
