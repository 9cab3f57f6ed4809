// aws.guardduty.ec2-instance-threat's fixture world: five instances of one account, each reported
// by GuardDuty (through Security Hub), one for each way the containment question can end. Flow logs
// (custom format with tcp-flags and flow-direction) cover the whole window for the interfaces that
// have them: a record every 12 hours (traffic or NODATA). The account's load balancers are in the
// evidence (one ALB, whose target group holds the web server).
import { asffGuardDuty, at, flowRecord, noDataLine, type Expected, type Json, type World } from '../../test/casegen/world'

const ACCOUNT = '666677778888'
const R = 'us-east-1'
const APP_SG = 'sg-0e6d000000000001'
const WEB_SG = 'sg-0e6d000000000002'

interface Box {
  id: string
  name: string
  eni: string
  ip: string
  groups: string[]
  tags?: Record<string, string>
  profile?: string
}

const arnOf = (id: string) => `arn:aws:ec2:${R}:${ACCOUNT}:instance/${id}`

function box(w: World, b: Box): Box {
  w.account(ACCOUNT).instances.push({
    id: b.id,
    region: R,
    name: b.name,
    tags: { Name: b.name, Owner: 'platform', ...b.tags },
    httpTokens: 'required',
    hopLimit: 1,
    profile: b.profile ?? null,
    groups: b.groups,
    eni: b.eni,
    privateIp: b.ip,
    publicIp: null
  })
  return b
}

/** Records every 12 hours over the window: what `traffic` gives, or NODATA. */
function flows(w: World, b: Box, traffic: (time: string, k: number) => string[] | null): void {
  const a = w.account(ACCOUNT)
  for (let k = 0; k < 180; k++) {
    const time = at(Math.floor(k / 2), (k % 2) * 12 + 1)
    const lines = traffic(time, k)
    a.flows.push(...(lines?.length ? lines : [noDataLine(ACCOUNT, b.eni, time)]))
  }
}

/** A TCP session the peer opens to the instance's `port`: its request and the instance's reply. */
const servedSession = (b: Box, peer: string, port: number, start: string, k: number): string[] => [
  flowRecord({ account: ACCOUNT, eni: b.eni, src: peer, dst: b.ip, srcPort: 50000 + k, dstPort: port, packets: 30, bytes: 9_800, start, flags: 3, direction: 'ingress' }),
  flowRecord({ account: ACCOUNT, eni: b.eni, src: b.ip, dst: peer, srcPort: port, dstPort: 50000 + k, packets: 28, bytes: 41_000, start, flags: 19, direction: 'egress' })
]
/** A TCP session the instance opens to the peer's `port`. */
const outSession = (b: Box, peer: string, port: number, start: string, k: number): string[] => [
  flowRecord({ account: ACCOUNT, eni: b.eni, src: b.ip, dst: peer, srcPort: 40000 + k, dstPort: port, packets: 22, bytes: 6_100, start, flags: 3, direction: 'egress' }),
  flowRecord({ account: ACCOUNT, eni: b.eni, src: peer, dst: b.ip, srcPort: port, dstPort: 40000 + k, packets: 20, bytes: 88_000, start, flags: 19, direction: 'ingress' })
]

const instanceResource = (b: Box): Json => ({
  Type: 'AwsEc2Instance',
  Id: arnOf(b.id),
  Tags: { Name: b.name },
  Details: { AwsEc2Instance: { Type: 't3.large', VpcId: 'vpc-0a11b22c33d44e55f', SubnetId: 'subnet-0a1b2c3d4e5f60789', IpV4Addresses: [b.ip] } }
})

