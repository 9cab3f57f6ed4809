// Interfaces come and go. An Auto Scaling group adds instances and replaces them, and the instances
// it launched into a security group and terminated within the window are in no inventory of today:
// the flow logs of today's interfaces do not speak for them. So "nobody used the open rule" needs
// the account's Auto Scaling groups of the Region listed, and none of those launching into the
// group's VPC launching into the group itself, or launching where the evidence cannot say.
import { autoScalingGroupsOf, groupLabel, launchGroupsOf, launchingIntoVpc, launchSpecsOf } from '../autoscaling'
import type { StepContext } from '../step'
import { plural } from '../step-common'

/** Why today's interfaces may not be all the group had in the window (an Auto Scaling group launching into it), or null; with the evidence read. */
export function fleetGap(ctx: StepContext): { gap: string | null; evidence: string[] } {
  const id = ctx.finding.resource.id
  const facts = ctx.ev.facts(id)
  const cfg = ctx.ev.config(id, 'sg.config')
  const groupId = facts.securityGroup?.groupId ?? cfg?.value.groupId ?? id.split('/').pop() ?? ''
  const name = cfg?.value.name ?? null
  const past = 'instances one launched into the group and terminated within the window are in no inventory of today, so their sessions were not read'
  if (!facts.account || !facts.region)
    return { gap: `the group names no account or Region, so the Auto Scaling groups that may launch into it cannot be read: ${past}`, evidence: [] }
  const listing = autoScalingGroupsOf(ctx, facts.account, facts.region)
  if (!listing.listed) return { gap: `${listing.why}: ${past}`, evidence: listing.files }
  // a group's own name, or an interface given no group at all when this is the VPC's default group
  const isThis = (list: string[]): boolean => list.includes(groupId) || (name !== null && list.includes(name)) || (name === 'default' && list.length === 0)
  const into: string[] = []
  const unknown: string[] = []
  const evidence = [...listing.files]
  for (const g of launchingIntoVpc(ctx, listing.groups, facts.securityGroup?.vpcId ?? null)) {
    if (g.value.maxSize === 0) continue
    const specs = launchSpecsOf(ctx, g.value).map(launchGroupsOf)
    const why = specs.flatMap((s) => ('unknown' in s ? [s.unknown] : []))
    if (specs.some((s) => 'lists' in s && s.lists.some(isThis))) {
      into.push(groupLabel(g.value))
      evidence.push(...g.evidence, ...specs.flatMap((s) => ('evidence' in s ? s.evidence : [])))
    } else if (why.length || !specs.length) {
      unknown.push(`${groupLabel(g.value)}: ${why.join('; ') || 'it names no launch template or configuration'}`)
      evidence.push(...g.evidence)
    }
  }
  const parts = [
    into.length ? `${plural(into.length, 'Auto Scaling group')} launch${into.length === 1 ? 'es' : ''} instances into the group (${into.join('; ')})` : '',
    unknown.length ? `where ${plural(unknown.length, 'Auto Scaling group')} in its VPC launch${unknown.length === 1 ? 'es' : ''} is not known (${unknown.join('. ')})` : ''
  ].filter(Boolean)
  return { gap: parts.length ? `${parts.join(', and ')}: ${past}` : null, evidence }
}
