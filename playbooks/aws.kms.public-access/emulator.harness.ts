// aws.kms.public-access in the emulator harness (test/emulator/fixes-in-emulator.test.ts): the key is
// created with the id and the policy the evidence shows (moto_server.py takes the id), its default
// policy read back, and fixed when the evaluator reads that policy as PASS.
import type { ControlHarness } from '../../test/emulator/emulator'
import { resourcePolicyVerdict } from '../../main/semantics/inventory-resource-policies'

interface Values {
  region: string
  arn: string
  before: string
}

export const harness: ControlHarness = {
  async seed(emu, env, raw) {
    const v = raw as unknown as Values
    emu.want({ 'kms-key': [v.arn.split('/').pop()!] })
    await emu.aws(env, ['kms', 'create-key', '--region', v.region, '--policy', v.before])
  },
  async snapshot(emu, env, raw) {
    const v = raw as unknown as Values
    const r = (await emu.aws(env, ['kms', 'get-key-policy', '--region', v.region, '--key-id', v.arn, '--policy-name', 'default'])) as { Policy?: string } | null
    return { policy: r?.Policy ? (JSON.parse(r.Policy) as unknown) : null }
  },
  notFixed(state) {
    const p = (state as { policy: unknown }).policy
    const verdict = resourcePolicyVerdict('kms', p === null ? null : JSON.stringify(p), 'key')
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
