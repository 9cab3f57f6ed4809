// aws.iam.user-direct-policies in the emulator harness (test/emulator/fixes-in-emulator.test.ts): the user as the
// evidence shows it — its customer managed policies created, they and the AWS managed ones attached, its inline
// policies put — and read back as what it holds: its own policies, its groups and what they hold. Fixed: the
// user holds nothing of its own, and its groups hold every policy it held. The fix's wait for IAM to propagate
// is 0 here (moto is consistent at once); the scripts take it from the environment.
import type { ControlHarness } from '../../test/emulator/emulator'

const text = (doc: unknown): string => (typeof doc === 'string' ? (doc.trimStart().startsWith('{') ? doc : decodeURIComponent(doc)) : JSON.stringify(doc))

interface Values {
  user: string
  userPath: string
  managed: string[]
  inline: string[]
  inlineDocuments: Record<string, unknown>
  customerPolicies: Array<{ arn: string; name: string; path: string; document: unknown }>
}

interface Held {
  managed: string[]
  inline: string[]
  groups: Array<{ name: string; managed: string[]; inline: string[] }>
}

export const harness: ControlHarness = {
  async seed(emu, env, values) {
    const v = values as unknown as Values
    env.LASTMILE_IAM_SETTLE_SECONDS = '0'
    await emu.aws(env, ['iam', 'create-user', '--user-name', v.user, '--path', v.userPath])
    for (const p of v.customerPolicies) await emu.aws(env, ['iam', 'create-policy', '--policy-name', p.name, '--path', p.path, '--policy-document', text(p.document)])
    for (const arn of v.managed) await emu.aws(env, ['iam', 'attach-user-policy', '--user-name', v.user, '--policy-arn', arn])
    for (const name of v.inline) await emu.aws(env, ['iam', 'put-user-policy', '--user-name', v.user, '--policy-name', name, '--policy-document', text(v.inlineDocuments[name])])
  },
  async snapshot(emu, env, values) {
    const v = values as unknown as Values
    const managed = (await emu.aws(env, ['iam', 'list-attached-user-policies', '--user-name', v.user])) as { AttachedPolicies: Array<{ PolicyArn: string }> }
    const inline = (await emu.aws(env, ['iam', 'list-user-policies', '--user-name', v.user])) as { PolicyNames: string[] }
    const groups = (await emu.aws(env, ['iam', 'list-groups-for-user', '--user-name', v.user])) as { Groups: Array<{ GroupName: string }> }
    const held: Held = { managed: managed.AttachedPolicies.map((p) => p.PolicyArn).sort(), inline: [...inline.PolicyNames].sort(), groups: [] }
    for (const g of groups.Groups) {
      const gm = (await emu.aws(env, ['iam', 'list-attached-group-policies', '--group-name', g.GroupName])) as { AttachedPolicies: Array<{ PolicyArn: string }> }
      const gi = (await emu.aws(env, ['iam', 'list-group-policies', '--group-name', g.GroupName])) as { PolicyNames: string[] }
      held.groups.push({ name: g.GroupName, managed: gm.AttachedPolicies.map((p) => p.PolicyArn).sort(), inline: [...gi.PolicyNames].sort() })
    }
    return held
  },
  notFixed(state, values) {
    const v = values as unknown as Values
    const s = state as Held
    if (s.managed.length || s.inline.length) return `the user still holds ${[...s.managed, ...s.inline].join(', ')} of its own`
    const viaGroups = new Set(s.groups.flatMap((g) => [...g.managed, ...g.inline]))
    const lost = [...v.managed, ...v.inline].filter((p) => !viaGroups.has(p))
    return lost.length ? `the user lost ${lost.join(', ')}: no group of its holds them` : null
  }
}
