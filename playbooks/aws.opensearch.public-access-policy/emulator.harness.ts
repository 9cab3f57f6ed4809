// aws.opensearch.public-access-policy in the emulator harness (test/emulator/fixes-in-emulator.test.ts):
// the domain is created with the access policy the evidence shows, read back from
// describe-domain-config (AccessPolicies.Options, null when none), and fixed when the evaluator's
// reading of that policy passes.
import type { ControlHarness } from '../../test/emulator/emulator'
import { resourcePolicyVerdict } from '../../main/semantics/inventory-resource-policies'

interface Values {
  name: string
  region: string
  before: string
}

export const harness: ControlHarness = {
  async seed(emu, env, raw) {
    const v = raw as unknown as Values
    await emu.aws(env, ['opensearch', 'create-domain', '--region', v.region, '--domain-name', v.name, '--access-policies', v.before])
  },
  async snapshot(emu, env, raw) {
    const v = raw as unknown as Values
    const r = (await emu.aws(env, ['opensearch', 'describe-domain-config', '--region', v.region, '--domain-name', v.name])) as {
      DomainConfig?: { AccessPolicies?: { Options?: string } }
    } | null
    const p = r?.DomainConfig?.AccessPolicies?.Options
    return { policy: p ? (JSON.parse(p) as unknown) : null }
  },
  notFixed(state) {
    const p = (state as { policy: unknown }).policy
    const verdict = resourcePolicyVerdict('opensearch', p === null ? null : JSON.stringify(p), 'domain')
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
