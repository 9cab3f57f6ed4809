// aws.ec2.sg-open-unauthorized-ports' fixture world: seven security groups of one account, each used by
// one instance or task, one for each way the investigation can end. Flow logs (custom format with tcp-flags and
// flow-direction) cover the whole window for every interface: a record every 12 hours (traffic or
// NODATA). The fifth group's Security Hub finding was evaluated with authorizedTcpPorts 443,8443
// (Compliance.SecurityControlParameters): its partner on 8443 is authorised, unlike the first partner
// API's under AWS's defaults, and only the probed 9200 is closed.
import {
  asffControl,
  at,
  autoScalingGroup,
  flowLine,
  hex,
  launchConfiguration,
  noDataLine,
  subnet,
  type Expected,
  type Instance,
  type Json,
  type World
} from '../../test/casegen/world'

const ACCOUNT = '777788881818'
const R = 'us-east-1'
const VPC = 'vpc-0e18a2b3c4d5e6f70'
const CONTROL = 'aws.ec2.sg-open-unauthorized-ports'

const rule = (protocol: string, from: number, to: number, cidrs: string[]): Json => ({
  IpProtocol: protocol,
  FromPort: from,
  ToPort: to,
  IpRanges: cidrs.map((c) => ({ CidrIp: c })),
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: []
})

function host(w: World, n: number, name: string, group: string, owner: string): Instance {
  const i: Instance = {
    id: `i-0e18000000000000${n}`,
    region: R,
    name,
    tags: { Name: name, Owner: owner, Environment: 'production' },
    httpTokens: 'required',
    hopLimit: 1,
    profile: null,
    groups: [group],
    eni: `eni-${hex(`eni:authorised:${n}`, 17)}`,
    privateIp: `10.18.${n}.10`,
    publicIp: `54.160.18.${n}`
  }
  const a = w.account(ACCOUNT)
  a.instances.push(i)
  a.regions.add(R)
  return i
}

/** Records every 12 hours over the window: `traffic` or NODATA. */
function flows(w: World, i: Instance, traffic: (time: string, k: number) => string | null): void {
  const a = w.account(ACCOUNT)
  for (let k = 0; k < 180; k++) {
    const time = at(Math.floor(k / 2), (k % 2) * 12 + 1)
    a.flows.push(traffic(time, k) ?? noDataLine(ACCOUNT, i.eni, time))
  }
}

/** A client's session (SYN and FIN, data in many packets). */
const session = (i: Instance, src: string, port: number, start: string, k: number): string =>
  flowLine({ account: ACCOUNT, eni: i.eni, src, dst: i.privateIp, srcPort: 50000 + k, dstPort: port, packets: 40, bytes: 18_200, start, flags: 3 })
