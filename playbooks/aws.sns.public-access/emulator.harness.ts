// aws.sns.public-access in the emulator harness (test/emulator/fixes-in-emulator.test.ts): the topic
// is created with the policy the evidence shows, read back (Policy as JSON), and fixed when the
// evaluator reads that policy as PASS.
import type { ControlHarness } from '../../test/emulator/emulator'
import { resourcePolicyVerdict } from '../../main/semantics/inventory-resource-policies'

interface Values {
  name: string
  arn: string
  region: string
  before: string
}

export const harness: ControlHarness = {
  async seed(emu, env, raw) {
    const v = raw as unknown as Values
    await emu.aws(env, ['sns', 'create-topic', '--region', v.region, '--name', v.name, '--attributes', JSON.stringify({ Policy: v.before })])
  },
  async snapshot(emu, env, raw) {
    const v = raw as unknown as Values
    const r = (await emu.aws(env, ['sns', 'get-topic-attributes', '--region', v.region, '--topic-arn', v.arn])) as { Attributes?: { Policy?: string } } | null
    const p = r?.Attributes?.Policy
    return { policy: p ? (JSON.parse(p) as unknown) : null }
  },
  notFixed(state) {
    const p = (state as { policy: unknown }).policy
    const verdict = resourcePolicyVerdict('sns', p === null ? null : JSON.stringify(p), 'topic')
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
