// aws.rds.public-access's fixture world: six DB instances of one account, one for each way the
// investigation can end. Flow logs (custom format with tcp-flags and flow-direction) cover the
// whole window for the interfaces that have them: a record every 12 hours (traffic or NODATA).
import {
  asffControl,
  at,
  flowLine,
  noDataLine,
  prowlerFinding,
  terraformShowJson,
  terraformStateV4,
  trivyConfigReport,
  type Expected,
  type Json,
  type World
} from '../../test/casegen/world'

const ACCOUNT = '111122223333'
const R = 'us-east-1'
const VPC = 'vpc-0a1b2c3d4e5f60718'
const OPEN_SG = 'sg-0d1b0000000000001'
const PRIVATE_SG = 'sg-0d1b0000000000002'

interface Db {
  id: string
  public: boolean
  groups: string[]
  eni: string | null
  ip: string
  owner: string
}

const arnOf = (id: string) => `arn:aws:rds:${R}:${ACCOUNT}:db:${id}`

function db(w: World, d: Db): Db {
  const a = w.account(ACCOUNT)
  a.regions.add(R)
  a.rdsInstances.push({
    DBInstanceIdentifier: d.id,
    DBInstanceArn: arnOf(d.id),
    DBInstanceClass: 'db.t3.medium',
    Engine: 'postgres',
    DBInstanceStatus: 'available',
    PubliclyAccessible: d.public,
    Endpoint: { Address: `${d.id}.c1x2y3z4w5v6.${R}.rds.amazonaws.com`, Port: 5432, HostedZoneId: 'Z2R2ITUGPM61AM' },
    AvailabilityZone: `${R}a`,
    DBSubnetGroup: { DBSubnetGroupName: 'acme-db', VpcId: VPC, Subnets: [{ SubnetIdentifier: 'subnet-0aa1' }, { SubnetIdentifier: 'subnet-0bb2' }] },
    VpcSecurityGroups: d.groups.map((g) => ({ VpcSecurityGroupId: g, Status: 'active' })),
    TagList: [{ Key: 'Owner', Value: d.owner }],
    ...(d.eni ? { NetworkInterfaces: [{ NetworkInterfaceId: d.eni, PrivateIpAddress: d.ip }] } : {})
  })
  return d
}

/** A client's Postgres session as the interface's flow log shows it: SYN and FIN, data in many packets. */
const session = (d: Db, src: string, start: string, k: number): string =>
  flowLine({ account: ACCOUNT, eni: d.eni!, src, dst: d.ip, srcPort: 50000 + k, dstPort: 5432, packets: 48, bytes: 21_400, start, flags: 3 })
/** A scanner's SYN then RST: not a session. */
const probe = (d: Db, src: string, start: string, k: number): string =>
  flowLine({ account: ACCOUNT, eni: d.eni!, src, dst: d.ip, srcPort: 40000 + k, dstPort: 5432, packets: 2, bytes: 84, start, flags: 6 })

/** Records every 12 hours from `fromDay` to the window's end: `traffic` or NODATA. */
function flows(w: World, d: Db, traffic: (time: string, k: number) => string | null, fromDay = 0): void {
  const a = w.account(ACCOUNT)
  for (let k = fromDay * 2; k < 180; k++) {
    const time = at(Math.floor(k / 2), (k % 2) * 12 + 1)
    a.flows.push(traffic(time, k) ?? noDataLine(ACCOUNT, d.eni!, time))
  }
}

