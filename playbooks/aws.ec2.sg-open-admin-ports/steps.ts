// Step functions for security groups (aws.ec2.sg-open-admin-ports): is the group still open to the
// internet on 22/3389 (the control evaluator reads the rules), what is it attached to, and did
// anyone outside the approved ranges open real sessions to those ports (flow logs).
import { z } from 'zod'
import { securityGroupVerdict } from './evaluate'
import { parseCidr } from '../../main/semantics/cidr'
import { ADMIN_PORTS } from '../../main/semantics/port-sets'
import { ipPermissionsOf } from '../../main/semantics/inventory-items'
import { adminFlowsOutside, inCidr, PRIVATE_RANGES } from '../../main/case/facts'
import { coverageText, day, inWindow, outcome, plural, timelineLink, windowText } from '../../main/controls/step-common'
import { defineStep, type StepContext } from '../../main/controls/step'
import { LastmileError } from '../../main/errors'
import { admittedBy, MAX_ADMITTED_SOURCES, planSgFix, type SgPlan, type SgUse } from './sg-plan'

const GROUP = ['aws.ec2.security-group'] as const

function configOf(ctx: StepContext) {
  return ctx.ev.config(ctx.finding.resource.id, 'sg.config')
}

export const openToInternet = defineStep({
  name: 'sg.open-to-internet',
  summary: 'whether the group still admits the internet to SSH (22) or RDP (3389), as the control evaluator reads its inbound rules',
  resourceTypes: GROUP,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return outcome('unknown', "the group is not in the evidence's security-groups.json, so its rules are unknown", { sources: ['aws.inventory'] })
    // The evidence stage keeps the rules in its own words; the evaluator reads AWS's.
    const perms = ipPermissionsOf(cfg.value.ingress)
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
    const o = {
      evidence: [inv.map((f) => f.id), facts.dependencies.filter((d) => d.kind === 'instance-uses-security-group').flatMap((d) => d.evidence)],
      sources: ['aws.inventory' as const]
    }
    if (sg && (sg.instances.length || sg.enis.length)) {
      const names = sg.instances.map((i) => i.split('/').pop())
      return outcome(
        'yes',
        `used by ${plural(sg.instances.length, 'instance')} (${names.join(', ')}) through ${plural(sg.enis.length, 'network interface')} (${sg.enis.join(', ')})`,
        { ...o, certainty: 'proven' }
      )
    }
    if (!inv.length) return outcome('unknown', "no EC2 inventory of the group's account is in evidence", o)
    return outcome(
      'no',
      'no instance in the EC2 inventory uses it (interfaces of load balancers, databases or Lambda functions are not in the bundle format, so this is inferred)',
      { ...o, certainty: 'inferred' }
    )
  }
})

/**
 * The coverage text, naming every interface of the group that has no flow log at all (the shared
 * coverage text names gaps by reason; an interface without a log is exactly where an unseen
 * session would be).
 */
function flowCoverageText(cov: Parameters<typeof coverageText>[0], enis: readonly string[], flowEnis: readonly string[]): string {
  const text = coverageText(cov, "VPC flow logs of the group's interfaces")
  const missing = enis.filter((e) => !flowEnis.includes(e) && !text.includes(e))
  // each gap of a per-interface source names its interface first ("eni-…: …")
  const gappy = [...new Set(cov.gaps.map((g) => /^(eni-[0-9a-f]+):/.exec(g.detail)?.[1]).filter((e): e is string => !!e && !missing.includes(e) && !text.includes(e)))]
  const parts = [missing.length ? `no flow log in evidence for ${missing.join(', ')}` : '', gappy.length ? `the gaps are on ${gappy.join(', ')}` : ''].filter(Boolean)
  return parts.length ? `${text}; ${parts.join('; ')}` : text
}

const cidr = z.string().refine((s) => parseCidr(s) !== null, 'a CIDR block like 198.51.100.0/24')

