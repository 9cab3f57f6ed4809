// aws.ec2.subnet-auto-public-ip in the emulator harness (test/emulator/fixes-in-emulator.test.ts): a
// subnet with the id the evidence names, giving public addresses at launch, in a VPC of its own; its
// MapPublicIpOnLaunch is read back, and it is fixed when the evaluator reads it as PASS.
import type { ControlHarness } from '../../test/emulator/emulator'
import { subnetVerdict } from './evaluate'

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    const region = String(v.region)
    const vpc = (await emu.aws(env, ['ec2', 'create-vpc', '--region', region, '--cidr-block', '10.0.0.0/16'])) as { Vpc: { VpcId: string } }
    emu.want({ subnet: [String(v.subnetId)] })
    await emu.aws(env, ['ec2', 'create-subnet', '--region', region, '--vpc-id', vpc.Vpc.VpcId, '--cidr-block', '10.0.1.0/24'])
    await emu.aws(env, ['ec2', 'modify-subnet-attribute', '--region', region, '--subnet-id', String(v.subnetId), '--map-public-ip-on-launch'])
  },
  async snapshot(emu, env, v) {
    const r = (await emu.aws(env, ['ec2', 'describe-subnets', '--region', String(v.region), '--subnet-ids', String(v.subnetId)])) as {
      Subnets: Array<{ MapPublicIpOnLaunch?: boolean }>
    }
    return { MapPublicIpOnLaunch: r.Subnets[0].MapPublicIpOnLaunch }
  },
  notFixed(state) {
    const verdict = subnetVerdict(state as { MapPublicIpOnLaunch?: boolean })
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
