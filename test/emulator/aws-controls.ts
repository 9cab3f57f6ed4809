// Per AWS control not yet in a folder of its own (a control folder has its emulator.harness.ts): how to put into the emulator the state a fix was computed from (the fix's own
// inputs, read from the evidence), how to read that resource's state back, and what "fixed" means.
// A control with plans but no entry here fails the harness: new fixes cannot go unrun.
import { httpsOnlyVerdict, parsePolicy } from '../../main/evaluate'
import type { ControlHarness, Emulator } from './emulator'

export type { ControlHarness } from './emulator'

type Env = NodeJS.ProcessEnv
type Values = Record<string, unknown>


const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }

async function seedBucket(emu: Emulator, env: Env, v: Values): Promise<void> {
  const region = String(v.region ?? 'us-east-1')
  await emu.aws(env, ['s3api', 'create-bucket', '--bucket', String(v.bucket), '--region', region, ...(region === 'us-east-1' ? [] : ['--create-bucket-configuration', `LocationConstraint=${region}`])])
  if (typeof v.policy === 'string') await emu.aws(env, ['s3api', 'put-bucket-policy', '--bucket', String(v.bucket), '--policy', v.policy])
  if (v.publicAccessBlock) await emu.aws(env, ['s3api', 'put-public-access-block', '--bucket', String(v.bucket), '--public-access-block-configuration', JSON.stringify(v.publicAccessBlock)])
}

async function bucketState(emu: Emulator, env: Env, bucket: string) {
  const policy = (await emu.awsOrNull(env, ['s3api', 'get-bucket-policy', '--bucket', bucket])) as { Policy: string } | null
  const pab = (await emu.awsOrNull(env, ['s3api', 'get-public-access-block', '--bucket', bucket])) as { PublicAccessBlockConfiguration: unknown } | null
  return { policy: policy ? JSON.parse(policy.Policy) : null, publicAccessBlock: pab?.PublicAccessBlockConfiguration ?? null }
}

const publicAccessBlock: ControlHarness = {
  async seed(emu, env, v) {
    if (v.level === 'account') {
      if (v.publicAccessBlock) await emu.aws(env, ['s3control', 'put-public-access-block', '--account-id', String(v.account), '--public-access-block-configuration', JSON.stringify(v.publicAccessBlock)])
    } else await seedBucket(emu, env, v)
  },
  async snapshot(emu, env, v) {
    if (v.level === 'account') {
      const r = (await emu.awsOrNull(env, ['s3control', 'get-public-access-block', '--account-id', String(v.account)])) as { PublicAccessBlockConfiguration: unknown } | null
      return { publicAccessBlock: r?.PublicAccessBlockConfiguration ?? null }
    }
    return bucketState(emu, env, String(v.bucket))
  },
  notFixed(state) {
    const pab = (state as { publicAccessBlock: unknown }).publicAccessBlock
    return JSON.stringify(pab) === JSON.stringify(ALL_ON) ? null : `Block Public Access is ${JSON.stringify(pab)}, not all four on`
  }
}

export const AWS_CONTROLS: Record<string, ControlHarness> = {
  'aws.s3.https-only': {
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
  },
  'aws.s3.public-access': publicAccessBlock,
  'aws.s3.public-access-block': publicAccessBlock
}
