// Per AWS control not yet in a folder of its own (a control folder has its emulator.harness.ts): how to put into the emulator the state a fix was computed from (the fix's own
// inputs, read from the evidence), how to read that resource's state back, and what "fixed" means.
// A control with plans but no entry here fails the harness: new fixes cannot go unrun.
import { httpsOnlyVerdict, parsePolicy, securityGroupVerdict } from '../../main/evaluate'
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

function ipPermissions(perms: Array<Record<string, unknown>>) {
  const norm = perms.map((p) => ({
    IpProtocol: p.IpProtocol,
    FromPort: p.FromPort ?? null,
    ToPort: p.ToPort ?? null,
    IpRanges: ((p.IpRanges as Array<{ CidrIp: string; Description?: string }>) ?? []).map((r) => ({ CidrIp: r.CidrIp, Description: r.Description ?? null })).sort((a, b) => a.CidrIp.localeCompare(b.CidrIp)),
    Ipv6Ranges: ((p.Ipv6Ranges as Array<{ CidrIpv6: string; Description?: string }>) ?? []).map((r) => ({ CidrIpv6: r.CidrIpv6, Description: r.Description ?? null })).sort((a, b) => a.CidrIpv6.localeCompare(b.CidrIpv6))
  }))
  // one permission per (protocol, ports, address); the API may group them either way
  return norm
    .flatMap((p) => [...p.IpRanges.map((r) => ({ ...p, IpRanges: [r], Ipv6Ranges: [] })), ...p.Ipv6Ranges.map((r) => ({ ...p, IpRanges: [], Ipv6Ranges: [r] }))])
    .map((p) => JSON.stringify(p))
    .sort()
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
  'aws.s3.public-access-block': publicAccessBlock,
  'aws.ec2.sg-open-admin-ports': {
    async seed(emu, env, v) {
      const region = String(v.region)
      // moto makes the Region's default VPC and its default group on the first EC2 call there: that
      // group must not take the wanted id, so the Region is touched first
      await emu.aws(env, ['ec2', 'describe-vpcs', '--region', region])
      emu.want({ 'security-group': [String(v.groupId)] })
      await emu.aws(env, ['ec2', 'create-security-group', '--region', region, '--group-name', String(v.name ?? v.groupId), '--description', 'seeded from the evidence'])
      const ingress = (v.ingress as Array<{ protocol: string; fromPort: number | null; toPort: number | null; cidrs: string[]; ipv6: string[]; descriptions: Record<string, string> }>) ?? []
      const perms = ingress.map((r) => ({
        IpProtocol: r.protocol,
        ...(r.protocol === '-1' ? {} : { FromPort: r.fromPort, ToPort: r.toPort }),
        IpRanges: r.cidrs.map((c) => ({ CidrIp: c, ...(r.descriptions[c] ? { Description: r.descriptions[c] } : {}) })),
        Ipv6Ranges: r.ipv6.map((c) => ({ CidrIpv6: c, ...(r.descriptions[c] ? { Description: r.descriptions[c] } : {}) }))
      }))
      if (perms.length) await emu.aws(env, ['ec2', 'authorize-security-group-ingress', '--region', region, '--group-id', String(v.groupId), '--ip-permissions', JSON.stringify(perms)])
    },
    async snapshot(emu, env, v) {
      const r = (await emu.aws(env, ['ec2', 'describe-security-groups', '--region', String(v.region), '--group-ids', String(v.groupId)])) as { SecurityGroups: Array<{ IpPermissions: Array<Record<string, unknown>> }> }
      return ipPermissions(r.SecurityGroups[0].IpPermissions)
    },
    notFixed(state) {
      const perms = (state as string[]).map((s) => JSON.parse(s) as Record<string, unknown>)
      const verdict = securityGroupVerdict({ IpPermissions: perms as never }).verdict
      return verdict.status === 'PASS' ? null : verdict.reason
    }
  }
}
