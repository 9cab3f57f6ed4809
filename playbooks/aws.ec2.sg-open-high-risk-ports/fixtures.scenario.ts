// aws.ec2.sg-open-high-risk-ports' fixture world: five security groups of one account, each used by
// one instance, one for each way the investigation can end. Flow logs (custom format with tcp-flags
// and flow-direction) cover the whole window for the interfaces that have them: a record every 12
// hours (traffic or NODATA).
import { asffControl, at, flowLine, hex, noDataLine, prowlerFinding, type Expected, type Instance, type Json, type World } from '../../test/casegen/world'

const ACCOUNT = '555566667777'
const R = 'us-east-1'
const VPC = 'vpc-0e19a2b3c4d5e6f70'
const CONTROL = 'aws.ec2.sg-open-high-risk-ports'

const range = (from: number, to: number, cidrs: string[]): Json => ({
  IpProtocol: 'tcp',
  FromPort: from,
  ToPort: to,
  IpRanges: cidrs.map((c) => ({ CidrIp: c })),
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: []
})

function host(w: World, n: number, name: string, group: string, owner: string): Instance {
  const i: Instance = {
    id: `i-0e19000000000000${n}`,
    region: R,
    name,
    tags: { Name: name, Owner: owner, Environment: 'production' },
    httpTokens: 'required',
    hopLimit: 1,
    profile: null,
    groups: [group],
    eni: `eni-${hex(`eni:high-risk:${n}`, 17)}`,
    privateIp: `10.31.${n}.10`,
    publicIp: `54.160.31.${n}`
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
    src: `45.${(k * 7) % 200}.19.${(k * 13) % 250}`,
    dst: i.privateIp,
    srcPort: 40000 + k,
    dstPort: port,
    packets: 2,
    bytes: 84,
    start,
    flags: 6
  })

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-apps', 'prod')
  // the account's Auto Scaling groups are listed: none launches into these groups
  a.inventories.add('asgs')
  const sg = (id: string, name: string, owner: string, permissions: Json[]) => a.securityGroups.push({ id, region: R, name, vpc: VPC, tags: { Owner: owner }, permissions })
  sg('sg-0e19000000000001', 'orders-mysql', 'orders-team', [range(3306, 3306, ['0.0.0.0/0'])])
  sg('sg-0e19000000000002', 'grafana', 'observability', [range(3000, 3000, ['0.0.0.0/0'])])
  sg('sg-0e19000000000003', 'legacy-services', 'finance', [range(1, 1024, ['0.0.0.0/0'])])
  sg('sg-0e19000000000004', 'web-any-tcp', 'web-team', [range(0, 65535, ['0.0.0.0/0'])])
  sg('sg-0e19000000000005', 'reports-postgres', 'finance', [range(5432, 5432, ['10.31.0.0/16'])])

  // the orders database: the application servers in the VPC connect through 0.0.0.0/0 (no other
  // rule admits them), and scanners knock on 3306 from the internet
  const mysql = host(w, 1, 'orders-mysql-1', 'sg-0e19000000000001', 'orders-team')
  flows(w, mysql, (t, k) => (k % 3 === 0 ? session(mysql, '10.31.7.21', 3306, t, k) : k % 5 === 0 ? probe(mysql, 3306, t, k) : null))
  // Grafana: a partner's dashboards read it from their office on the internet
  const grafana = host(w, 2, 'grafana-1', 'sg-0e19000000000002', 'observability')
  flows(w, grafana, (t, k) => (k % 4 === 0 ? session(grafana, '198.51.100.77', 3000, t, k) : null))
  // a legacy host (FTP, SMTP, POP3…) whose rule opens tcp 1-1024 to anyone, and no flow log: which
  // of its ports are in use cannot be listed, so no plan is made (and no fix runs in the emulator)
  host(w, 3, 'legacy-services-1', 'sg-0e19000000000003', 'finance')
  // a web server whose only rule is tcp 0-65535 from anywhere: HTTPS clients daily, scans on 8080
  const web = host(w, 4, 'web-1', 'sg-0e19000000000004', 'web-team')
  flows(w, web, (t, k) => (k % 7 === 0 ? probe(web, 8080, t, k) : session(web, `203.0.113.${(k * 11) % 250}`, 443, t, k)))
  // the reports database admits only the VPC: the finding is stale
  host(w, 5, 'reports-postgres-1', 'sg-0e19000000000005', 'finance')

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'sg-0e19000000000001',
      'SAFE',
      { open: 'yes', 'all-traffic': 'no', 'outside-sessions': 'no', 'admitted-first': 'yes' },
      'only the application server in the VPC uses 3306, through 0.0.0.0/0: the plan admits it first; the internet only probed',
      { 'admitted-first': '3306/tcp from 10.31.7.21/32' }
    ],
    ['sg-0e19000000000002', 'UNSAFE', { open: 'yes', 'outside-sessions': 'yes' }, 'a partner reads Grafana on 3000 from the internet', { 'outside-sessions': '198.51.100.77' }],
    [
      'sg-0e19000000000003',
      'RISKY',
      { open: 'yes', 'all-traffic': 'yes', 'outside-sessions': 'unknown' },
      'tcp 1-1024 opens FTP, SMTP, POP3… and the host has no flow log: no plan is made',
      { 'all-traffic': 'no plan is made', 'outside-sessions': 'no flow log in evidence' }
    ],
    [
      'sg-0e19000000000004',
      'RISKY',
      { open: 'yes', 'all-traffic': 'yes', 'outside-sessions': 'no' },
      'tcp 0-65535 also serves 443 (daily sessions): the plan keeps 443 from 0.0.0.0/0; only probes on 8080',
      { 'all-traffic': '443/tcp' }
    ],
    ['sg-0e19000000000005', 'SAFE', { open: 'no' }, 'a stale finding: 5432 admits only 10.31.0.0/16']
  ]
  for (const [id, verdict, steps, why, says] of cases) {
    const arn = `arn:aws:ec2:${R}:${ACCOUNT}:security-group/${id}`
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control: 'EC2.19',
        title: 'Security groups should not allow unrestricted access to ports with high risk',
        severity: 'Critical',
        resourceType: 'AwsEc2SecurityGroup',
        resourceId: arn
      })
    )
    w.expect({ control: CONTROL, resource: arn, verdict, steps, why, ...(says ? { says } : {}) })
  }
  // Prowler reports Grafana's group too (3000 is on its high-risk list): one finding with Security Hub's
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: ACCOUNT,
      region: R,
      check: 'ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports',
      title: 'Ensure no security groups allow ingress from 0.0.0.0/0 or ::/0 to high risk ports.',
      severity: 'High',
      service: 'ec2',
      resourceType: 'AwsEc2SecurityGroup',
      resourceUid: `arn:aws:ec2:${R}:${ACCOUNT}:security-group/sg-0e19000000000002`,
      resourceName: 'sg-0e19000000000002',
      detail: 'Security group grafana (sg-0e19000000000002) has port 3000 (high risk) open to the Internet.'
    })
  )
}