const adminSessionsFromOutside = defineStep({
  name: 'sg.admin-sessions-from-outside',
  summary:
    'accepted SSH/RDP sessions (not SYN-only scans) from addresses outside the private and approved ranges, from VPC flow logs of every interface in the group; "no" needs every interface covered',
  resourceTypes: GROUP,
  params: z
    .object({
      ports: z
        .array(z.number().int().min(1).max(65535))
        .min(1)
        .default(ADMIN_PORTS.map((a) => a.port)),
      approvedRanges: z.array(cidr).default([])
    })
    .strict(),
  run(ctx, p) {
    const id = ctx.finding.resource.id
    const facts = ctx.ev.facts(id)
    const allowed = [...PRIVATE_RANGES, ...p.approvedRanges]
    const r = adminFlowsOutside(facts, allowed, p.ports)
    // A session from an address another rule admits (an office range beside 0.0.0.0/0) does not
    // come in through the ranges the fix revokes: the fix keeps it, so it locks nobody out.
    const plan = planOf(ctx)
    const remaining = plan && 'plan' in plan ? plan.plan.revoke.remaining : null
    const keptByOther = (f: { src: string; port: number }): boolean => remaining !== null && admittedBy(remaining, 6, f.port, f.src.includes(':') ? `${f.src}/128` : `${f.src}/32`)
    const inUse = r.flows.filter((f) => f.sessions > 0 && inWindow(f.last, ctx.window))
    const flows = inUse.filter((f) => !keptByOther(f))
    const kept = [...new Set(inUse.filter(keptByOther).map((f) => f.src))].sort()
    const keptText = kept.length
      ? `; sessions from ${kept.slice(0, 5).join(', ')}${kept.length > 5 ? ', …' : ''} come in through another rule of the group, which the fix keeps`
      : ''
    const scans = r.flows.filter((f) => f.sessions === 0 && inWindow(f.last, ctx.window))
    const sources = ['aws.vpc-flow-logs' as const]
    const events = ctx.ev.timeline([id], { from: ctx.window?.from, sources: ['aws.vpc-flow-logs'], summaries: false })
    const link = timelineLink(ctx, [id], ['aws.vpc-flow-logs'], events)
    const ev = [facts.securityGroup?.flowEvidence]
    const approved = p.approvedRanges.length ? ` or the approved ${p.approvedRanges.join(', ')}` : ''
    if (flows.length) {
      const sessions = flows.reduce((n, f) => n + f.sessions, 0)
      const bySource = [...new Set(flows.map((f) => f.src))].sort()
      const last =
        flows
          .map((f) => f.last)
          .sort()
          .pop() ?? null
      return outcome(
        'yes',
        `${plural(sessions, 'accepted session')} to port ${[...new Set(flows.map((f) => f.port))].sort((a, b) => a - b).join('/')} from ${plural(bySource.length, 'address', 'addresses')} outside private space${approved} (${bySource.slice(0, 5).join(', ')}${bySource.length > 5 ? ', …' : ''}), the last on ${day(last)} on ${[...new Set(flows.map((f) => f.eni))].join(', ')}: someone administers through this rule and would be locked out — proven: each of these flows carried four or more packets with data, which a SYN scan or a SYN-then-RST probe never does`,
        { evidence: ev, certainty: 'proven', sources, windowed: true, timeline: link }
      )
    }
    if (r.uncheckable.sessions > 0) {
      return outcome(
        'unknown',
        `${plural(r.uncheckable.sessions, 'session')} to admin ports came from sources the evidence counted but did not itemise (too many sources on one interface), so whether they were outside the approved ranges cannot be told`,
        {
          evidence: ev,
          sources,
          windowed: true,
          timeline: link
        }
      )
    }
    const cov = ctx.ev.coverage('aws.vpc-flow-logs', id, ctx.window)
    const scanText = scans.length
      ? `; ${plural(
          scans.reduce((n, f) => n + f.synOnly, 0),
          'probe'
        )} from ${plural(new Set(scans.map((f) => f.src)).size, 'address', 'addresses')} (at most three packets or no data: SYN scans, SYN then RST) were scans, not sessions`
      : ''
    if (cov.state === 'covered') {
      return outcome(
        'no',
        `flow logs cover every interface of the group over ${windowText(ctx.window)} without a gap: no accepted session to port ${p.ports.join('/')} from outside private space${approved} through the ranges the fix revokes${keptText}${scanText}`,
        {
          evidence: [...ev, cov.evidence],
          certainty: 'proven',
          sources,
          windowed: true,
          timeline: link
        }
      )
    }
    return outcome(
      'unknown',
      `no session from outside was seen${keptText}${scanText}, but ${flowCoverageText(cov, facts.securityGroup?.enis ?? [], facts.securityGroup?.flowEnis ?? [])}`,
      {
        evidence: [...ev, cov.evidence],
        sources,
        windowed: true,
        timeline: link
      }
    )
  }
})

/** The fix the plan will render, computed from the same rules and flow facts (sg-plan.ts). */
function planOf(ctx: StepContext): { plan: SgPlan; evidence: string[][] } | { none: string } | null {
  const cfg = configOf(ctx)
  if (!cfg) return null
  const sg = ctx.ev.facts(ctx.finding.resource.id).securityGroup
  const use: SgUse | null = sg
    ? {
        enis: sg.enis,
        flowEnis: sg.flowEnis ?? [],
        adminFlows: sg.adminFlows,
        adminFlowsOverflow: sg.adminFlowsOverflow,
        servedPorts: sg.servedPorts ?? [],
        servedIncomplete: sg.servedIncomplete ?? []
      }
    : null
  try {
    return { plan: planSgFix(cfg.value.groupId, cfg.value.ingress, use, ctx.window?.from ?? null), evidence: [cfg.evidence, sg?.flowEvidence ?? []] }
  } catch (e) {
    if (e instanceof LastmileError) return { none: e.message }
    throw e
  }
}

