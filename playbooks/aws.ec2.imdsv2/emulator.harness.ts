// aws.ec2.imdsv2 in the emulator harness (test/emulator/fixes-in-emulator.test.ts): an instance
// launched with the metadata options the evidence shows, read back, and fixed when tokens are required.
import type { ControlHarness } from '../../test/emulator/emulator'

/** moto drops HttpEndpoint (and the IPv6/tags options) when a modify call omits them; AWS keeps them. */
function metadataOptions(o: Record<string, unknown>) {
  return { HttpTokens: o.HttpTokens, HttpPutResponseHopLimit: o.HttpPutResponseHopLimit }
}

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    emu.want({ instance: [String(v.instanceId)] })
    const opts = `HttpTokens=${String(v.httpTokens)},HttpEndpoint=${String(v.httpEndpoint ?? 'enabled')},HttpPutResponseHopLimit=${Number(v.hopLimit ?? 1)}`
    await emu.aws(env, [
      'ec2',
      'run-instances',
      '--region',
      String(v.region),
      '--image-id',
      'ami-12c6146b',
      '--instance-type',
      't3.micro',
      '--count',
      '1',
      '--metadata-options',
      opts
    ])
  },
  async snapshot(emu, env, v) {
    const r = (await emu.aws(env, ['ec2', 'describe-instances', '--region', String(v.region), '--instance-ids', String(v.instanceId)])) as {
      Reservations: Array<{ Instances: Array<{ MetadataOptions: Record<string, unknown> }> }>
    }
    return metadataOptions(r.Reservations[0].Instances[0].MetadataOptions)
  },
  notFixed(state) {
    const o = state as { HttpTokens: string }
    return o.HttpTokens === 'required' ? null : `HttpTokens is ${o.HttpTokens}`
  }
}
