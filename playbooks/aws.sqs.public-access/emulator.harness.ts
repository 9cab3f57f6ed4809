// aws.sqs.public-access in the emulator harness (test/emulator/fixes-in-emulator.test.ts): the queue
// is created with the policy the evidence shows, read back (Policy as JSON, null when none), and
// fixed when the evaluator reads that policy as PASS.
import type { ControlHarness } from '../../test/emulator/emulator'
import { resourcePolicyVerdict } from '../../main/semantics/inventory-resource-policies'

interface Values {
  name: string
  region: string
  before: string
  resource: { detail: { queueUrl?: string } }
}

export const harness: ControlHarness = {
  async seed(emu, env, raw) {
    const v = raw as unknown as Values
    await emu.aws(env, ['sqs', 'create-queue', '--region', v.region, '--queue-name', v.name, '--attributes', JSON.stringify({ Policy: v.before })])
  },
  async snapshot(emu, env, raw) {
    const v = raw as unknown as Values
    const r = (await emu.aws(env, ['sqs', 'get-queue-attributes', '--region', v.region, '--queue-url', String(v.resource.detail.queueUrl), '--attribute-names', 'Policy'])) as {
      Attributes?: { Policy?: string }
    } | null
    const p = r?.Attributes?.Policy
    return { policy: p ? (JSON.parse(p) as unknown) : null }
  },
  notFixed(state) {
    const p = (state as { policy: unknown }).policy
    const verdict = resourcePolicyVerdict('sqs', p === null ? null : JSON.stringify(p), 'queue')
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