const tcp5432 = (cidrs: string[]): Json => ({
  IpProtocol: 'tcp',
  FromPort: 5432,
  ToPort: 5432,
  IpRanges: cidrs.map((c) => ({ CidrIp: c })),
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: []
})

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-prod', 'prod')
  a.securityGroups.push(
    { id: OPEN_SG, region: R, name: 'db-open', vpc: VPC, tags: { Owner: 'data-platform' }, permissions: [tcp5432(['0.0.0.0/0'])] },
    { id: PRIVATE_SG, region: R, name: 'db-vpc-only', vpc: VPC, tags: { Owner: 'data-platform' }, permissions: [tcp5432(['10.0.0.0/16'])] }
  )
  // the order service connects from inside the VPC; scanners knock on the public endpoint
  const orders = db(w, { id: 'orders-db', public: true, groups: [OPEN_SG], eni: 'eni-0db0000000000001', ip: '10.0.11.21', owner: 'orders-team' })
  flows(w, orders, (t, k) => (k % 3 === 0 ? session(orders, '10.0.1.5', t, k) : k % 7 === 0 ? probe(orders, `45.${k}.17.9`, t, k) : null))
  // a BI tool outside AWS reads the reports database over the internet
  const reports = db(w, { id: 'reports-db', public: true, groups: [OPEN_SG], eni: 'eni-0db0000000000002', ip: '10.0.12.22', owner: 'finance' })
  flows(w, reports, (t, k) => (k % 4 === 0 ? session(reports, '203.0.113.50', t, k) : k % 5 === 0 ? session(reports, '10.0.1.7', t, k) : null))
  // flow logs turned on 60 days into the window: the first 60 days are unseen
  const legacy = db(w, { id: 'legacy-db', public: true, groups: [OPEN_SG], eni: 'eni-0db0000000000003', ip: '10.0.13.23', owner: 'platform' })
  flows(w, legacy, (t, k) => (k % 6 === 0 ? session(legacy, '10.0.1.9', t, k) : null), 60)
  // public endpoint, but its only group admits the VPC's own range
  db(w, { id: 'analytics-db', public: true, groups: [PRIVATE_SG], eni: null, ip: '10.0.14.24', owner: 'analytics' })
  // already private: the finding is stale
  db(w, { id: 'billing-db', public: false, groups: [OPEN_SG], eni: null, ip: '10.0.15.25', owner: 'finance' })
  // public and open, and its interfaces were not collected
  db(w, { id: 'staging-db', public: true, groups: [OPEN_SG], eni: null, ip: '10.0.16.26', owner: 'platform' })

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'orders-db',
      'SAFE',
      { public: 'yes', reachable: 'yes', 'internet-clients': 'no', 'app-path': 'yes' },
      'only the order service inside the VPC uses it; the public addresses in the log only probed',
      { 'app-path': 'from private addresses on eni-0db0000000000001' }
    ],
    ['reports-db', 'UNSAFE', { public: 'yes', 'internet-clients': 'yes' }, 'a BI tool connects from 203.0.113.50', { 'internet-clients': '203.0.113.50' }],
    ['legacy-db', 'RISKY', { public: 'yes', 'internet-clients': 'unknown' }, 'its flow log covers only the last 30 days', { 'internet-clients': 'eni-0db0000000000003' }],
    [
      'analytics-db',
      'SAFE',
      { public: 'yes', reachable: 'no' },
      'its only security group admits 10.0.0.0/16',
      { reachable: 'no rule of sg-0d1b0000000000002 admits a public address' }
    ],
    ['billing-db', 'SAFE', { public: 'no' }, 'a stale finding: the instance is already private'],
    [
      'staging-db',
      'RISKY',
      { public: 'yes', reachable: 'yes', 'internet-clients': 'unknown' },
      'open to the internet, and its interfaces are not in the evidence',
      { 'internet-clients': 'network interfaces of staging-db are not in the evidence' }
    ]
  ]
  for (const [id, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control: 'RDS.2',
        title: 'RDS DB Instances should prohibit public access, as determined by the PubliclyAccessible configuration',
        severity: 'Critical',
        resourceType: 'AwsRdsDbInstance',
        resourceId: arnOf(id)
      })
    )
    w.expect({ control: 'aws.rds.public-access', resource: arnOf(id), verdict, steps, why, ...(says ? { says } : {}) })
  }
  // Prowler reports the reports database too: one finding with Security Hub's
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: ACCOUNT,
      region: R,
      check: 'rds_instance_no_public_access',
      title: 'Ensure there are no Public Accessible RDS instances.',
      severity: 'Critical',
      service: 'rds',
      resourceType: 'AwsRdsDbInstance',
      resourceUid: arnOf('reports-db'),
      resourceName: 'reports-db',
      detail: 'RDS Instance reports-db is set as publicly accessible.'
    })
  )
  iacScenario(w)
}

