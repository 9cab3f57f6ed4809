// A security group in the emulator harness (test/emulator/fixes-in-emulator.test.ts), for the controls
// that close a named port set (aws.ec2.sg-open-admin-ports, aws.ec2.sg-open-high-risk-ports): the
// group with the inbound rules the evidence shows, its rules read back, and fixed when the evaluator
// reads it as PASS for the set.
import type { ControlHarness } from './emulator'
import { securityGroupVerdict } from '../../main/controls/security-group/evaluate'
import type { PortSet } from '../../main/semantics/port-sets'
import type { IpPermission } from '../../main/semantics/inventory'
import type { Verdict } from '../../main/semantics/verdict'

function ipPermissions(perms: Array<Record<string, unknown>>) {
  const norm = perms.map((p) => ({
    IpProtocol: p.IpProtocol,
    FromPort: p.FromPort ?? null,
    ToPort: p.ToPort ?? null,
    IpRanges: ((p.IpRanges as Array<{ CidrIp: string; Description?: string }>) ?? [])
      .map((r) => ({ CidrIp: r.CidrIp, Description: r.Description ?? null }))
      .sort((a, b) => a.CidrIp.localeCompare(b.CidrIp)),
    Ipv6Ranges: ((p.Ipv6Ranges as Array<{ CidrIpv6: string; Description?: string }>) ?? [])
      .map((r) => ({ CidrIpv6: r.CidrIpv6, Description: r.Description ?? null }))
      .sort((a, b) => a.CidrIpv6.localeCompare(b.CidrIpv6))
  }))
  // one permission per (protocol, ports, address); the API may group them either way
  return norm
    .flatMap((p) => [...p.IpRanges.map((r) => ({ ...p, IpRanges: [r], Ipv6Ranges: [] })), ...p.Ipv6Ranges.map((r) => ({ ...p, IpRanges: [], Ipv6Ranges: [r] }))])
    .map((p) => JSON.stringify(p))
    .sort()
}

/** The harness for a named port set, or for a control that reads the group its own way (EC2.18: every port but the authorised ones). */
export function securityGroupHarness(set: PortSet | ((perms: IpPermission[], v: Record<string, unknown>) => Verdict)): ControlHarness {
  const read = typeof set === 'function' ? set : (perms: IpPermission[]) => securityGroupVerdict({ IpPermissions: perms }, set).verdict
  return {
    async seed(emu, env, v) {
      const region = String(v.region)
      // moto makes the Region's default VPC and its default group on the first EC2 call there: that
      // group must not take the wanted id, so the Region is touched first
      await emu.aws(env, ['ec2', 'describe-vpcs', '--region', region])
      emu.want({ 'security-group': [String(v.groupId)] })
      await emu.aws(env, ['ec2', 'create-security-group', '--region', region, '--group-name', String(v.name ?? v.groupId), '--description', 'seeded from the evidence'])
      const ingress =
        (v.ingress as Array<{ protocol: string; fromPort: number | null; toPort: number | null; cidrs: string[]; ipv6: string[]; descriptions: Record<string, string> }>) ?? []
      const perms = ingress.map((r) => ({
        IpProtocol: r.protocol,
        ...(r.protocol === '-1' ? {} : { FromPort: r.fromPort, ToPort: r.toPort }),
        IpRanges: r.cidrs.map((c) => ({ CidrIp: c, ...(r.descriptions[c] ? { Description: r.descriptions[c] } : {}) })),
        Ipv6Ranges: r.ipv6.map((c) => ({ CidrIpv6: c, ...(r.descriptions[c] ? { Description: r.descriptions[c] } : {}) }))
      }))
      if (perms.length)
        await emu.aws(env, ['ec2', 'authorize-security-group-ingress', '--region', region, '--group-id', String(v.groupId), '--ip-permissions', JSON.stringify(perms)])
    },
    async snapshot(emu, env, v) {
      const r = (await emu.aws(env, ['ec2', 'describe-security-groups', '--region', String(v.region), '--group-ids', String(v.groupId)])) as {
        SecurityGroups: Array<{ IpPermissions: Array<Record<string, unknown>> }>
      }
      return ipPermissions(r.SecurityGroups[0].IpPermissions)
    },
    notFixed(state, v) {
      const perms = (state as string[]).map((s) => JSON.parse(s) as Record<string, unknown>)
      const verdict = read(perms as never, v)
      return verdict.status === 'PASS' ? null : verdict.reason
    }
  }
}
