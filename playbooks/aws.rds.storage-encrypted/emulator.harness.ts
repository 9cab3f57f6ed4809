// aws.rds.storage-encrypted in the emulator harness (test/emulator/fixes-in-emulator.test.ts): an
// unencrypted DB instance with the evidence's settings is created; the state is what the name
// resolves to (its resource id, encryption, class) and which instances exist, so the rollback must
// bring back the original itself, not a copy, and leave no instance behind. Fixed when the
// evaluator reads the instance under the name as PASS.
import type { ControlHarness } from '../../test/emulator/emulator'
import { storageEncryptedVerdict } from './evaluate'

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    // the DB subnet group the restore names, over a VPC and two subnets of moto's own
    const region = String(v.region)
    const vpc = (await emu.aws(env, ['ec2', 'create-vpc', '--region', region, '--cidr-block', '10.20.0.0/16'])) as { Vpc: { VpcId: string } }
    const subnets: string[] = []
    for (const [cidr, az] of [
      ['10.20.11.0/24', 'a'],
      ['10.20.12.0/24', 'b']
    ]) {
      const s = (await emu.aws(env, ['ec2', 'create-subnet', '--region', region, '--vpc-id', vpc.Vpc.VpcId, '--cidr-block', cidr, '--availability-zone', `${region}${az}`])) as {
        Subnet: { SubnetId: string }
      }
      subnets.push(s.Subnet.SubnetId)
    }
    await emu.aws(env, [
      'rds',
      'create-db-subnet-group',
      '--region',
      region,
      '--db-subnet-group-name',
      String(v.subnetGroup),
      '--db-subnet-group-description',
      'seeded',
      '--subnet-ids',
      ...subnets
    ])
    await emu.aws(env, [
      'rds',
      'create-db-instance',
      '--region',
      String(v.region),
      '--db-instance-identifier',
      String(v.identifier),
      '--db-instance-class',
      String(v.instanceClass),
      '--engine',
      String(v.engine),
      '--master-username',
      'seeded',
      '--master-user-password',
      'seeded-from-evidence',
      '--allocated-storage',
      String(v.allocatedGiB),
      '--port',
      String(v.port),
      '--db-subnet-group-name',
      String(v.subnetGroup),
      v.iamAuth ? '--enable-iam-database-authentication' : '--no-enable-iam-database-authentication',
      '--no-storage-encrypted'
    ])
  },
  async snapshot(emu, env, v) {
    const r = (await emu.aws(env, ['rds', 'describe-db-instances', '--region', String(v.region)])) as {
      DBInstances: Array<{ DBInstanceIdentifier: string; DbiResourceId?: string; StorageEncrypted?: boolean; DBInstanceClass?: string; Engine?: string }>
    }
    const d = r.DBInstances.find((i) => i.DBInstanceIdentifier === v.identifier)
    return {
      instances: r.DBInstances.map((i) => i.DBInstanceIdentifier).sort(),
      named: d ? { DbiResourceId: d.DbiResourceId, StorageEncrypted: d.StorageEncrypted, DBInstanceClass: d.DBInstanceClass, Engine: d.Engine } : null
    }
  },
  notFixed(state) {
    const named = (state as { named: { StorageEncrypted?: boolean } | null }).named
    if (!named) return 'no instance has the name any more'
    const verdict = storageEncryptedVerdict(named)
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
