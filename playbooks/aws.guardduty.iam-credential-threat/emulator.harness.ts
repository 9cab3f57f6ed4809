// aws.guardduty.iam-credential-threat in the emulator harness (test/emulator/fixes-in-emulator.test.ts):
// an IAM user with the access key the finding names (its id as GuardDuty gives it), or the role
// whose session key it is. The key's status, or the role's AWSRevokeOlderSessions policy, is read
// back: contained when the key is Inactive, or when the policy denies credentials issued before a time.
import type { ControlHarness } from '../../test/emulator/emulator'

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] })

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    const name = String(v.principal)
    if (v.kind === 'user') {
      await emu.aws(env, ['iam', 'create-user', '--user-name', name])
      emu.want({ 'access-key-id': [String(v.keyId)] })
      await emu.aws(env, ['iam', 'create-access-key', '--user-name', name])
    } else await emu.aws(env, ['iam', 'create-role', '--role-name', name, '--assume-role-policy-document', TRUST])
  },
  async snapshot(emu, env, v) {
    const name = String(v.principal)
    if (v.kind === 'user') {
      const r = (await emu.aws(env, ['iam', 'list-access-keys', '--user-name', name])) as { AccessKeyMetadata: Array<{ AccessKeyId: string; Status: string }> }
      return { status: r.AccessKeyMetadata.find((k) => k.AccessKeyId === v.keyId)?.Status ?? null }
    }
    const p = (await emu.awsOrNull(env, ['iam', 'get-role-policy', '--role-name', name, '--policy-name', 'AWSRevokeOlderSessions'])) as { PolicyDocument?: unknown } | null
    return { revoke: p?.PolicyDocument ?? null }
  },
  notFixed(state) {
    const s = state as { status?: string | null; revoke?: { Statement?: Array<{ Effect?: string; Condition?: { DateLessThan?: Record<string, string> } }> } | null }
    if ('status' in s) return s.status === 'Inactive' ? null : `the key is ${s.status ?? 'missing'}`
    const st = s.revoke?.Statement?.[0]
    return st?.Effect === 'Deny' && st.Condition?.DateLessThan?.['aws:TokenIssueTime'] ? null : 'the role has no policy denying its older sessions'
  }
}
