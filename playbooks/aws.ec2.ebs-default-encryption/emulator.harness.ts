// aws.ec2.ebs-default-encryption in the emulator harness (test/emulator/fixes-in-emulator.test.ts):
// each Region's setting as the evidence shows it, read back, and fixed when it is on everywhere.
import type { ControlHarness } from '../../test/emulator/emulator'

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    for (const [region, s] of Object.entries(v.regions as Record<string, { enabled: boolean }>)) {
      await emu.aws(env, ['ec2', s.enabled ? 'enable-ebs-encryption-by-default' : 'disable-ebs-encryption-by-default', '--region', region])
    }
  },
  async snapshot(emu, env, v) {
    const out: Record<string, boolean> = {}
    for (const region of Object.keys(v.regions as Record<string, unknown>).sort()) {
      out[region] = ((await emu.aws(env, ['ec2', 'get-ebs-encryption-by-default', '--region', region])) as { EbsEncryptionByDefault: boolean }).EbsEncryptionByDefault
    }
    return out
  },
  notFixed(state) {
    const off = Object.entries(state as Record<string, boolean>).filter(([, on]) => !on)
    return off.length ? `still off in ${off.map(([r]) => r).join(', ')}` : null
  }
}
