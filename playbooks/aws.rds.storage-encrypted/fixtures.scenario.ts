// aws.rds.storage-encrypted's fixture world: DB instances of one account in eu-west-1, one for each
// way the investigation ends. The ledger database is the one replacement that can be planned (RISKY,
// with the downtime and its clients); the events database has a read replica (UNSAFE), the replica
// itself cannot be encrypted alone (UNSAFE), the catalog instance is an Aurora member (UNSAFE); the
// wiki database is encrypted already and the legacy one's evidence lacks its build settings (both
// RISKY, no plan). The ledger's flow log covers the whole window: a record every 12 hours.
import { asffControl, at, flowLine, noDataLine, prowlerFinding, terraformShowJson, trivyConfigReport, type Expected, type Json, type World } from '../../test/casegen/world'

const ACCOUNT = '111122223333'
const R = 'eu-west-1'
const VPC = 'vpc-0e1a2b3c4d5e6f708'
const DB_SG = 'sg-0e3c0000000000001'

const arnOf = (id: string) => `arn:aws:rds:${R}:${ACCOUNT}:db:${id}`

interface Db {
  id: string
  encrypted: boolean
  gib: number
  owner: string
  engine?: string
  cls?: string
  eni?: { id: string; ip: string }
  extra?: Json
  iamAuth?: boolean
  /** settings the evidence lacks (an older or cut DescribeDBInstances) */
  drop?: string[]
}

function db(w: World, d: Db): Db {
  const a = w.account(ACCOUNT)
  a.regions.add(R)
  const item: Json = {
    DBInstanceIdentifier: d.id,
    DBInstanceArn: arnOf(d.id),
    DBInstanceClass: d.cls ?? 'db.m5.large',
    Engine: d.engine ?? 'postgres',
    EngineVersion: '15.5',
    DBInstanceStatus: 'available',
    PubliclyAccessible: false,
    Endpoint: { Address: `${d.id}.c9k8j7h6g5f4.${R}.rds.amazonaws.com`, Port: 5432, HostedZoneId: 'Z29XKXDKYMONMX' },
    AvailabilityZone: `${R}a`,
    MultiAZ: d.gib > 100,
    AllocatedStorage: d.gib,
    StorageType: 'gp3',
    StorageEncrypted: d.encrypted,
    ...(d.encrypted ? { KmsKeyId: `arn:aws:kms:${R}:${ACCOUNT}:key/6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b` } : {}),
    BackupRetentionPeriod: 7,
    DeletionProtection: false,
    IAMDatabaseAuthenticationEnabled: d.iamAuth ?? false,
    DbiResourceId: `db-${d.id
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 20)
      .padEnd(20, 'Q')}`,
    DBSubnetGroup: { DBSubnetGroupName: 'ledger-private', VpcId: VPC, Subnets: [{ SubnetIdentifier: 'subnet-0e1a' }, { SubnetIdentifier: 'subnet-0e1b' }] },
    VpcSecurityGroups: [{ VpcSecurityGroupId: DB_SG, Status: 'active' }],
    DBParameterGroups: [{ DBParameterGroupName: 'default.postgres15', ParameterApplyStatus: 'in-sync' }],
    OptionGroupMemberships: [{ OptionGroupName: 'default:postgres-15', Status: 'in-sync' }],
    ReadReplicaDBInstanceIdentifiers: [],
    TagList: [{ Key: 'Owner', Value: d.owner }],
    ...(d.eni ? { NetworkInterfaces: [{ NetworkInterfaceId: d.eni.id, PrivateIpAddress: d.eni.ip }] } : {}),
    ...d.extra
  }
  for (const k of d.drop ?? []) delete item[k]
  a.rdsInstances.push(item)
  return d
}

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-prod', 'prod')
  a.securityGroups.push({
    id: DB_SG,
    region: R,
    name: 'ledger-db',
    vpc: VPC,
    tags: { Owner: 'ledger-team' },
    permissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.20.0.0/16' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]
  })
  // the ledger service and a reporting job connect from inside the VPC, every day
  // the reporting job logs in with IAM database authentication
  const ledger = db(w, { id: 'ledger-db', encrypted: false, gib: 400, owner: 'ledger-team', iamAuth: true, eni: { id: 'eni-0e3c000000000001', ip: '10.20.11.40' } })
  for (let k = 0; k < 180; k++) {
    const time = at(Math.floor(k / 2), (k % 2) * 12 + 1)
    a.flows.push(
      k % 2 === 0
        ? flowLine({
            account: ACCOUNT,
            eni: ledger.eni!.id,
            src: k % 4 === 0 ? '10.20.1.15' : '10.20.2.30',
            dst: ledger.eni!.ip,
            srcPort: 50000 + k,
            dstPort: 5432,
            packets: 60,
            bytes: 24_000,
            start: time,
            flags: 3
          })
        : noDataLine(ACCOUNT, ledger.eni!.id, time)
    )
  }
  // a read replica serves the events dashboards; the replica is itself unencrypted
  db(w, { id: 'events-db', encrypted: false, gib: 50, owner: 'events-team', extra: { ReadReplicaDBInstanceIdentifiers: ['events-db-replica'] } })
  db(w, { id: 'events-db-replica', encrypted: false, gib: 50, owner: 'events-team', extra: { ReadReplicaSourceDBInstanceIdentifier: 'events-db' } })
  // an Aurora PostgreSQL writer: its storage is the cluster's
  db(w, {
    id: 'catalog-aurora-1',
    encrypted: false,
    gib: 1,
    owner: 'catalog-team',
    engine: 'aurora-postgresql',
    cls: 'db.r6g.large',
    extra: { DBClusterIdentifier: 'catalog-cluster' }
  })
  // encrypted since: the Security Hub finding is stale
  db(w, { id: 'wiki-db', encrypted: true, gib: 20, owner: 'it' })
  // an older collection: no subnet group, backup retention or deletion protection in the file
  db(w, { id: 'legacy-db', encrypted: false, gib: 100, owner: 'platform', drop: ['DBSubnetGroup', 'BackupRetentionPeriod', 'DeletionProtection'] })

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'ledger-db',
      'RISKY',
      { unencrypted: 'yes', blocked: 'no', replicas: 'no', rebuild: 'yes', clients: 'yes' },
      'a standalone 400 GiB instance: replaced with downtime, its clients inside the VPC stop for the window',
      { rebuild: 'rds-db:connect name the resource id db-LEDGERDB', clients: '90 sessions to tcp/5432' }
    ],
    [
      'events-db',
      'UNSAFE',
      { unencrypted: 'yes', blocked: 'no', replicas: 'yes' },
      'its read replica would keep replicating from the old instance',
      { replicas: 'events-db-replica' }
    ],
    [
      'events-db-replica',
      'UNSAFE',
      { unencrypted: 'yes', blocked: 'yes' },
      'a replica of an unencrypted source cannot be encrypted alone',
      { blocked: 'read replica of events-db' }
    ],
    ['catalog-aurora-1', 'UNSAFE', { unencrypted: 'yes', blocked: 'yes' }, "an Aurora member: encryption is the cluster's", { blocked: 'DB cluster catalog-cluster' }],
    ['wiki-db', 'RISKY', { unencrypted: 'no' }, 'encrypted already: nothing to replace, never SAFE', { unencrypted: 'encrypted already' }],
    [
      'legacy-db',
      'RISKY',
      { unencrypted: 'yes', blocked: 'no', replicas: 'no', rebuild: 'unknown', clients: 'unknown' },
      'its subnet group, backups and deletion protection are not in the evidence',
      { rebuild: 'DBSubnetGroup, BackupRetentionPeriod, DeletionProtection' }
    ]
  ]
  for (const [id, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control: 'RDS.3',
        title: 'RDS DB instances should have encryption at-rest enabled',
        severity: 'Medium',
        resourceType: 'AwsRdsDbInstance',
        resourceId: arnOf(id)
      })
    )
    w.expect({ control: 'aws.rds.storage-encrypted', resource: arnOf(id), verdict, steps, why, ...(says ? { says } : {}) })
  }
  // Prowler reports the ledger database too: one finding with Security Hub's
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: ACCOUNT,
      region: R,
      check: 'rds_instance_storage_encrypted',
      title: 'Check if RDS instances storage is encrypted.',
      severity: 'Medium',
      service: 'rds',
      resourceType: 'AwsRdsDbInstance',
      resourceUid: arnOf('ledger-db'),
      resourceName: 'ledger-db',
      detail: 'RDS Instance ledger-db is not encrypted.'
    })
  )
  iacScenario(w)
}

