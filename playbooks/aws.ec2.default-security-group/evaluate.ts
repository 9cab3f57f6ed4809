// aws.ec2.default-security-group (Security Hub EC2.2, CIS 5.3/5.4): does a VPC's default security
// group still allow traffic?
//
// Every VPC has a group named "default" that EC2 creates with it and that cannot be deleted. It is
// what an interface gets when nobody names a group, so it should allow nothing: no inbound and no
// outbound rule (AWS Config vpc-default-security-group-closed, Prowler
// ec2_securitygroup_default_restrict_traffic). A rule of any kind — the self-reference EC2 creates
// (members talk to members), all traffic out to 0.0.0.0/0, one port from an office — fails it.
//
// Read from DescribeSecurityGroups: GroupName "default" (with a VpcId: EC2-Classic's default
// group is gone), IpPermissions and IpPermissionsEgress. A file without IpPermissionsEgress does not
// say the outbound rules, so a group with no inbound rule is UNKNOWN there, never PASS. Groups of
// another name are not this control's.
import { evaluateSecurityGroupList, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory, IpPermission } from '../../main/semantics/inventory'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

export const CONTROL = 'aws.ec2.default-security-group'

/** One rule as people read it: "all traffic from sg-0123 (itself)", "tcp 443 to 0.0.0.0/0". */
export function ruleText(p: IpPermission, groupId: string, direction: 'in' | 'out'): string {
  const proto = p.IpProtocol.toLowerCase()
  const ports =
    proto === '-1'
      ? 'all traffic'
      : p.FromPort === undefined || p.FromPort === -1
        ? `${proto} all ports`
        : `${proto} ${p.FromPort === p.ToPort ? p.FromPort : `${p.FromPort}-${p.ToPort}`}`
  const peers = [
    ...(p.IpRanges ?? []).map((r) => r.CidrIp),
    ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
    ...(p.PrefixListIds ?? []).map((l) => `prefix list ${l.PrefixListId}`),
    ...(p.UserIdGroupPairs ?? []).map((g) => (g.GroupId === groupId ? `${groupId} (itself)` : (g.GroupId ?? 'a group')))
  ]
  return `${ports} ${direction === 'in' ? 'from' : 'to'} ${peers.length ? peers.join(', ') : 'nobody'}`
}

export interface DefaultGroupRules {
  GroupId: string
  IpPermissions: IpPermission[]
  /** undefined: the outbound rules were not collected */
  IpPermissionsEgress?: IpPermission[]
}

/** FAIL when the group has any rule, PASS when it has none either way, UNKNOWN when the outbound rules are not known. */
export function defaultGroupVerdict(g: DefaultGroupRules): { verdict: Verdict; places: string[] } {
  const inbound = g.IpPermissions.map((p) => ruleText(p, g.GroupId, 'in'))
  const outbound = (g.IpPermissionsEgress ?? []).map((p) => ruleText(p, g.GroupId, 'out'))
  const places = [...inbound.map((_, i) => `/IpPermissions/${i}`), ...outbound.map((_, i) => `/IpPermissionsEgress/${i}`)]
  if (inbound.length || outbound.length) {
    const parts = [
      inbound.length ? `${inbound.length} inbound rule${inbound.length === 1 ? '' : 's'} (${inbound.join('; ')})` : '',
      outbound.length ? `${outbound.length} outbound rule${outbound.length === 1 ? '' : 's'} (${outbound.join('; ')})` : ''
    ].filter(Boolean)
    return { verdict: fail(`the VPC's default group still allows traffic: ${parts.join(' and ')}`), places }
  }
  if (g.IpPermissionsEgress === undefined)
    return { verdict: unknown('no inbound rule, but the file has no IpPermissionsEgress, so whether outbound traffic is allowed is not known'), places: ['/IpPermissions'] }
  return { verdict: pass('the default group has no inbound and no outbound rule'), places: ['/IpPermissions', '/IpPermissionsEgress'] }
}

export function evaluateDefaultSecurityGroups(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return evaluateSecurityGroupList(CONTROL, inv, (g) => {
    if (g.GroupName === undefined) return { verdict: unknown('the group has no GroupName in the file, so whether it is a VPC default group is not known'), places: [] }
    if (g.GroupName !== 'default' || !g.VpcId) return null
    return defaultGroupVerdict(g)
  })
}
