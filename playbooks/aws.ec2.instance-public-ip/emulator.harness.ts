// aws.ec2.instance-public-ip in the emulator harness (test/emulator/fixes-in-emulator.test.ts): the
// instance is launched with the interface id the evidence names and a public address of the kind it
// shows — an address assigned at launch, or an Elastic IP associated over one (as happens when an
// instance launched in a subnet that hands addresses out is given an Elastic IP: disassociating it
// makes EC2 assign a new address, which the fix must remove too). The snapshot is each interface's
// address by kind: an Elastic IP by its allocation and address (given back exactly), an address
// assigned at launch only as "assigned at launch" — the rollback gets a new one, by design.
import type { ControlHarness } from '../../test/emulator/emulator'
import { publicIpVerdict } from './evaluate'

interface Address {
  eni: string
  kind: string
  privateIp: string | null
}

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    const region = String(v.region)
    const [a] = v.addresses as Address[]
    emu.want({ instance: [String(v.instanceId)], 'network-interface': [a.eni] })
    // moto's default subnets hand out public addresses, as AWS's default subnets do
    await emu.aws(env, ['ec2', 'run-instances', '--region', region, '--image-id', 'ami-12c6146b', '--instance-type', 't3.micro', '--count', '1', '--associate-public-ip-address'])
    if (a.kind !== 'elastic') return
    const eip = (await emu.aws(env, ['ec2', 'allocate-address', '--region', region, '--domain', 'vpc'])) as { AllocationId: string }
    await emu.aws(env, ['ec2', 'associate-address', '--region', region, '--allocation-id', eip.AllocationId, '--network-interface-id', a.eni])
  },
  async snapshot(emu, env, v) {
    const enis = (v.addresses as Address[]).map((a) => a.eni)
    const r = (await emu.aws(env, ['ec2', 'describe-network-interfaces', '--region', String(v.region), '--network-interface-ids', ...enis])) as {
      NetworkInterfaces: Array<{ NetworkInterfaceId: string; Association?: { PublicIp?: string; AllocationId?: string } }>
    }
    return Object.fromEntries(
      r.NetworkInterfaces.map((n) => {
        const x = n.Association
        const state = !x?.PublicIp ? null : x.AllocationId ? { elastic: x.AllocationId, address: x.PublicIp } : { assignedAtLaunch: true }
        return [n.NetworkInterfaceId, state]
      })
    )
  },
  notFixed(state) {
    const addresses = Object.values(state as Record<string, { address?: string; assignedAtLaunch?: boolean } | null>)
    const verdict = publicIpVerdict({ NetworkInterfaces: addresses.map((x) => ({ Association: x ? { PublicIp: x.address ?? 'assigned at launch' } : undefined })) })
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
