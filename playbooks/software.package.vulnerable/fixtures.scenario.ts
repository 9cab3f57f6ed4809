// software.package.vulnerable's fixture world: five EC2 instances of one account with Inspector's
// package vulnerabilities (through Security Hub), one for each way the investigation can end.
import { asffInspectorInstance, type Expected, type Instance, type Json, type World } from '../../test/casegen/world'

const ACCOUNT = '111122223333'
const R = 'us-east-1'
const VPC = 'vpc-0a1b2c3d4e5f60718'
const WEB_SG = 'sg-0e5f000000000001'
const PRIVATE_SG = 'sg-0e5f000000000002'

const arnOf = (id: string) => `arn:aws:ec2:${R}:${ACCOUNT}:instance/${id}`

const tcp = (port: number, cidrs: string[]): Json => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: cidrs.map((c) => ({ CidrIp: c })),
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: []
})

function instance(w: World, i: Pick<Instance, 'id' | 'name' | 'groups' | 'privateIp' | 'publicIp' | 'state'>): void {
  const a = w.account(ACCOUNT)
  a.regions.add(R)
  a.instances.push({ region: R, tags: { Name: i.name, Owner: 'platform' }, httpTokens: 'required', hopLimit: 1, profile: null, eni: `eni-0${i.id.slice(-16)}`, ...i })
}

type Vuln = Omit<Parameters<typeof asffInspectorInstance>[0], 'account' | 'region' | 'instance'>

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-prod', 'prod')
  a.securityGroups.push(
    { id: WEB_SG, region: R, name: 'web-public', vpc: VPC, tags: { Owner: 'web' }, permissions: [tcp(443, ['0.0.0.0/0'])] },
    { id: PRIVATE_SG, region: R, name: 'vpc-only', vpc: VPC, tags: { Owner: 'platform' }, permissions: [tcp(8080, ['10.0.0.0/16'])] }
  )
  // a batch worker, stopped between runs: a distribution patch within its version line
  instance(w, { id: 'i-0b0000000000000a1', name: 'batch-worker', groups: [PRIVATE_SG], privateIp: '10.0.1.11', publicIp: null, state: 'stopped' })
  // the public web front end: a kernel update with a public exploit
  instance(w, { id: 'i-0b0000000000000a2', name: 'web-frontend', groups: [WEB_SG], privateIp: '10.0.2.12', publicIp: '54.210.33.7', state: 'running' })
  // an internal API: its Java application needs Spring 6 (a new major version) for one CVE
  instance(w, { id: 'i-0b0000000000000a3', name: 'orders-api', groups: [PRIVATE_SG], privateIp: '10.0.3.13', publicIp: null, state: 'running' })
  // a reporting host: no fixed version of libxml2 yet
  instance(w, { id: 'i-0b0000000000000a4', name: 'reports-host', groups: [PRIVATE_SG], privateIp: '10.0.4.14', publicIp: null, state: 'running' })
  // i-0b0000000000000a5 is not in the collected inventory (launched after the bundle, or another Region's scope)

  const vulns: Array<[string, Vuln[]]> = [
    [
      'i-0b0000000000000a1',
      [
        {
          cve: 'CVE-2023-0286',
          pkg: 'openssl',
          epoch: '1',
          version: '1.0.2k',
          release: '24.amzn2.0.6',
          fixed: '1:1.0.2k-24.amzn2.0.7',
          manager: 'OS',
          severity: 'High',
          exploit: false
        }
      ]
    ],
    [
      'i-0b0000000000000a2',
      [
        { cve: 'CVE-2024-1086', pkg: 'kernel', version: '5.10.210', release: '201.852.amzn2', fixed: '0:5.10.215-203.850.amzn2', manager: 'OS', severity: 'High', exploit: true },
        { cve: 'CVE-2023-38545', pkg: 'curl', version: '8.3.0', release: '1.amzn2.0.4', fixed: '0:8.3.0-1.amzn2.0.5', manager: 'OS', severity: 'High', exploit: false }
      ]
    ],
    [
      'i-0b0000000000000a3',
      [
        { cve: 'CVE-2022-42003', pkg: 'com.fasterxml.jackson.core:jackson-databind', version: '2.13.2', fixed: '2.13.4.1', manager: 'JAR', severity: 'High', exploit: false },
        { cve: 'CVE-2016-1000027', pkg: 'org.springframework:spring-web', version: '5.3.20', fixed: '6.0.0', manager: 'JAR', severity: 'Critical', exploit: true }
      ]
    ],
    ['i-0b0000000000000a4', [{ cve: 'CVE-2024-25062', pkg: 'libxml2', version: '2.9.1', release: '6.amzn2.5.13', fixed: null, manager: 'OS', severity: 'High', exploit: false }]],
    [
      'i-0b0000000000000a5',
      [{ cve: 'CVE-2023-4911', pkg: 'glibc', version: '2.26', release: '63.amzn2', fixed: '0:2.26-64.amzn2.0.1', manager: 'OS', severity: 'High', exploit: true }]
    ]
  ]
  for (const [id, list] of vulns) for (const v of list) w.findings.asff.push(asffInspectorInstance({ account: ACCOUNT, region: R, instance: id, ...v }))

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      'i-0b0000000000000a1',
      'RISKY',
      { 'fix-available': 'yes', 'major-upgrade': 'no', distribution: 'yes', running: 'no', exposed: 'no' },
      'stopped, and the OpenSSL fix stays in its release line; but no plan can update it until it runs, and starting it starts its services',
      { running: 'is stopped', 'major-upgrade': '1:1.0.2k-24.amzn2.0.6 → 1:1.0.2k-24.amzn2.0.7' }
    ],
    [
      'i-0b0000000000000a2',
      'RISKY',
      { 'fix-available': 'yes', 'major-upgrade': 'no', running: 'yes', exposed: 'yes', 'known-exploit': 'yes' },
      'running, open to the internet on 443, with a public kernel exploit: urgent, not safe',
      { exposed: 'sg-0e5f000000000001 tcp/443 from 0.0.0.0/0', distribution: 'must be rebooted', 'known-exploit': 'CVE-2024-1086' }
    ],
    [
      'i-0b0000000000000a3',
      'UNSAFE',
      { 'fix-available': 'yes', 'major-upgrade': 'yes', distribution: 'no', running: 'yes', exposed: 'no' },
      'running, and the Spring fix is a new major version',
      { 'major-upgrade': 'org.springframework:spring-web 5.3.20 → 6.0.0', distribution: 'application dependencies' }
    ],
    [
      'i-0b0000000000000a4',
      'RISKY',
      { 'fix-available': 'no', running: 'yes', 'known-exploit': 'no' },
      'no fixed version of libxml2 exists yet',
      { 'fix-available': 'no fixed version exists yet' }
    ],
    [
      'i-0b0000000000000a5',
      'RISKY',
      { 'fix-available': 'yes', 'major-upgrade': 'no', running: 'unknown', exposed: 'unknown' },
      'the instance is not in the inventory, so whether it runs is unknown',
      { running: 'not in the evidence' }
    ]
  ]
  for (const [id, verdict, steps, why, says] of cases) w.expect({ control: 'software.package.vulnerable', resource: arnOf(id), verdict, steps, why, says })
}
