// aws.guardduty.ec2-instance-threat in the emulator harness (test/emulator/fixes-in-emulator.test.ts):
// the instance is launched in the security groups the evidence shows (with their ids); its
// interfaces' groups and the rules of those groups are read back. It is contained when every
// interface is in one Lastmile quarantine group that has no rule. The forensic snapshots are not
// part of the state (the rollback keeps them, so they would differ from the state before); the
// fix script itself refuses to go on when CreateSnapshots made none.
import type { ControlHarness } from '../../test/emulator/emulator'

interface State {
  interfaces: Array<{ groups: Array<{ id: string; name: string }> }>
  rules: Record<string, number>
}

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    const region = String(v.region)
    const groups = v.groups as string[]
    // the first EC2 call in a Region makes its default VPC and default group, which would take the first wanted id
    await emu.aws(env, ['ec2', 'describe-vpcs', '--region', region])
    emu.want({ 'security-group': groups, instance: [String(v.instanceId)] })
    for (const g of groups) await emu.aws(env, ['ec2', 'create-security-group', '--region', region, '--group-name', `seeded-${g}`, '--description', `seeded ${g}`])
    await emu.aws(env, ['ec2', 'run-instances', '--region', region, '--image-id', 'ami-12c6146b', '--instance-type', 't3.micro', '--count', '1', '--security-group-ids', ...groups])
  },
  async snapshot(emu, env, v) {
    const region = String(v.region)
    const r = (await emu.aws(env, ['ec2', 'describe-instances', '--region', region, '--instance-ids', String(v.instanceId)])) as {
      Reservations: Array<{ Instances: Array<{ NetworkInterfaces: Array<{ Attachment?: { DeviceIndex?: number }; Groups: Array<{ GroupId: string; GroupName: string }> }> }> }>
    }
    const enis = [...r.Reservations[0].Instances[0].NetworkInterfaces].sort((a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0))
    const ids = [...new Set(enis.flatMap((e) => e.Groups.map((g) => g.GroupId)))]
    const sgs = (await emu.aws(env, ['ec2', 'describe-security-groups', '--region', region, '--group-ids', ...ids])) as {
      SecurityGroups: Array<{ GroupId: string; IpPermissions: unknown[]; IpPermissionsEgress: unknown[] }>
    }
    const state: State = {
      interfaces: enis.map((e) => ({ groups: e.Groups.map((g) => ({ id: g.GroupId, name: g.GroupName })).sort((a, b) => (a.id < b.id ? -1 : 1)) })),
      rules: Object.fromEntries(sgs.SecurityGroups.map((g) => [g.GroupId, g.IpPermissions.length + g.IpPermissionsEgress.length]))
    }
    return state
  },
  notFixed(state, v) {
    const s = state as State
    const want = `lastmile-quarantine-${String(v.instanceId)}`
    for (const [i, e] of s.interfaces.entries()) {
      if (e.groups.length !== 1 || e.groups[0].name !== want) return `interface ${i} is in ${e.groups.map((g) => g.name).join(', ')}, not only ${want}`
      if (s.rules[e.groups[0].id] !== 0) return `${want} has ${s.rules[e.groups[0].id]} rule(s)`
    }
    return s.interfaces.length ? null : 'the instance has no network interface'
  }
}
