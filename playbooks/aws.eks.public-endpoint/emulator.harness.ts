// aws.eks.public-endpoint in the emulator harness (test/emulator/fixes-in-emulator.test.ts): an EKS
// cluster with the endpoint settings the evidence shows is created; its three endpoint settings are
// read back, and it is fixed when the evaluator reads it as PASS (endpointPublicAccess false) with
// private endpoint access on. moto keeps resourcesVpcConfig as the last update gave it, which is
// what is compared.
import type { ControlHarness } from '../../test/emulator/emulator'
import { eksEndpointVerdict } from './evaluate'

interface Access {
  endpointPublicAccess?: boolean
  endpointPrivateAccess?: boolean
  publicAccessCidrs?: string[]
}

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    const config = { subnetIds: ['subnet-0e1a0000000000001'], endpointPublicAccess: true, endpointPrivateAccess: v.privateAccess === true, publicAccessCidrs: v.cidrs }
    await emu.aws(env, [
      'eks',
      'create-cluster',
      '--region',
      String(v.region),
      '--name',
      String(v.name),
      '--role-arn',
      `arn:aws:iam::${String(v.account)}:role/${String(v.name)}-cluster`,
      '--resources-vpc-config',
      JSON.stringify(config)
    ])
  },
  async snapshot(emu, env, v) {
    const r = (await emu.aws(env, ['eks', 'describe-cluster', '--region', String(v.region), '--name', String(v.name)])) as { cluster: { resourcesVpcConfig: Access } }
    const c = r.cluster.resourcesVpcConfig
    return { endpointPublicAccess: c.endpointPublicAccess, endpointPrivateAccess: c.endpointPrivateAccess, publicAccessCidrs: c.endpointPublicAccess ? c.publicAccessCidrs : null }
  },
  notFixed(state) {
    const s = state as Access
    const verdict = eksEndpointVerdict({ name: 'the cluster', resourcesVpcConfig: { ...s } })
    if (verdict.status !== 'PASS') return verdict.reason
    return s.endpointPrivateAccess === true ? null : 'private endpoint access is off: the cluster would have no endpoint'
  }
}