const allTrafficFromInternet = defineStep({
  name: 'sg.all-traffic-from-internet',
  summary:
    'whether a rule the fix revokes also serves ports other than 22/3389 (all traffic, or a port range such as tcp 0-65535), and which of those ports the flow logs show in use through it: the plan authorizes those ports from the same range before it revokes the rule',
  resourceTypes: GROUP,
  params: z.object({}).strict(),
  run(ctx) {
    const r = planOf(ctx)
    if (!r) return outcome('unknown', "the group is not in the evidence's security-groups.json, so its rules are unknown", { sources: ['aws.inventory'] })
    if ('none' in r)
      return outcome('no', 'neither 22 nor 3389 is open to the internet: nothing is revoked, so no other port is affected', { certainty: 'proven', sources: ['aws.inventory'] })
    const { plan } = r
    const o = { evidence: r.evidence, certainty: 'proven' as const, sources: ['aws.inventory' as const, 'aws.vpc-flow-logs' as const], windowed: true }
    if (!plan.wide.length) return outcome('no', 'every rule the fix revokes opens only 22 or 3389: no other port is closed with it', o)
    const rules = plan.wide.map((w) => `${w.name} admits ${w.cidrs.join(' and ')} to more than 22 and 3389`).join('; ')
    const ports = plan.keep.filter((k) => k.kind === 'port')
    const seen = ports.length ? `the flow logs show in use through it ${ports.map((k) => k.text).join('; ')}` : ''
    if (plan.unknown.length) {
      return outcome(
        'yes',
        `${rules}: ${seen ? `${seen}, but ` : ''}which ports are in use through it cannot all be listed (${plan.unknown.join('; ')}), so no plan is made for it: replace it by hand with the ports the group must serve`,
        o
      )
    }
    const inUse = ports.length
      ? `${seen} — the plan authorizes ${ports.length === 1 ? 'that port' : 'those ports'} from the same range first, then revokes the rule`
      : `the flow logs show no other port in use through it ${windowText(ctx.window)}, so the plan revokes it without adding any port back`
    return outcome('yes', `${rules}: ${inUse}`, o)
  }
})

const sourcesThroughOpenRule = defineStep({
  name: 'sg.sources-through-open-rule',
  summary:
    'whether addresses seen in SSH/RDP sessions (private, approved or not) come in only through the ranges the fix revokes — then the plan admits each of them to the port it used before revoking; more than a handful, or sources the evidence did not itemise, is unknown',
  resourceTypes: GROUP,
  params: z.object({}).strict(),
  run(ctx) {
    const r = planOf(ctx)
    const sources = ['aws.vpc-flow-logs' as const]
    if (!r) return outcome('unknown', "the group is not in the evidence's security-groups.json, so its rules are unknown", { sources: ['aws.inventory'] })
    if ('none' in r)
      return outcome('no', 'neither 22 nor 3389 is open to the internet: nothing is revoked, so nobody loses the way in', { certainty: 'proven', sources: ['aws.inventory'] })
    const { plan } = r
    const o = { evidence: r.evidence, sources, windowed: true }
    if (plan.tooManySources !== null) {
      return outcome(
        'unknown',
        `${plural(plan.tooManySources, 'address', 'addresses')} reached 22/3389 in sessions that only the revoked ranges admit: too many to admit one by one (at most ${MAX_ADMITTED_SOURCES}); a person must choose the range to admit`,
        o
      )
    }
    const admits = plan.keep.filter((k) => k.kind === 'source')
    if (admits.length) {
      const short = plan.unknown.length ? `; other addresses may be missed: ${plan.unknown.join('; ')}` : ''
      const outside = admits.map((k) => k.source ?? '').filter((a) => !PRIVATE_RANGES.some((c) => inCidr(a, c)))
      const note = outside.length
        ? ` (${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside private space: whether the finding may be planned at all is the outside-sessions step's answer)`
        : ''
      return outcome(
        'yes',
        `no other rule admits ${admits.length === 1 ? 'this address' : `these ${admits.length} addresses`}, so ${admits.length === 1 ? 'it comes' : 'they come'} in through the open rule: ${admits.map((k) => k.text).join('; ')} — the plan admits ${admits.length === 1 ? 'it' : 'each'} to the port used before revoking the open range${note}${short}`,
        { ...o, certainty: 'proven' }
      )
    }
    if (plan.unknown.length) return outcome('unknown', `no address seen in a session depends on the revoked ranges, but ${plan.unknown.join('; ')}`, o)
    // Nobody seen is not nobody: an administrator who logged in before a flow log was turned on
    // is unseen, so 'no' needs the whole window covered on every interface.
    const cov = ctx.ev.coverage('aws.vpc-flow-logs', ctx.finding.resource.id, ctx.window)
    const sg = ctx.ev.facts(ctx.finding.resource.id).securityGroup
    if (cov.state !== 'covered')
      return outcome('unknown', `no address seen in a session depends on the revoked ranges, but ${flowCoverageText(cov, sg?.enis ?? [], sg?.flowEnis ?? [])}`, {
        ...o,
        evidence: [...o.evidence, cov.evidence]
      })
    return outcome('no', `no address seen in an SSH/RDP session ${windowText(ctx.window)} depends on the revoked ranges (none, or another rule admits it)`, {
      ...o,
      certainty: 'proven'
    })
  }
})

export const SG_STEPS = [openToInternet, allTrafficFromInternet, attached, adminSessionsFromOutside, sourcesThroughOpenRule]
