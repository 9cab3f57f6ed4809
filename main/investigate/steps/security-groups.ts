// Step functions for security groups (aws.ec2.sg-open-admin-ports): is the group still open to the
// internet on 22/3389 (the control evaluator reads the rules), what is it attached to, and did
// anyone outside the approved ranges open real sessions to those ports (flow logs).
import { z } from 'zod'
import { securityGroupVerdict } from '../../evaluate'
import { parseCidr } from '../../evaluate/cidr'
import type { IpPermission } from '../../evaluate/inventory'
import { adminFlowsOutside, PRIVATE_RANGES } from '../../evidence/service'
import { coverageText, day, inWindow, outcome, plural, timelineLink, windowText } from './common'
import { defineStep, type StepContext } from './types'

const GROUP = ['aws.ec2.security-group'] as const

interface SgConfig {
  groupId: string
  name: string | null
  ingress: Array<{ protocol: string; fromPort: number | null; toPort: number | null; cidrs: string[]; ipv6: string[]; prefixLists: string[]; groups: string[] }>
}

function configOf(ctx: StepContext): { value: SgConfig; evidence: string[] } | null {
  return ctx.ev.config<SgConfig>(ctx.finding.resource.id, 'sg.config')
}

export const openToInternet = defineStep({
  name: 'sg.open-to-internet',
  summary: 'whether the group still admits the internet to SSH (22) or RDP (3389), as the control evaluator reads its inbound rules',
  resourceTypes: GROUP,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return outcome('unknown', 'the group is not in the evidence\'s security-groups.json, so its rules are unknown', { sources: ['aws.inventory'] })
    // The evidence stage keeps the rules in its own words; the evaluator reads AWS's.
    const perms: IpPermission[] = cfg.value.ingress.map((r) => ({
      IpProtocol: r.protocol,
      FromPort: r.fromPort ?? undefined,
      ToPort: r.toPort ?? undefined,
      IpRanges: r.cidrs.map((c) => ({ CidrIp: c })),
      Ipv6Ranges: r.ipv6.map((c) => ({ CidrIpv6: c })),
      PrefixListIds: r.prefixLists.map((p) => ({ PrefixListId: p })),
      UserIdGroupPairs: r.groups.map((g) => ({ GroupId: g }))
    }))
    const { verdict } = securityGroupVerdict({ IpPermissions: perms })
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: ['aws.inventory' as const] }
    if (verdict.status === 'FAIL') return outcome('yes', verdict.reason, o)
    if (verdict.status === 'PASS') return outcome('no', `${verdict.reason}: the fix would change nothing`, o)
    return outcome('unknown', verdict.reason, o)
  }
})

export const attached = defineStep({
  name: 'sg.attached',
  summary: 'which instances and network interfaces use the group (EC2 inventory)',
  resourceTypes: GROUP,
  params: z.object({}).strict(),
  run(ctx) {
    const facts = ctx.ev.facts(ctx.finding.resource.id)
    const sg = facts.securityGroup
    const inv = ctx.ev.files().filter((f) => facts.account !== null && f.path === `aws/${facts.account}/inventory/ec2-instances.json` && f.status === 'read')
    const o = { evidence: [inv.map((f) => f.id), facts.dependencies.filter((d) => d.kind === 'instance-uses-security-group').flatMap((d) => d.evidence)], sources: ['aws.inventory' as const] }
    if (sg && (sg.instances.length || sg.enis.length)) {
      const names = sg.instances.map((i) => i.split('/').pop())
      return outcome('yes', `used by ${plural(sg.instances.length, 'instance')} (${names.join(', ')}) through ${plural(sg.enis.length, 'network interface')} (${sg.enis.join(', ')})`, { ...o, certainty: 'proven' })
    }
    if (!inv.length) return outcome('unknown', 'no EC2 inventory of the group\'s account is in evidence', o)
    return outcome('no', 'no instance in the EC2 inventory uses it (interfaces of load balancers, databases or Lambda functions are not in the bundle format, so this is inferred)', { ...o, certainty: 'inferred' })
  }
})

const cidr = z.string().refine((s) => parseCidr(s) !== null, 'a CIDR block like 198.51.100.0/24')