/** A scanner's SYN then RST: not a session. */
const probe = (i: Instance, port: number, start: string, k: number): string =>
  flowLine({
    account: ACCOUNT,
    eni: i.eni,
    src: `45.${(k * 7) % 200}.18.${(k * 13) % 250}`,
    dst: i.privateIp,
    srcPort: 40000 + k,
    dstPort: port,
    packets: 2,
    bytes: 84,
    start,
    flags: 6
  })

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-edge', 'prod')
  // the account's Auto Scaling groups are listed: none launches into these groups
  a.inventories.add('asgs')
  const sg = (id: string, name: string, owner: string, permissions: Json[]) => a.securityGroups.push({ id, region: R, name, vpc: VPC, tags: { Owner: owner }, permissions })
  sg('sg-0e18000000000001', 'storefront-any-tcp', 'web-team', [rule('tcp', 0, 65535, ['0.0.0.0/0'])])
  sg('sg-0e18000000000002', 'partner-api', 'integrations', [rule('tcp', 443, 443, ['0.0.0.0/0']), rule('tcp', 8443, 8443, ['0.0.0.0/0'])])
  sg('sg-0e18000000000003', 'sessions-cache', 'platform', [rule('tcp', 6379, 6379, ['0.0.0.0/0']), rule('udp', 11211, 11211, ['0.0.0.0/0'])])
  sg('sg-0e18000000000004', 'public-web', 'web-team', [rule('tcp', 80, 80, ['0.0.0.0/0']), rule('tcp', 443, 443, ['0.0.0.0/0'])])
  sg('sg-0e18000000000005', 'partner-api-eu', 'integrations', [
    rule('tcp', 443, 443, ['0.0.0.0/0']),
    rule('tcp', 8443, 8443, ['0.0.0.0/0']),
    rule('tcp', 9200, 9200, ['0.0.0.0/0'])
  ])

  // the storefront: its only rule is tcp 0-65535 from anywhere; browsers on 443 every day, and the
  // internet knocks on 8080 and 3306 (SYN then RST): no session on any port but 443
  const web = host(w, 1, 'storefront-1', 'sg-0e18000000000001', 'web-team')
  flows(w, web, (t, k) => (k % 7 === 0 ? probe(web, k % 2 ? 8080 : 3306, t, k) : session(web, `203.0.113.${(k * 11) % 250}`, 443, t, k)))
  // the partner API: a partner's servers call 8443 from their own addresses on the internet
  const api = host(w, 2, 'partner-api-1', 'sg-0e18000000000002', 'integrations')
  flows(w, api, (t, k) => (k % 3 === 0 ? session(api, '198.51.100.23', 8443, t, k) : k % 5 === 0 ? session(api, `203.0.113.${k % 250}`, 443, t, k) : null))
  // the cache: application servers in the VPC use Redis on 6379, maybe through 0.0.0.0/0 (the flow
  // logs count private clients of an arbitrary port without naming them)
  const cache = host(w, 3, 'sessions-cache-1', 'sg-0e18000000000003', 'platform')
  flows(w, cache, (t, k) => (k % 2 === 0 ? session(cache, '10.18.7.21', 6379, t, k) : null))
  // the public web server admits the internet on 80 and 443 only: the finding is stale
  host(w, 4, 'public-web-1', 'sg-0e18000000000004', 'web-team')
  // the EU partner API: the same partner on 8443, which this account authorises; 9200 is only probed
  const eu = host(w, 5, 'partner-api-eu-1', 'sg-0e18000000000005', 'integrations')
  flows(w, eu, (t, k) => (k % 3 === 0 ? session(eu, '198.51.100.23', 8443, t, k) : k % 11 === 0 ? probe(eu, 9200, t, k) : null))
  // the render farm: tcp 0-65535 from anywhere, and an Auto Scaling group whose launch configuration
  // puts its nodes in the group; today's node saw only probes, but the nodes the group launched
  // and terminated within the window are in no inventory
  sg('sg-0e18000000000006', 'render-farm', 'media-team', [rule('tcp', 0, 65535, ['0.0.0.0/0'])])
  const node = host(w, 6, 'render-node-1', 'sg-0e18000000000006', 'media-team')
  flows(w, node, (t, k) => (k % 9 === 0 ? probe(node, 5900, t, k) : null))
  a.subnets.push(subnet({ account: ACCOUNT, region: R, id: 'subnet-0e18000000000006', vpc: VPC, cidr: '10.18.6.0/24', mapPublicIp: true, name: 'render-a' }))
  a.autoScalingGroups.push(
    autoScalingGroup({
      account: ACCOUNT,
      region: R,
      name: 'render-farm-asg',
      subnets: ['subnet-0e18000000000006'],
      configuration: 'render-node-lc',
      min: 1,
      max: 40,
      instances: [node.id]
    })
  )
  a.launchConfigurations.push(launchConfiguration({ account: ACCOUNT, region: R, name: 'render-node-lc', publicIp: true, groups: ['sg-0e18000000000006'] }))
  // the metrics exporter: an ECS service on Fargate, its one task's interface in a group open on
  // 9100. Today's task saw only probes, but the service replaces its tasks at every deployment and
  // those that ran before are in no inventory. network-interfaces.json lists every interface.
  sg('sg-0e18000000000007', 'metrics-exporter', 'observability', [rule('tcp', 9100, 9100, ['0.0.0.0/0'])])
  const task = { eni: `eni-${hex('eni:authorised:ecs-task', 17)}`, privateIp: '10.18.7.30' } as Instance
  a.inventories.add('enis')
  a.networkInterfaces.push({
    NetworkInterfaceId: task.eni,
    AvailabilityZone: `${R}a`,
    InterfaceType: 'interface',
    Description: `arn:aws:ecs:${R}:${ACCOUNT}:attachment/3f9c2b1e-6a4d-4c8e-9b7f-2d1e0a5c6b4f`,
    OwnerId: ACCOUNT,
    RequesterId: '578734482556',
    RequesterManaged: true,
    Groups: [{ GroupId: 'sg-0e18000000000007', GroupName: 'metrics-exporter' }],
    PrivateIpAddress: task.privateIp,
    Status: 'in-use',
    VpcId: VPC
  })
  flows(w, task, (t, k) => (k % 10 === 0 ? probe(task, 9100, t, k) : null))
  /** the account's EC2.18 parameters, as Security Hub writes them into its findings */
  const parameters = { 'sg-0e18000000000005': [{ Name: 'authorizedTcpPorts', ValueType: 'CUSTOM', Value: ['443', '8443'] }] } as Record<string, Json[]>

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'sg-0e18000000000001',
      'SAFE',
      { open: 'yes', 'outside-sessions': 'no', 'closed-in-use': 'no' },
      'tcp 0-65535 from anywhere, but only 443 carried sessions (8080 and 3306 were probed): the plan keeps 80 and 443 from 0.0.0.0/0 and revokes the rule',
      { 'closed-in-use': 'the plan authorizes 80/tcp from 0.0.0.0/0, 443/tcp from 0.0.0.0/0 back first' }
    ],
    [
      'sg-0e18000000000002',
      'UNSAFE',
      { open: 'yes', 'outside-sessions': 'yes' },
      'a partner calls the API on 8443 from the internet',
      { 'outside-sessions': '198.51.100.23', 'closed-in-use': 'all of them from outside private space' }
    ],
    [
      'sg-0e18000000000003',
      'RISKY',
      { open: 'yes', 'outside-sessions': 'no', 'closed-in-use': 'yes' },
      'Redis on 6379 carries sessions from the VPC, whose clients the flow logs count but do not name: whether they need 0.0.0.0/0 cannot be told',
      { 'closed-in-use': '6379/tcp: 90 sessions', 'outside-sessions': 'no session from outside private space' }
    ],
    ['sg-0e18000000000004', 'SAFE', { open: 'no' }, 'a stale finding: only 80 and 443 are open to the internet'],
    [
      'sg-0e18000000000007',
      'RISKY',
      { open: 'yes', 'outside-sessions': 'unknown', 'closed-in-use': 'unknown' },
      "today's ECS task saw only probes on 9100, but its service replaces its tasks: those that ran before are in no inventory",
      { 'outside-sessions': '1 interface of the group belongs to tasks or pods that their service replaces and scales (' }
    ],
    [
      'sg-0e18000000000006',
      'RISKY',
      { open: 'yes', 'outside-sessions': 'unknown', 'closed-in-use': 'unknown' },
      "today's render node saw only probes, but its Auto Scaling group launched and terminated others within the window",
      { 'outside-sessions': '1 Auto Scaling group launches instances into the group (render-farm-asg (1 instance now, 1–40))' }
    ],
    [
      'sg-0e18000000000005',
      'SAFE',
      { open: 'yes', 'outside-sessions': 'no', 'closed-in-use': 'no' },
      'the finding authorises 443 and 8443: the partner on 8443 keeps its port, and 9200 carried no session (only probes)',
      { open: 'authorizedTcpPorts 443,8443', 'closed-in-use': 'no session on any port the fix closes' }
    ]
  ]
  for (const [id, verdict, steps, why, says] of cases) {
    const arn = `arn:aws:ec2:${R}:${ACCOUNT}:security-group/${id}`
    const f = asffControl({
      account: ACCOUNT,
      region: R,
      control: 'EC2.18',
      title: 'Security groups should only allow unrestricted incoming traffic for authorized ports',
      severity: 'High',
      resourceType: 'AwsEc2SecurityGroup',
      resourceId: arn
    })
    if (parameters[id]) (f.Compliance as Json).SecurityControlParameters = parameters[id]
    w.findings.asff.push(f)
    w.expect({ control: CONTROL, resource: arn, verdict, steps, why, ...(says ? { says } : {}) })
  }
}
