// Step functions of aws.ec2.default-security-group: does the VPC's default group still allow
// traffic (the evaluator on its rules), which interfaces use it (EC2 inventory), and did those
// interfaces carry traffic that only the default group's rules allow (VPC flow logs)?
//
// Removing the default group's rules cuts off whatever relies on them: an instance launched without
// a group of its own talks to its peers through the self-reference and to the world through the
// outbound rule. An interface whose only group is the default one has no other rule: every packet
// it accepted passed the default group's rules. An interface in other groups too may have been
// served by theirs, which flow logs cannot tell apart.
import { z } from 'zod'
import { eniKey } from '../../main/semantics/ids'
import { autoScalingGroupsOf, groupLabel, launchGroupsOf, launchingIntoVpc, launchSpecsOf } from '../../main/controls/autoscaling'
import type { AutoScalingGroupFacet } from '../../main/semantics/inventory-ec2-launchers'
import { ipPermissionsOf } from '../../main/semantics/inventory-items'
import { coverageText, outcome, plural, timelineLink, windowText } from '../../main/controls/step-common'
import { defineStep, type StepContext } from '../../main/controls/step'
import { defaultGroupVerdict } from './evaluate'

const GROUP = ['aws.ec2.security-group'] as const

/** One interface of the group, with the groups it is in and what it serves. */
interface GroupInterface {
  eni: string
  /** the instance, or the service's description of the interface ("AWS Lambda VPC ENI-orders", "RDSNetworkInterface") */
  what: string | null
  /** every group of the interface; null when neither inventory lists it */
  groups: string[] | null
  evidence: string[]
}

interface GroupUse {
  groupId: string
  account: string | null
  enis: GroupInterface[]
  /** the EC2 inventory files read (ec2-instances.json, network-interfaces.json) */
  inventory: string[]
  /** network-interfaces.json (every interface, of every service) was read for the account and covers the group's Region */
  complete: boolean
}

function interfacesOf(ctx: StepContext): GroupUse {
  const facts = ctx.ev.facts(ctx.finding.resource.id)
  const sg = facts.securityGroup
  const groupId = sg?.groupId ?? ctx.finding.resource.id.split('/').pop() ?? ''
  const read = (name: string) =>
    ctx.ev
      .files()
      .filter((f) => facts.account !== null && f.path === `aws/${facts.account}/inventory/${name}` && f.status === 'read')
      .map((f) => f.id)
  const listed = read('network-interfaces.json')
  const scope = facts.account ? ctx.ev.regions(facts.account) : []
  // a listing the collector could not finish (a gap naming DescribeNetworkInterfaces) is not the whole list
  const unfinished = ctx.ev.coverage('aws.inventory', ctx.finding.resource.id, null).gaps.some((g) => g.detail.includes('DescribeNetworkInterfaces'))
  const complete = listed.length > 0 && !unfinished && (scope.length === 0 || (facts.region !== null && scope.includes(facts.region)))
  const enis: GroupInterface[] = (sg?.enis ?? []).map((eni) => {
    const cfg = facts.account ? ctx.ev.config(eniKey(facts.account, eni), 'eni.config') : null
    return cfg
      ? { eni, what: cfg.value.instanceId ?? cfg.value.description ?? cfg.value.type, groups: cfg.value.groups, evidence: cfg.evidence }
      : { eni, what: null, groups: null, evidence: [] }
  })
  for (const arn of sg?.instances ?? []) {
    const cfg = ctx.ev.config(arn, 'ec2.config')
    if (!cfg) continue
    for (const e of cfg.value.enis) {
      const mine = enis.find((x) => x.eni === e.id)
      if (!mine) continue
      const name = cfg.value.tags.Name
      mine.what = `${cfg.value.instanceId}${name ? `, ${name}` : ''}`
      mine.groups ??= e.groups
      mine.evidence = [...mine.evidence, ...cfg.evidence]
    }
  }
  return { groupId, account: facts.account, enis, inventory: [...read('ec2-instances.json'), ...listed], complete }
}

const label = (e: GroupInterface): string => `${e.eni}${e.what ? ` (${e.what})` : ''}`

