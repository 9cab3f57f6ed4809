// aws.ec2.default-security-group in the emulator harness (test/emulator/fixes-in-emulator.test.ts):
// the VPC's default group with the id and the inbound and outbound rules the evidence shows, its
// rules read back, and fixed when it has none.
import type { ControlHarness } from '../../test/emulator/emulator'

type Rule = {
  protocol: string
  fromPort: number | null
  toPort: number | null
  cidrs: string[]
  ipv6: string[]
  prefixLists: string[]
  groups: string[]
  descriptions?: Record<string, string>
}

const asPermissions = (rules: Rule[], account: string) =>
  rules.map((r) => ({
    IpProtocol: r.protocol,
    ...(r.protocol === '-1' ? {} : { FromPort: r.fromPort, ToPort: r.toPort }),
    IpRanges: r.cidrs.map((c) => ({ CidrIp: c, ...(r.descriptions?.[c] ? { Description: r.descriptions[c] } : {}) })),
    Ipv6Ranges: r.ipv6.map((c) => ({ CidrIpv6: c, ...(r.descriptions?.[c] ? { Description: r.descriptions[c] } : {}) })),
    PrefixListIds: r.prefixLists.map((p) => ({ PrefixListId: p })),
    UserIdGroupPairs: r.groups.map((g) => ({ GroupId: g, UserId: account }))
  }))

/** one string per (direction, protocol, ports, source), Descriptions included: the API may group them either way */
function flat(direction: string, perms: Array<Record<string, unknown>>): string[] {
  return perms
    .flatMap((p) => {
      const base = { direction, IpProtocol: p.IpProtocol, FromPort: p.IpProtocol === '-1' ? null : (p.FromPort ?? null), ToPort: p.IpProtocol === '-1' ? null : (p.ToPort ?? null) }
      const list = (k: string) => (p[k] as Array<Record<string, unknown>> | undefined) ?? []
      return [
        ...list('IpRanges').map((r) => ({ ...base, source: r.CidrIp, Description: r.Description ?? null })),
        ...list('Ipv6Ranges').map((r) => ({ ...base, source: r.CidrIpv6, Description: r.Description ?? null })),
        ...list('PrefixListIds').map((r) => ({ ...base, source: r.PrefixListId, Description: r.Description ?? null })),
        ...list('UserIdGroupPairs').map((r) => ({ ...base, source: r.GroupId, Description: r.Description ?? null }))
      ]
    })
    .map((x) => JSON.stringify(x))
    .sort()
}

async function rules(emu: Parameters<ControlHarness['seed']>[0], env: NodeJS.ProcessEnv, region: string, group: string) {
  const r = (await emu.aws(env, ['ec2', 'describe-security-groups', '--region', region, '--group-ids', group])) as {
    SecurityGroups: Array<{ IpPermissions: Array<Record<string, unknown>>; IpPermissionsEgress: Array<Record<string, unknown>> }>
  }
  return r.SecurityGroups[0]
}

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    const region = String(v.region)
    const group = String(v.groupId)
    const account = String(v.account)
    // moto makes the Region's default VPC (and its default group) on the first EC2 call there; the
    // group's own VPC is made next, and its default group takes the evidence's id. It comes with
    // EC2's default rules, which are replaced by the evidence's.
    await emu.aws(env, ['ec2', 'describe-vpcs', '--region', region])
    emu.want({ 'security-group': [group] })
    await emu.aws(env, ['ec2', 'create-vpc', '--region', region, '--cidr-block', '10.0.0.0/16'])
    const live = await rules(emu, env, region, group)
    for (const [verb, list] of [
      ['ingress', live.IpPermissions],
      ['egress', live.IpPermissionsEgress]
    ] as const)
      if (list.length) await emu.aws(env, ['ec2', `revoke-security-group-${verb}`, '--region', region, '--group-id', group, '--ip-permissions', JSON.stringify(list)])
    const ingress = asPermissions((v.ingress as Rule[]) ?? [], account)
    const egress = asPermissions((v.egress as Rule[]) ?? [], account)
    if (ingress.length) await emu.aws(env, ['ec2', 'authorize-security-group-ingress', '--region', region, '--group-id', group, '--ip-permissions', JSON.stringify(ingress)])
    if (egress.length) await emu.aws(env, ['ec2', 'authorize-security-group-egress', '--region', region, '--group-id', group, '--ip-permissions', JSON.stringify(egress)])
  },
  async snapshot(emu, env, v) {
    const g = await rules(emu, env, String(v.region), String(v.groupId))
    return [...flat('in', g.IpPermissions), ...flat('out', g.IpPermissionsEgress)]
  },
  notFixed(state) {
    const left = state as string[]
    return left.length ? `the default group still has ${left.length} rule source${left.length === 1 ? '' : 's'}: ${left.join(', ')}` : null
  }
}