export const adminSessionsFromOutside = defineStep({
  name: 'sg.admin-sessions-from-outside',
  summary: 'accepted SSH/RDP sessions (not SYN-only scans) from addresses outside the private and approved ranges, from VPC flow logs of every interface in the group; "no" needs every interface covered',
  resourceTypes: GROUP,
  params: z
    .object({
      ports: z.array(z.number().int().min(1).max(65535)).min(1).default([22, 3389]),
      approvedRanges: z.array(cidr).default([])
    })
    .strict(),
  run(ctx, p) {
    const id = ctx.finding.resource.id
    const facts = ctx.ev.facts(id)
    const allowed = [...PRIVATE_RANGES, ...p.approvedRanges]
    const r = adminFlowsOutside(facts, allowed, p.ports)
    const flows = r.flows.filter((f) => f.sessions > 0 && inWindow(f.last, ctx.window))
    const scans = r.flows.filter((f) => f.sessions === 0 && inWindow(f.last, ctx.window))
    const sources = ['aws.vpc-flow-logs' as const]
    const events = ctx.ev.timeline([id], { from: ctx.window?.from, sources: ['aws.vpc-flow-logs'], summaries: false })
    const link = timelineLink(ctx, [id], ['aws.vpc-flow-logs'], events)
    const ev = [facts.securityGroup?.flowEvidence]
    const approved = p.approvedRanges.length ? ` or the approved ${p.approvedRanges.join(', ')}` : ''
    if (flows.length) {
      const sessions = flows.reduce((n, f) => n + f.sessions, 0)
      const bySource = [...new Set(flows.map((f) => f.src))].sort()
      const last = flows.map((f) => f.last).sort().pop() ?? null
      const flagsKnown = flows.every((f) => f.tcpFlags)
      return outcome(
        'yes',
        `${plural(sessions, 'accepted session')} to port ${[...new Set(flows.map((f) => f.port))].sort((a, b) => a - b).join('/')} from ${plural(bySource.length, 'address', 'addresses')} outside private space${approved} (${bySource.slice(0, 5).join(', ')}${bySource.length > 5 ? ', …' : ''}), the last on ${day(last)} on ${[...new Set(flows.map((f) => f.eni))].join(', ')}: someone administers through this rule and would be locked out — ${flagsKnown ? 'proven (TCP flags show full sessions, not scans)' : 'inferred (no tcp-flags in the logs: sessions told from scans by packet counts)'}`,
        { evidence: ev, certainty: flagsKnown ? 'proven' : 'inferred', sources, windowed: true, timeline: link }
      )
    }
    if (r.uncheckable.sessions > 0) {
      return outcome('unknown', `${plural(r.uncheckable.sessions, 'session')} to admin ports came from sources the evidence counted but did not itemise (too many sources on one interface), so whether they were outside the approved ranges cannot be told`, {
        evidence: ev,
        sources,
        windowed: true,
        timeline: link
      })
    }
    const cov = ctx.ev.coverage('aws.vpc-flow-logs', id, ctx.window)
    const scanText = scans.length ? `; ${plural(scans.reduce((n, f) => n + f.synOnly, 0), 'SYN-only attempt')} from ${plural(new Set(scans.map((f) => f.src)).size, 'address', 'addresses')} were scans, not sessions` : ''
    if (cov.state === 'covered') {
      return outcome('no', `flow logs cover every interface of the group over ${windowText(ctx.window)} without a gap: no accepted session to port ${p.ports.join('/')} from outside private space${approved}${scanText}`, {
        evidence: [...ev, cov.evidence],
        certainty: facts.securityGroup?.adminFlows.every((f) => f.tcpFlags) === false ? 'inferred' : 'proven',
        sources,
        windowed: true,
        timeline: link
      })
    }
    return outcome('unknown', `no session from outside was seen${scanText}, but ${coverageText(cov, 'VPC flow logs of the group\'s interfaces')}`, {
      evidence: [...ev, cov.evidence],
      sources,
      windowed: true,
      timeline: link
    })
  }
})

export const allTrafficFromInternet = defineStep({
  name: 'sg.all-traffic-from-internet',
  summary: 'whether a rule admits ALL traffic (every protocol and port) from the internet: closing the admin ports then means replacing that rule, which also serves whatever else the group exposes',
  resourceTypes: GROUP,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return outcome('unknown', 'the group is not in the evidence\'s security-groups.json, so its rules are unknown', { sources: ['aws.inventory'] })
    const all = cfg.value.ingress
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => r.protocol === '-1' && (r.cidrs.includes('0.0.0.0/0') || r.ipv6.includes('::/0')))
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: ['aws.inventory' as const] }
    if (all.length) {
      return outcome('yes', `${all.map(({ r, i }) => `rule ${i + 1} admits every protocol and port from ${[...r.cidrs, ...r.ipv6].filter((c) => c === '0.0.0.0/0' || c === '::/0').join(' and ')}`).join('; ')}: revoking it closes every port, not only 22 and 3389, so it must be replaced by rules for the ports the group really serves`, o)
    }
    return outcome('no', 'no rule admits all traffic from the internet: the fix touches only the rules that reach 22 or 3389', o)
  }
})

export const SG_STEPS = [openToInternet, allTrafficFromInternet, attached, adminSessionsFromOutside]
