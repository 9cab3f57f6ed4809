// aws.rds.public-access in the emulator harness (test/emulator/fixes-in-emulator.test.ts): a DB
// instance, publicly accessible as the evidence shows it, is created; its PubliclyAccessible is read
// back, and it is fixed when the evaluator reads it as PASS.
import type { ControlHarness } from '../../test/emulator/emulator'
import { publicAccessVerdict } from './evaluate'

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    await emu.aws(env, [
      'rds',
      'create-db-instance',
      '--region',
      String(v.region),
      '--db-instance-identifier',
      String(v.identifier),
      '--db-instance-class',
      'db.t3.micro',
      '--engine',
      'postgres',
      '--master-username',
      'seeded',
      '--master-user-password',
      'seeded-from-evidence',
      '--allocated-storage',
      '20',
      '--publicly-accessible'
    ])
  },
  async snapshot(emu, env, v) {
    const r = (await emu.aws(env, ['rds', 'describe-db-instances', '--region', String(v.region), '--db-instance-identifier', String(v.identifier)])) as {
      DBInstances: Array<{ PubliclyAccessible?: boolean }>
    }
    return { PubliclyAccessible: r.DBInstances[0].PubliclyAccessible }
  },
  notFixed(state) {
    const verdict = publicAccessVerdict(state as { PubliclyAccessible?: boolean })
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
