// S3 in the emulator harness, shared by the S3 controls' emulator.harness.ts: a bucket (or the
// account's Block Public Access) seeded as the evidence describes it, and read back.
import type { ControlHarness, Emulator } from './emulator'

type Env = NodeJS.ProcessEnv
type Values = Record<string, unknown>

/** Block Public Access fixed: all four settings on, at the level the fix worked on. */
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }

export async function seedBucket(emu: Emulator, env: Env, v: Values): Promise<void> {
  const region = String(v.region ?? 'us-east-1')
  await emu.aws(env, [
    's3api',
    'create-bucket',
    '--bucket',
    String(v.bucket),
    '--region',
    region,
    ...(region === 'us-east-1' ? [] : ['--create-bucket-configuration', `LocationConstraint=${region}`])
  ])
  if (typeof v.policy === 'string') await emu.aws(env, ['s3api', 'put-bucket-policy', '--bucket', String(v.bucket), '--policy', v.policy])
  if (v.publicAccessBlock)
    await emu.aws(env, ['s3api', 'put-public-access-block', '--bucket', String(v.bucket), '--public-access-block-configuration', JSON.stringify(v.publicAccessBlock)])
}

export async function bucketState(emu: Emulator, env: Env, bucket: string) {
  const policy = (await emu.awsOrNull(env, ['s3api', 'get-bucket-policy', '--bucket', bucket])) as { Policy: string } | null
  const pab = (await emu.awsOrNull(env, ['s3api', 'get-public-access-block', '--bucket', bucket])) as { PublicAccessBlockConfiguration: unknown } | null
  return { policy: policy ? JSON.parse(policy.Policy) : null, publicAccessBlock: pab?.PublicAccessBlockConfiguration ?? null }
}

export const publicAccessBlockHarness: ControlHarness = {
  async seed(emu, env, v) {
    if (v.level === 'account') {
      if (v.publicAccessBlock)
        await emu.aws(env, ['s3control', 'put-public-access-block', '--account-id', String(v.account), '--public-access-block-configuration', JSON.stringify(v.publicAccessBlock)])
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