const stillOpen = defineStep({
  name: 'sg.default-still-open',
  summary: "whether the VPC's default group still has any inbound or outbound rule, as the control evaluator reads them",
  resourceTypes: GROUP,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = ctx.ev.config(ctx.finding.resource.id, 'sg.config')
    if (!cfg) return outcome('unknown', "the group is not in the evidence's security-groups.json, so its rules are unknown", { sources: ['aws.inventory'] })
    const v = cfg.value
    if (v.name !== 'default')
      return outcome('unknown', `${v.groupId} is named ${v.name === null ? 'nothing in the file' : `"${v.name}"`}, not "default": it is not shown to be a VPC's default group`, {
        evidence: [cfg.evidence],
        sources: ['aws.inventory']
      })
    const { verdict } = defaultGroupVerdict({
      GroupId: v.groupId,
      IpPermissions: ipPermissionsOf(v.ingress),
      ...(v.egress ? { IpPermissionsEgress: ipPermissionsOf(v.egress) } : {})
    })
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: ['aws.inventory' as const] }
    if (verdict.status === 'FAIL') return outcome('yes', verdict.reason, o)
    if (verdict.status === 'PASS') return outcome('no', `${verdict.reason}: the fix would change nothing`, o)
    return outcome('unknown', verdict.reason, { ...o, certainty: null })
  }
})

/** Where a group's next instances would be: all in groups of their own, some in the default group, or unknown. */
type GroupLaunch = { how: 'own' | 'default' | 'unknown'; text: string; evidence: string[][] }

/**
 * Where an Auto Scaling group's next instances would be: an instance whose launch configuration
 * or template names no security group for one of its interfaces, or names the default group
 * itself (by id, or by the name "default"), is in the default group. A mixed instances group may
 * launch with any of its templates: one that uses the default group is enough.
 */
function groupLaunch(ctx: StepContext, g: AutoScalingGroupFacet, defaultId: string): GroupLaunch {
  const evidence: string[][] = []
  const isDefault = (x: string): boolean => x === defaultId || x === 'default'
  const parts = launchSpecsOf(ctx, g).map((spec): { how: GroupLaunch['how']; text: string } => {
    const groups = launchGroupsOf(spec)
    if ('unknown' in groups) return { how: 'unknown', text: groups.unknown }
    evidence.push(groups.evidence)
    const named = [...new Set(groups.lists.flat())]
    if (groups.lists.some((l) => l.length === 0))
      return { how: 'default', text: `${spec.which} names no security group${groups.lists.length > 1 ? ' for one of its interfaces' : ''}, so its instances get the default group` }
    if (named.some(isDefault)) return { how: 'default', text: `${spec.which} names the default group itself` }
    return { how: 'own', text: `${spec.which} launches into ${named.join(', ')}` }
  })
  if (!parts.length) parts.push({ how: 'unknown', text: 'it names no launch template or configuration' })
  const how = parts.some((p) => p.how === 'default') ? 'default' : parts.some((p) => p.how === 'unknown') ? 'unknown' : 'own'
  return { how, evidence, text: `${groupLabel(g)}: ${parts.map((p) => p.text).join('; ')}` }
}

/**
 * The Auto Scaling groups of the group's account and Region that launch into its VPC (or into a
 * subnet whose VPC the evidence does not give): their next instances, at a scale-out or when one
 * is replaced, are in no interface yet. Those whose every launch names groups of its own, and
 * those whose maximum size is 0, are `unaffected` (an idle one is named; one with instances is
 * not, its interfaces being listed); the others (launching into the default group, or unknown)
 * are `into`.
 */
