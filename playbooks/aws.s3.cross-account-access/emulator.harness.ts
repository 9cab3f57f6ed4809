// aws.s3.cross-account-access in the emulator harness (test/emulator/fixes-in-emulator.test.ts): the
// bucket is created with the policy the evidence shows, its policy read back (null when none), and
// fixed when the evaluator reads that policy as PASS. Two calls to seed, one per snapshot.
import type { ControlHarness } from '../../test/emulator/emulator'
import { seedBucket } from '../../test/emulator/s3'
import { crossAccountVerdict } from './evaluate'

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    await seedBucket(emu, env, { bucket: v.bucket, region: v.region, policy: v.before })
  },
  async snapshot(emu, env, v) {
    const r = (await emu.awsOrNull(env, ['s3api', 'get-bucket-policy', '--bucket', String(v.bucket)])) as { Policy: string } | null
    return { policy: r ? (JSON.parse(r.Policy) as unknown) : null }
  },
  notFixed(state, v) {
    const p = (state as { policy: unknown }).policy
    const verdict = crossAccountVerdict(String(v.bucket), p === null ? null : JSON.stringify(p), String(v.account))
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