/**
 * The same control on Terraform code (Trivy AVD-AWS-0080 on aws_db_instance blocks), judged on the
 * deployed twin through the state in the bundle: the ledger's block (its twin can be replaced:
 * RISKY, with the live fix to run before the code is merged), the events replica's block (UNSAFE, as
 * its twin), and a block no state holds (RISKY).
 */
export function iacScenario(w: World): void {
  const values = (id: string): Json => ({
    arn: arnOf(id),
    id: `db-${id.toUpperCase().replace(/-/g, '')}`,
    identifier: id,
    engine: 'postgres',
    instance_class: 'db.m5.large',
    storage_encrypted: false,
    db_subnet_group_name: 'ledger-private',
    vpc_security_group_ids: [DB_SG],
    port: 5432
  })
  w.terraformStates.set(
    'ledger-prod.json',
    terraformShowJson([
      { address: 'aws_db_instance.ledger', type: 'aws_db_instance', name: 'ledger', values: values('ledger-db') },
      { address: 'aws_db_instance.events_replica', type: 'aws_db_instance', name: 'events_replica', values: values('events-db-replica') }
    ])
  )
  const misconf = (resource: string, line: number) => ({
    id: 'aws-rds-encrypt-instance-storage-data',
    avdid: 'AVD-AWS-0080',
    title: 'RDS encryption has not been enabled at a DB Instance level.',
    severity: 'HIGH',
    resource,
    line,
    message: 'Instance does not have storage encryption enabled.'
  })
  w.findings.trivy.push({
    name: 'config-ledger',
    report: trivyConfigReport({
      artifact: 'ledger-infra',
      results: [
        {
          target: 'db/main.tf',
          misconfigs: [misconf('aws_db_instance.ledger', 1), misconf('aws_db_instance.events_replica', 24), misconf('aws_db_instance.scratch', 47)]
        }
      ]
    })
  })
  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      'ledger-infra/db/main.tf#aws_db_instance.ledger',
      'RISKY',
      { 'code-twin': 'yes', unencrypted: 'yes', blocked: 'no', replicas: 'no' },
      'its twin ledger-db can be replaced, with downtime',
      { 'code-twin': arnOf('ledger-db') }
    ],
    [
      'ledger-infra/db/main.tf#aws_db_instance.events_replica',
      'UNSAFE',
      { 'code-twin': 'yes', blocked: 'yes' },
      'its twin is a read replica of an unencrypted source',
      { blocked: 'read replica of events-db' }
    ],
    ['ledger-infra/db/main.tf#aws_db_instance.scratch', 'RISKY', { 'code-twin': 'unknown' }, 'no state in the bundle holds it', { 'code-twin': 'in none of the' }]
  ]
  for (const [resource, verdict, steps, why, says] of cases) w.expect({ control: 'aws.rds.storage-encrypted', resource, verdict, steps, why, says })
}
