// aws.s3.access-logging in the emulator harness (test/emulator/fixes-in-emulator.test.ts): the
// bucket and its log target (with the target's policy, as the evidence shows it) are created, the
// bucket's logging configuration is read back, and it is fixed when its logs go to the target.
import type { ControlHarness } from '../../test/emulator/emulator'

async function createBucket(emu: Parameters<ControlHarness['seed']>[0], env: NodeJS.ProcessEnv, name: string, region: string): Promise<void> {
  await emu.aws(env, [
    's3api',
    'create-bucket',
    '--bucket',
    name,
    '--region',
    region,
    ...(region === 'us-east-1' ? [] : ['--create-bucket-configuration', `LocationConstraint=${region}`])
  ])
}

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    const region = String(v.region)
    await createBucket(emu, env, String(v.target), region)
    if (typeof v.targetPolicy === 'string') await emu.aws(env, ['s3api', 'put-bucket-policy', '--bucket', String(v.target), '--policy', v.targetPolicy])
    await createBucket(emu, env, String(v.bucket), region)
  },
  async snapshot(emu, env, v) {
    const r = (await emu.awsOrNull(env, ['s3api', 'get-bucket-logging', '--bucket', String(v.bucket)])) as { LoggingEnabled?: unknown } | null
    return { LoggingEnabled: r?.LoggingEnabled ?? null }
  },
  notFixed(state, v) {
    const l = (state as { LoggingEnabled: { TargetBucket?: string; TargetPrefix?: string } | null }).LoggingEnabled
    if (!l) return 'server access logging is off'
    return l.TargetBucket === v.target && l.TargetPrefix === v.prefix ? null : `logs go to ${l.TargetBucket}/${l.TargetPrefix ?? ''}, not ${String(v.target)}/${String(v.prefix)}`
  }
}