function launchersInto(
  ctx: StepContext,
  account: string,
  region: string,
  vpc: string | null,
  defaultId: string
): { listed: false; why: string } | { listed: true; into: GroupLaunch[]; unaffected: string[]; evidence: string[] } {
  const listing = autoScalingGroupsOf(ctx, account, region)
  if (!listing.listed) return listing
  const inVpc = launchingIntoVpc(ctx, listing.groups, vpc)
  const launches = inVpc.filter((g) => g.value.maxSize !== 0).map((g) => ({ g, launch: groupLaunch(ctx, g.value, defaultId) }))
  const unaffected = [
    ...inVpc.filter((g) => g.value.maxSize === 0).map((g) => `${g.value.name} (maximum size 0: it launches nothing)`),
    ...launches.filter((l) => l.launch.how === 'own' && l.g.value.instances === 0).map((l) => l.launch.text)
  ].sort()
  return {
    listed: true,
    into: launches
      .filter((l) => l.launch.how !== 'own')
      .map((l) => l.launch)
      .sort((a, b) => a.text.localeCompare(b.text)),
    unaffected,
    evidence: [...listing.files, ...inVpc.flatMap((g) => g.evidence), ...launches.flatMap((l) => l.launch.evidence.flat())]
  }
}

const attached = defineStep({
  name: 'sg.default-attached',
  summary:
    'which network interfaces use the default group, and which of them have no other group (EC2 inventory; "no" needs network-interfaces.json, which lists the interfaces of every service, and the Auto Scaling groups: each one launching into the VPC must launch into groups of its own, as its launch template or configuration names them)',
  resourceTypes: GROUP,
  params: z.object({}).strict(),
  run(ctx) {
    const { groupId, enis, inventory, complete } = interfacesOf(ctx)
    const facts = ctx.ev.facts(ctx.finding.resource.id)
    const o = {
      evidence: [inventory, facts.dependencies.filter((d) => d.kind === 'instance-uses-security-group').flatMap((d) => d.evidence), ...enis.map((e) => e.evidence)],
      sources: ['aws.inventory' as const]
    }
    if (enis.length) {
      const only = enis.filter((e) => e.groups !== null && e.groups.length === 1 && e.groups[0] === groupId)
      const others = enis.filter((e) => !only.includes(e))
      const parts = [
        only.length ? `${plural(only.length, 'interface')} with no other group: ${only.map(label).join(', ')}` : '',
        others.length
          ? `${plural(others.length, 'interface')} also in ${[...new Set(others.flatMap((e) => (e.groups ?? []).filter((g) => g !== groupId)))].join(', ') || 'groups not in evidence'}: ${others.map(label).join(', ')}`
          : ''
      ].filter(Boolean)
      return outcome('yes', `the default group is attached to ${parts.join('; ')}`, { ...o, certainty: 'proven' })
    }
    if (complete) {
      const none =
        "no interface is in the default group: network-interfaces.json (DescribeNetworkInterfaces) lists every interface of the account in the group's Region — of instances, Lambda functions, RDS databases, load balancers and VPC endpoints alike"
      // an Auto Scaling group's next instances (a fleet scaled in to nothing, a scale-out, a
      // replacement) are in no interface today, and may launch into the default group tomorrow
      const launchers =
        facts.account && facts.region
          ? launchersInto(ctx, facts.account, facts.region, facts.securityGroup?.vpcId ?? null, groupId)
          : { listed: false as const, why: 'the group names no account or Region, so its Auto Scaling groups cannot be read' }
      if (!launchers.listed)
        return outcome('unknown', `${none}; but ${launchers.why}, and one would launch its next instances into the default group if its launch names no group`, o)
      const besides = launchers.unaffected.length ? `. Holding no instance, but not launching into it: ${launchers.unaffected.join('. ')}` : ''
      const evidence = [...o.evidence, launchers.evidence]
      const n = launchers.into.length
      if (n) {
        const into = launchers.into.filter((l) => l.how === 'default').length
        const next =
          into === 0
            ? `whether ${n === 1 ? 'its' : 'their'} next instances would be in the default group is not known`
            : `the next instances of ${into === n ? (n === 1 ? 'it' : 'them') : `${into} of them`} would be in the default group`
        return outcome(
          'unknown',
          `${none}; but ${plural(n, 'Auto Scaling group')} launch${n === 1 ? 'es' : ''} into its VPC, and ${next}: ${launchers.into.map((l) => l.text).join('. ')}${besides}`,
          { ...o, evidence }
        )
      }
      return outcome('no', `${none}, and no Auto Scaling group launching into its VPC would put an instance in it (inventory/auto-scaling-groups.json)${besides}`, {
        ...o,
        evidence,
        certainty: 'proven'
      })
    }
    if (!inventory.length) return outcome('unknown', "no EC2 inventory of the group's account is in evidence, so what uses the group is not known", o)
    return outcome(
      'unknown',
      'no instance in the EC2 inventory uses the default group, but interfaces of Lambda functions, RDS databases, load balancers and VPC endpoints are not in evidence (add inventory/network-interfaces.json: aws ec2 describe-network-interfaces), so whether anything uses it is not known',
      o
    )
  }
})

