// aws.iam.console-mfa in the emulator harness (test/emulator/fixes-in-emulator.test.ts): the user as
// the evidence shows it (with a login profile when it has a console password); its login profile
// and inline policy names are read back. Fixed: the unused password is gone, or the require-MFA
// policy is attached — whichever the plan chose from the evidence.
import type { ControlHarness } from '../../test/emulator/emulator'
import { POLICY_NAME } from './fix'

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    await emu.aws(env, ['iam', 'create-user', '--user-name', String(v.user), '--path', String(v.path)])
    if (v.action === 'delete-login-profile') await emu.aws(env, ['iam', 'create-login-profile', '--user-name', String(v.user), '--password', 'Seeded-from-evidence-1!'])
  },
  async snapshot(emu, env, v) {
    // one call: the login profile for the plan that deletes it, the inline policy names for the one that adds a policy
    if (v.action === 'delete-login-profile') return { loginProfile: (await emu.awsOrNull(env, ['iam', 'get-login-profile', '--user-name', String(v.user)])) !== null }
    const policies = (await emu.aws(env, ['iam', 'list-user-policies', '--user-name', String(v.user)])) as { PolicyNames: string[] }
    return { policies: [...policies.PolicyNames].sort() }
  },
  notFixed(state, v) {
    const s = state as { loginProfile?: boolean; policies?: string[] }
    if (v.action === 'delete-login-profile') return s.loginProfile ? 'the user still has a console password' : null
    return s.policies?.includes(POLICY_NAME) ? null : `no ${POLICY_NAME} policy on the user (${s.policies?.join(', ') || 'none'})`
  }
}