const conn = (direction: string, protocol: string, ip: string, remotePort: number, localPort: number, org: string, country: string): Record<string, string> => ({
  'action/actionType': 'NETWORK_CONNECTION',
  'action/networkConnectionAction/connectionDirection': direction,
  'action/networkConnectionAction/protocol': protocol,
  'action/networkConnectionAction/blocked': 'false',
  'action/networkConnectionAction/remoteIpDetails/ipAddressV4': ip,
  'action/networkConnectionAction/remoteIpDetails/organization/asnOrg': org,
  'action/networkConnectionAction/remoteIpDetails/country/countryName': country,
  'action/networkConnectionAction/remotePortDetails/port': String(remotePort),
  'action/networkConnectionAction/localPortDetails/port': String(localPort)
})

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-workloads', 'prod')
  a.regions.add(R)
  a.securityGroups.push(
    { id: APP_SG, region: R, name: 'app', vpc: 'vpc-0a11b22c33d44e55f', tags: { Owner: 'platform' }, permissions: [] },
    { id: WEB_SG, region: R, name: 'web', vpc: 'vpc-0a11b22c33d44e55f', tags: { Owner: 'web' }, permissions: [] }
  )

  // a CI runner that started scanning the internet: nothing but the scan in 90 days of flow logs
  const runner = box(w, { id: 'i-0e6d0000000000001', name: 'ci-runner-7', eni: 'eni-0e6d0000000000001', ip: '10.20.1.11', groups: [APP_SG] })
  flows(w, runner, (t, k) =>
    k >= 170
      ? [3389, 22, 445].map((port, j) =>
          flowRecord({
            account: ACCOUNT,
            eni: runner.eni,
            src: runner.ip,
            dst: '198.51.100.77',
            srcPort: 38090 + j,
            dstPort: port,
            packets: 1,
            bytes: 44,
            start: t,
            flags: 2,
            direction: 'egress'
          })
        )
      : null
  )
  // a web server behind the ALB, brute-forced on SSH from the internet
  const web = box(w, {
    id: 'i-0e6d0000000000002',
    name: 'web-2',
    eni: 'eni-0e6d0000000000002',
    ip: '10.20.2.12',
    groups: [WEB_SG],
    profile: `arn:aws:iam::${ACCOUNT}:instance-profile/web`
  })
  flows(w, web, (t, k) => [
    ...(k % 2 === 0 ? servedSession(web, '10.20.0.40', 8080, t, k) : []),
    ...(k >= 160
      ? [
          flowRecord({
            account: ACCOUNT,
            eni: web.eni,
            src: '203.0.113.66',
            dst: web.ip,
            srcPort: 37726,
            dstPort: 22,
            packets: 3,
            bytes: 180,
            start: t,
            flags: 6,
            direction: 'ingress'
          })
        ]
      : [])
  ])
  a.loadBalancers = [
    {
      LoadBalancerArn: `arn:aws:elasticloadbalancing:${R}:${ACCOUNT}:loadbalancer/app/web-public/50dc6c495c0c9188`,
      DNSName: 'web-public-1234567890.us-east-1.elb.amazonaws.com',
      LoadBalancerName: 'web-public',
      Scheme: 'internet-facing',
      Type: 'application',
      VpcId: 'vpc-0a11b22c33d44e55f',
      TargetGroups: [
        {
          TargetGroupArn: `arn:aws:elasticloadbalancing:${R}:${ACCOUNT}:targetgroup/web/73e2d6bc24d8a067`,
          TargetGroupName: 'web',
          Protocol: 'HTTP',
          Port: 8080,
          TargetType: 'instance',
          TargetHealthDescriptions: [{ Target: { Id: web.id, Port: 8080 }, TargetHealth: { State: 'healthy' } }]
        }
      ]
    }
  ]
  // an API worker resolving through a public resolver; other services call its port 9000
  const api = box(w, { id: 'i-0e6d0000000000003', name: 'orders-api-1', eni: 'eni-0e6d0000000000003', ip: '10.20.3.13', groups: [APP_SG] })
  flows(w, api, (t, k) => [
    ...(k % 3 === 0 ? servedSession(api, '10.20.4.44', 9000, t, k) : []),
    ...(k >= 150
      ? [
          flowRecord({
            account: ACCOUNT,
            eni: api.eni,
            src: api.ip,
            dst: '1.1.1.1',
            srcPort: 53814,
            dstPort: 53,
            protocol: 17,
            packets: 1,
            bytes: 88,
            start: t,
            flags: 0,
            direction: 'egress'
          })
        ]
      : [])
  ])
  // a batch job that reaches its database every night, and now a command-and-control server
  const etl = box(w, { id: 'i-0e6d0000000000004', name: 'etl-nightly', eni: 'eni-0e6d0000000000004', ip: '10.20.5.14', groups: [APP_SG] })
  flows(w, etl, (t, k) => [...(k % 2 === 1 ? outSession(etl, '10.20.9.9', 5432, t, k) : []), ...(k >= 175 ? outSession(etl, '192.0.2.200', 443, t, k) : [])])
  // a legacy host whose interface has no flow log
  const legacy = box(w, { id: 'i-0e6d0000000000005', name: 'legacy-ftp', eni: 'eni-0e6d0000000000005', ip: '10.20.6.15', groups: [APP_SG] })

  const cases: Array<{
    b: Box
    type: string
    title: string
    severity: number
    fields: Record<string, string>
    verdict: Expected['verdict']
    steps: Record<string, 'yes' | 'no' | 'unknown'>
    why: string
    says?: Record<string, string>
  }> = [
    {
      b: runner,
      type: 'TTPs/Discovery/Recon:EC2-Portscan',
      title: `Outbound portscan from EC2 instance ${runner.id}.`,
      severity: 5,
      fields: {
        ...conn('OUTBOUND', 'TCP', '198.51.100.77', 3389, 38090, 'EXAMPLE-NET', 'Netherlands'),
        resourceRole: 'ACTOR',
        'additionalInfo/value': JSON.stringify({ portsScannedSample: [3389, 22, 445] })
      },
      verdict: 'SAFE',
      steps: { active: 'yes', threat: 'yes', 'in-service': 'no', serves: 'no', reaches: 'no', role: 'no' },
      why: 'in 90 days the runner had no session with anyone; only the scan is in its flow log',
      says: { threat: '198.51.100.77', reaches: "GuardDuty's peer 198.51.100.77 also in the log" }
    },
    {
      b: web,
      type: 'TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce',
      title: `203.0.113.66 is performing SSH brute force attacks against ${web.id}.`,
      severity: 2,
      fields: { ...conn('INBOUND', 'TCP', '203.0.113.66', 37726, 22, 'EXAMPLE-HOSTING', 'Italy'), resourceRole: 'TARGET' },
      verdict: 'UNSAFE',
      steps: { active: 'yes', 'in-service': 'yes', serves: 'yes', role: 'yes' },
      why: "it is the ALB's healthy target, serving 8080",
      says: { 'in-service': 'web-public', threat: 'target (this was done to it)' }
    },
    {
      b: api,
      type: 'TTPs/Defense Evasion/DefenseEvasion:EC2-UnusualDNSResolver',
      title: `EC2 instance ${api.id} is communicating with an Unusual DNS Resolver 1.1.1.1.`,
      severity: 5,
      fields: { ...conn('OUTBOUND', 'UDP', '1.1.1.1', 53, 53814, 'CLOUDFLARENET', 'United States'), resourceRole: 'ACTOR' },
      verdict: 'UNSAFE',
      steps: { 'in-service': 'no', serves: 'yes' },
      why: '10.20.4.44 calls its port 9000',
      says: { serves: '10.20.4.44' }
    },
    {
      b: etl,
      type: 'TTPs/Command and Control/Backdoor:EC2-C&CActivity.B',
      title: `EC2 instance ${etl.id} is querying an IP address that is associated with a known command and control server.`,
      severity: 8,
      fields: { ...conn('OUTBOUND', 'TCP', '192.0.2.200', 443, 40175, 'EXAMPLE-C2', 'Unknown'), resourceRole: 'ACTOR' },
      verdict: 'RISKY',
      steps: { 'in-service': 'no', serves: 'no', reaches: 'yes' },
      why: 'it reaches its database 10.20.9.9:5432 every night',
      says: { reaches: '10.20.9.9' }
    },
    {
      b: legacy,
      type: 'TTPs/Command and Control/UnauthorizedAccess:EC2-TorClient',
      title: `EC2 instance ${legacy.id} is communicating with Tor Entry node.`,
      severity: 8,
      fields: { ...conn('OUTBOUND', 'TCP', '198.51.100.9', 9001, 41234, 'TOR-EXIT', 'Germany'), resourceRole: 'ACTOR' },
      verdict: 'RISKY',
      steps: { 'in-service': 'no', serves: 'unknown', reaches: 'unknown' },
      why: 'its interface has no flow log: what isolation cuts off is unknown',
      says: { serves: 'eni-0e6d0000000000005: no flow log in evidence' }
    }
  ]
  for (const c of cases) {
    w.findings.asff.push(
      asffGuardDuty({
        account: ACCOUNT,
        region: R,
        type: c.type,
        title: c.title,
        severity: c.severity,
        resource: instanceResource(c.b),
        fields: c.fields,
        count: 12,
        firstSeen: at(80, 3),
        lastSeen: at(89, 13)
      })
    )
    const control = `aws.guardduty.${c.type
      .split('/')
      .pop()!
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')}`
    w.expect({ control, resource: arnOf(c.b.id), verdict: c.verdict, steps: c.steps, why: c.why, ...(c.says ? { says: c.says } : {}) })
  }
}