const traffic = defineStep({
  name: 'sg.default-traffic',
  summary:
    'whether the interfaces that use the default group carried traffic that only its rules allow (accepted flows on an interface with no other group), from VPC flow logs; "no" needs every interface\'s flow log over the whole window',
  resourceTypes: GROUP,
  params: z.object({}).strict(),
  run(ctx) {
    const id = ctx.finding.resource.id
    const { groupId, account, enis } = interfacesOf(ctx)
    const sources = ['aws.vpc-flow-logs' as const]
    if (!enis.length)
      return outcome('no', 'no interface in the evidence uses the default group, so no flow of it can be read (whether another kind of interface uses it is the attached step)', {
        sources,
        certainty: 'inferred'
      })
    const seen = enis.map((e) => ({ e, flows: account ? ctx.ev.config(eniKey(account, e.eni), 'flows.interface') : null }))
    const busy = seen.filter((s) => s.flows && s.flows.value.accepted > 0)
    const events = ctx.ev.timeline([id], { from: ctx.window?.from, sources: ['aws.vpc-flow-logs'], summaries: false })
    const link = timelineLink(ctx, [id], ['aws.vpc-flow-logs'], events)
    const ev = busy.map((s) => s.flows!.evidence)
    const text = (s: (typeof seen)[number]): string =>
      `${label(s.e)}: ${plural(s.flows!.value.accepted, 'accepted flow')}${s.flows!.value.last ? `, the last on ${new Date(s.flows!.value.last * 1000).toISOString().slice(0, 10)}` : ''}`
    const only = busy.filter((s) => s.e.groups !== null && s.e.groups.length === 1 && s.e.groups[0] === groupId)
    if (only.length)
      return outcome(
        'yes',
        `${only.map(text).join('; ')} — ${only.length === 1 ? 'this interface is' : 'these interfaces are'} in no group but the default one, so every accepted flow passed the default group's rules: removing them cuts ${only.length === 1 ? 'it' : 'them'} off`,
        { evidence: ev, certainty: 'proven', sources, windowed: true, timeline: link }
      )
    if (busy.length)
      return outcome(
        'unknown',
        `${busy.map(text).join('; ')} — ${busy.length === 1 ? 'the interface is' : 'these interfaces are'} in other groups too (or their groups are not in evidence), and a flow log does not say which group's rule let a flow through`,
        { evidence: ev, sources, windowed: true, timeline: link }
      )
    const cov = ctx.ev.coverage('aws.vpc-flow-logs', id, ctx.window)
    const missing = seen.filter((s) => !s.flows).map((s) => s.e.eni)
    if (cov.state === 'covered' && !missing.length)
      return outcome('no', `flow logs cover every interface of the default group over ${windowText(ctx.window)} without a gap, and none accepted a flow`, {
        evidence: [...seen.map((s) => s.flows!.evidence), cov.evidence],
        certainty: 'proven',
        sources,
        windowed: true,
        timeline: link
      })
    return outcome(
      'unknown',
      `no accepted flow was seen, but ${coverageText(cov, "VPC flow logs of the default group's interfaces")}${missing.length ? `; no flow log in evidence for ${missing.join(', ')}` : ''}`,
      { evidence: [...seen.filter((s) => s.flows).map((s) => s.flows!.evidence), cov.evidence], sources, windowed: true, timeline: link }
    )
  }
})

export const DEFAULT_SG_STEPS = [stillOpen, attached, traffic]
