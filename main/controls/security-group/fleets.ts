// Interfaces come and go. An Auto Scaling group adds instances and replaces them, an ECS service its
// tasks, a Kubernetes deployment its pods; what they launched into a security group and ended
// within the window is in no inventory of today: the flow logs of today's interfaces do not speak
// for it. So "nobody used the open rule" needs the account's Auto Scaling groups of the Region
// listed, none of those launching into the group's VPC launching into the group itself (or
// launching where the evidence cannot say), and none of today's interfaces of the group a task's
// or a pod's.
import { autoScalingGroupsOf, groupLabel, launchGroupsOf, launchingIntoVpc, launchSpecsOf } from '../autoscaling'
import type { StepContext } from '../step'
import { plural } from '../step-common'
import { eniKey } from '../../semantics/ids'

/** Why today's interfaces may not be all the group had in the window (an Auto Scaling group launching into it), or null; with the evidence read. */
export function fleetGap(ctx: StepContext): { gap: string | null; evidence: string[] } {
  const id = ctx.finding.resource.id
  const facts = ctx.ev.facts(id)
  const cfg = ctx.ev.config(id, 'sg.config')
  const groupId = facts.securityGroup?.groupId ?? cfg?.value.groupId ?? id.split('/').pop() ?? ''
  const name = cfg?.value.name ?? null
  const past = 'what they launched into the group and ended within the window is in no inventory of today, so its sessions were not read'
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
  // Tasks of an ECS service (awsvpc: an interface each, ECS's attachment) and Kubernetes pods with
  // security groups of their own (branch interfaces) are replaced at every deployment and scaled:
  // today's are not all the group had.
  const churning = (facts.securityGroup?.enis ?? []).flatMap((eni) => {
    const c = ctx.ev.config(eniKey(facts.account!, eni), 'eni.config')
    if (!c) return []
    evidence.push(...c.evidence)
    if (/^arn:aws[a-z-]*:ecs:/.test(c.value.description ?? '')) return [`${eni} (an ECS task's: ${c.value.description})`]
    if (c.value.type === 'branch') return [`${eni} (a Kubernetes pod's branch interface)`]
    return []
  })
  const parts = [
    into.length ? `${plural(into.length, 'Auto Scaling group')} launch${into.length === 1 ? 'es' : ''} instances into the group (${into.join('; ')})` : '',
    churning.length
      ? `${plural(churning.length, 'interface')} of the group belong${churning.length === 1 ? 's' : ''} to tasks or pods that their service replaces and scales (${churning.join(', ')})`
      : '',
    unknown.length ? `where ${plural(unknown.length, 'Auto Scaling group')} in its VPC launch${unknown.length === 1 ? 'es' : ''} is not known (${unknown.join('. ')})` : ''
  ].filter(Boolean)
  return { gap: parts.length ? `${parts.join(', and ')}: ${past}` : null, evidence }
}
