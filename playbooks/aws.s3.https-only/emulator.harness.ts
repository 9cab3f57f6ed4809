// aws.s3.https-only in the emulator harness (test/emulator/fixes-in-emulator.test.ts): the bucket
// with the policy the evidence shows; fixed when Lastmile's own evaluator finds plain HTTP refused.
import type { ControlHarness } from '../../test/emulator/emulator'
import { bucketState, seedBucket } from '../../test/emulator/s3'
import { httpsOnlyVerdict, parsePolicy } from '../../main/semantics/iam-policy'

export const harness: ControlHarness = {
  seed: seedBucket,
  snapshot: (emu, env, v) => bucketState(emu, env, String(v.bucket)),
  notFixed(state, v) {
    const policy = (state as { policy: unknown }).policy
    if (!policy) return 'the bucket has no policy'
    const parsed = parsePolicy(JSON.stringify(policy))
    if (!parsed.ok) return parsed.error
    const verdict = httpsOnlyVerdict(parsed.statements, `arn:aws:s3:::${String(v.bucket)}`)
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
