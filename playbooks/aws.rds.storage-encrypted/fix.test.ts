// The replacement plan rendered from the fixture's case: the fix leaves the original untouched (no
// rename, modify or delete of it), the restore reproduces the evidence's settings, the cut-over and
// the deletion are separate scripts, every script is valid bash; and the instances the
// investigation finds cannot be replaced this way are refused with the reason. (The scripts run
// for real, fix, cut-over and rollback, in test/emulator/fixes-in-emulator.test.ts.)
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { derivedIdentifier } from './fix'
import { policyJson } from '../../main/controls/guardrail-aws'
import { rdsStorageEncryptedGuardrails } from './guardrails'
import { blockers, downtimeEstimate, type RdsSettings } from './storage'

const FIXTURE = join(__dirname, 'fixtures')
const CONTROL = 'aws.rds.storage-encrypted'
const arn = (id: string) => `arn:aws:rds:eu-west-1:111122223333:db:${id}`

describe('aws.rds.storage-encrypted fix', () => {
  let fx: FixtureCase
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('restores an encrypted copy with the original settings in fix.sh, swaps the names in cutover.sh, deletes the old instance only after observation', () => {
    const fix = renderFix(fx.c.db, fx.target(CONTROL, arn('ledger-db')), 'P-1')
    expect(fix.artefacts.map((a) => a.name.replace(/^F-\d+\./, ''))).toEqual(['fix.sh', 'cutover.sh', 'delete-after-observation.sh'])
    const [prepare, cutover, later] = fix.artefacts.map((a) => a.content)
    expect(prepare).toContain('--kms-key-id "$KMS_KEY"')
    expect(prepare).toContain('KMS_KEY="${LASTMILE_RDS_KMS_KEY:-alias/aws/rds}"')
    for (const arg of [
      "--db-instance-identifier 'ledger-db-encrypted'",
      "--db-instance-class 'db.m5.large'",
      "--db-subnet-group-name 'ledger-private'",
      "--vpc-security-group-ids 'sg-0e3c0000000000001'",
      '--multi-az',
      '--no-publicly-accessible',
      '--port 5432',
      "--storage-type 'gp3'",
      '--backup-retention-period 7',
      '--enable-iam-database-authentication'
    ])
      expect(prepare).toContain(arg)
    // the engine's default groups are what a restore takes anyway: not named (moto and AWS alike)
    expect(prepare).not.toContain('--db-parameter-group-name')
    expect(prepare).not.toContain('--option-group-name')
    // nothing in fix.sh changes or removes the original
    expect(prepare).not.toMatch(/modify-db-instance|delete-db-instance|delete-db-snapshot/)
    expect(prepare).toContain('DOWNTIME')
    expect(cutover).toContain("--db-instance-identifier 'ledger-db' --new-db-instance-identifier 'ledger-db-unencrypted'")
    expect(cutover).toContain("--db-instance-identifier 'ledger-db-encrypted' --new-db-instance-identifier 'ledger-db'")
    expect(cutover).not.toContain('delete-db-instance')
    expect(later).toContain("delete-db-instance --region 'eu-west-1' --db-instance-identifier 'ledger-db-unencrypted'")
    expect(fix.rollback[0].content).toContain("--db-instance-identifier 'ledger-db-unencrypted' --new-db-instance-identifier 'ledger-db'")
    expect(fix.notes.join('\n')).toMatch(/REPLACES the instance/)
    expect(fix.preconditions.join('\n')).toMatch(/rds-db:connect name the resource id db-LEDGERDB\w*, and the new instance gets another/)
    for (const a of [...fix.artefacts, ...fix.rollback]) {
      const r = spawnSync('bash', ['-n'], { input: a.content, encoding: 'utf8' })
      expect(r.status, `${a.name}: ${r.stderr}`).toBe(0)
    }
  })

  it('on Terraform code: the live replacement first, then the code change and the state pointed at the replacement, since the apply alone would destroy the database', () => {
    const fix = renderFix(fx.c.db, fx.target(CONTROL, 'ledger-infra/db/main.tf#aws_db_instance.ledger'), 'P-3')
    const [code, apply] = fix.artefacts
    expect(code.content).toContain('storage_encrypted = true')
    expect(code.content).toContain(`the folder’s fix replaces before this change is merged: ${arn('ledger-db')}`)
    expect(apply.purpose).toMatch(/^replace .*ledger-db first, then merge the change/)
    expect(apply.content).toContain('destroys the instance and creates a new, empty one')
    expect(apply.content).toContain("terraform state rm 'aws_db_instance.ledger'\nterraform import 'aws_db_instance.ledger' 'ledger-db'")
    // the live scripts to run, in order, are in the procedure
    expect(apply.content.indexOf('ledger-db-encrypted')).toBeGreaterThan(apply.content.indexOf('1. Run the folder'))
    expect(apply.content).not.toMatch(/Shown for review: apply the code change instead/)
    expect(fix.preconditions[0]).toMatch(/merged only after the folder's fix has replaced .*ledger-db/)
    expect(fix.rollback[0].content).toContain("The folder's rollback for")
    expect(fix.rollback[0].content).toContain("`terraform import 'aws_db_instance.ledger' 'ledger-db'`")
  })

  it('refuses, with the reason, what the investigation finds it cannot replace', () => {
    const plan = (id: string) => () => renderFix(fx.c.db, fx.target(CONTROL, arn(id)), 'P-2')
    expect(plan('wiki-db')).toThrow(/wiki-db is encrypted already in the evidence/)
    expect(plan('events-db')).toThrow(/read replicas events-db-replica would keep replicating/)
    expect(plan('events-db-replica')).toThrow(/read replica of events-db/)
    expect(plan('catalog-aurora-1')).toThrow(/member of the DB cluster catalog-cluster/)
    expect(plan('legacy-db')).toThrow(/lacks DBSubnetGroup, BackupRetentionPeriod, DeletionProtection of legacy-db/)
  })
})

describe('aws.rds.storage-encrypted rules', () => {
  it('derived names stay valid RDS identifiers of at most 63 characters', () => {
    expect(derivedIdentifier('ledger-db', '-encrypted')).toBe('ledger-db-encrypted')
    const long = `${'a'.repeat(50)}-${'b'.repeat(12)}`
    const d = derivedIdentifier(long, '-unencrypted')
    expect(d).toHaveLength(`${'a'.repeat(50)}-unencrypted`.length)
    expect(d.length).toBeLessThanOrEqual(63)
    expect(d).not.toContain('--')
  })

  it('a previous-generation class, a cluster member and a replica block the path; a current standalone instance does not', () => {
    const s = (o: Partial<RdsSettings>): RdsSettings => ({
      encrypted: false,
      kmsKeyId: null,
      instanceClass: 'db.m5.large',
      engineVersion: null,
      allocatedGiB: 20,
      storageType: null,
      iops: null,
      multiAz: false,
      backupRetentionDays: 7,
      deletionProtection: false,
      iamAuth: false,
      resourceId: null,
      cluster: null,
      replicaOf: null,
      replicas: [],
      subnetGroup: 'g',
      parameterGroups: [],
      optionGroups: [],
      ...o
    })
    expect(blockers(s({}))).toEqual([])
    expect(blockers(s({ instanceClass: 'db.m1.large' }))[0]).toMatch(/db\.m1\.large is a previous generation/)
    expect(blockers(s({ instanceClass: 'db.t1.micro' }))).toHaveLength(1)
    expect(blockers(s({ instanceClass: 'db.t3.micro' }))).toEqual([])
    expect(blockers(s({ cluster: 'c1', replicaOf: 'src' }))).toHaveLength(2)
  })

  it('the downtime estimate grows with the size and says it is an estimate', () => {
    const small = downtimeEstimate(20)
    const big = downtimeEstimate(400)
    expect(small.low).toBe(23)
    expect(big.low).toBeGreaterThan(small.low)
    expect(big.high).toBeGreaterThan(big.low)
    expect(big.text).toMatch(/^about 2\.\d hours to 8\.\d hours for 400 GiB \(an estimate/)
  })

  it('the SCP refuses unencrypted CreateDBInstance and CreateDBCluster by rds:StorageEncrypted; the Config rule is rds-storage-encrypted', () => {
    const views = rdsStorageEncryptedGuardrails({
      control: CONTROL,
      exceptions: [],
      opts: {},
      policy: policyJson
    } as never)
    const scp = JSON.parse(views[0].content)
    expect(scp.Statement[0]).toMatchObject({ Effect: 'Deny', Action: ['rds:CreateDBInstance', 'rds:CreateDBCluster'], Condition: { Bool: { 'rds:StorageEncrypted': 'false' } } })
    expect(views[1].content).toContain('SourceIdentifier: RDS_STORAGE_ENCRYPTED')
  })
})