/**
 * The same control reported on Terraform code (Trivy AVD-AWS-0180 on aws_db_instance blocks), each
 * judged on its deployed twin through the Terraform states in the bundle: the reports database's
 * block (its twin has internet clients: UNSAFE), the db module's block (applied as module.orders,
 * whose twin only serves the VPC: SAFE), and an archive database the states do not know (RISKY).
 */
export function iacScenario(w: World): void {
  const dbValues = (id: string, publicly: boolean): Json => ({
    arn: arnOf(id),
    id: `db-${id.toUpperCase().replace(/-/g, '')}`,
    identifier: id,
    engine: 'postgres',
    instance_class: 'db.t3.medium',
    publicly_accessible: publicly,
    vpc_security_group_ids: [OPEN_SG],
    db_subnet_group_name: 'acme-db',
    port: 5432,
    tags: { Owner: 'data-platform' }
  })
  w.terraformStates.set(
    'acme-prod.json',
    terraformShowJson([
      { address: 'aws_db_instance.reports', type: 'aws_db_instance', name: 'reports', values: dbValues('reports-db', true) },
      { address: 'module.orders.aws_db_instance.this', type: 'aws_db_instance', name: 'this', values: dbValues('orders-db', true) }
    ])
  )
  // the staging workspace's raw state: it holds nothing the findings name
  w.terraformStates.set(
    'acme-staging.tfstate',
    terraformStateV4([{ address: 'aws_db_instance.staging', type: 'aws_db_instance', name: 'staging', values: dbValues('staging-db', true) }])
  )
  const misconf = (resource: string, line: number) => ({
    id: 'aws-rds-enable-public-access',
    avdid: 'AVD-AWS-0180',
    title: 'RDS Publicly Accessible',
    severity: 'HIGH',
    resource,
    line,
    message: 'Instance has Public Access enabled'
  })
  w.findings.trivy.push({
    name: 'config-infra',
    report: trivyConfigReport({
      artifact: 'infra',
      results: [
        { target: 'rds/main.tf', misconfigs: [misconf('aws_db_instance.reports', 3), misconf('aws_db_instance.archive', 31)] },
        { target: 'modules/db/main.tf', misconfigs: [misconf('aws_db_instance.this', 1)] }
      ]
    })
  })
  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      'infra/rds/main.tf#aws_db_instance.reports',
      'UNSAFE',
      { 'code-twin': 'yes', public: 'yes', 'internet-clients': 'yes' },
      'its twin reports-db serves a BI tool on the internet',
      { 'code-twin': arnOf('reports-db'), 'internet-clients': '203.0.113.50' }
    ],
    [
      'infra/modules/db/main.tf#aws_db_instance.this',
      'SAFE',
      { 'code-twin': 'yes', public: 'yes', 'internet-clients': 'no' },
      'the module is applied as module.orders, whose twin orders-db only serves the VPC',
      { 'code-twin': 'module.orders.aws_db_instance.this in iac/terraform-state/acme-prod.json' }
    ],
    [
      'infra/rds/main.tf#aws_db_instance.archive',
      'RISKY',
      { 'code-twin': 'unknown' },
      'no state in the bundle holds it: a state not in evidence may',
      { 'code-twin': 'in none of the 2 Terraform states in evidence' }
    ]
  ]
  for (const [resource, verdict, steps, why, says] of cases) w.expect({ control: 'aws.rds.public-access', resource, verdict, steps, why, says })
}
