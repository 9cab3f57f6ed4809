// Step functions for security groups, for a named port set (aws.ec2.sg-open-admin-ports: 22/3389;
// aws.ec2.sg-open-high-risk-ports: EC2.19's high-risk ports): is the group still open to the
// internet on those ports (the control evaluator reads the rules), what is it attached to, and did
// anyone outside the approved ranges open real sessions to those ports (flow logs).
import { z } from 'zod'
import { securityGroupVerdict } from './evaluate'
import { parseCidr } from '../../semantics/cidr'
import { ADMIN_PORTS, noneOf, portList, type PortSet } from '../../semantics/port-sets'
import { ipPermissionsOf } from '../../semantics/inventory-items'
import { adminFlowsOutside, inCidr, PRIVATE_RANGES } from '../../case/facts'
import { coverageText, day, inWindow, outcome, plural, timelineLink, windowText } from '../step-common'
import { defineStep, type StepContext, type StepFunction } from '../step'
import { LastmileError } from '../../errors'
import { admittedBy, MAX_ADMITTED_SOURCES, planSgFix, type SgPlan, type SgUse } from './sg-plan'
import { fleetGap } from './fleets'

const GROUP = ['aws.ec2.security-group'] as const

function configOf(ctx: StepContext) {
  return ctx.ev.config(ctx.finding.resource.id, 'sg.config')
}

/** Which instances and network interfaces use the group (EC2 inventory): the same step for every port question. */
export function attachedStep(name: string): StepFunction {
  return defineStep({
    name,
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
  }) as StepFunction
}

/**
 * The step functions that ask a named port set's questions (SSH/RDP for aws.ec2.sg-open-admin-ports,
 * named sg.*; the high-risk ports for aws.ec2.sg-open-high-risk-ports, named sg.high-risk.*).
 */
export function securityGroupSteps(set: PortSet): StepFunction[] {
  const numbers = set.ports.map((a) => a.port)
  const stepName = (base: string): string => (set.id === 'admin' ? `sg.${base}` : `sg.${set.id}.${base}`)
  const openToInternet = defineStep({
    name: stepName('open-to-internet'),
    summary: `whether the group still admits the internet to ${set.id === 'admin' ? 'SSH (22) or RDP (3389)' : `${set.label} (${portList(numbers)})`}, as the control evaluator reads its inbound rules`,
    resourceTypes: GROUP,
    params: z.object({}).strict(),
    run(ctx) {
      const cfg = configOf(ctx)
      if (!cfg) return outcome('unknown', "the group is not in the evidence's security-groups.json, so its rules are unknown", { sources: ['aws.inventory'] })
      // The evidence stage keeps the rules in its own words; the evaluator reads AWS's.
      const perms = ipPermissionsOf(cfg.value.ingress)
      const { verdict } = securityGroupVerdict({ IpPermissions: perms }, set)
      const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: ['aws.inventory' as const] }
      if (verdict.status === 'FAIL') return outcome('yes', verdict.reason, o)
      if (verdict.status === 'PASS') return outcome('no', `${verdict.reason}: the fix would change nothing`, o)
      return outcome('unknown', verdict.reason, o)
    }
  })

  const attached = attachedStep(stepName('attached'))

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
    name: set.id === 'admin' ? 'sg.admin-sessions-from-outside' : stepName('sessions-from-outside'),
    summary: `accepted ${set.sessions} (not SYN-only scans) from addresses outside the private and approved ranges, from VPC flow logs of every interface in the group; "no" needs every interface covered, the Auto Scaling groups listed with none launching into the group, and no interface of it an ECS task's or a Kubernetes pod's (what a fleet launched and ended within the window is in no inventory)`,
    resourceTypes: GROUP,
    params: z
      .object({
        ports: z
          .array(z.number().int().min(1).max(65535))
          .min(1)
          .default([...numbers]),
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
      const plan = planOf(ctx, set)
      const remaining = plan && 'plan' in plan ? plan.plan.revoke.remaining : null
      const keptByOther = (f: { src: string; port: number }): boolean =>
        remaining !== null && admittedBy(remaining, 6, f.port, f.src.includes(':') ? `${f.src}/128` : `${f.src}/32`)
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
          `${plural(sessions, 'accepted session')} to port ${[...new Set(flows.map((f) => f.port))].sort((a, b) => a - b).join('/')} from ${plural(bySource.length, 'address', 'addresses')} outside private space${approved} (${bySource.slice(0, 5).join(', ')}${bySource.length > 5 ? ', …' : ''}), the last on ${day(last)} on ${[...new Set(flows.map((f) => f.eni))].join(', ')}: ${set.id === 'admin' ? 'someone administers through this rule and would be locked out' : 'someone uses these ports from the internet through this rule and would be cut off'} — proven: each of these flows carried four or more packets with data, which a SYN scan or a SYN-then-RST probe never does`,
          { evidence: ev, certainty: 'proven', sources, windowed: true, timeline: link }
        )
      }
      if (r.uncheckable.sessions > 0) {
        return outcome(
          'unknown',
          `${plural(r.uncheckable.sessions, 'session')} to ${set.short} came from sources the evidence counted but did not itemise (too many sources on one interface), so whether they were outside the approved ranges cannot be told`,
          {
            evidence: ev,
            sources,
            windowed: true,
            timeline: link
          }
        )
      }
      const notItemised = p.ports.filter((port) => !(facts.securityGroup?.itemisedPorts ?? ADMIN_PORTS.map((a) => a.port)).includes(port))
      if (notItemised.length)
        return outcome(
          'unknown',
          `the flow logs were read by an earlier version of Lastmile that itemised the sources of 22 and 3389 only, not of ${portList(notItemised, 'and')}: add the bundle again`,
          { evidence: ev, sources, windowed: true, timeline: link }
        )
      const cov = ctx.ev.coverage('aws.vpc-flow-logs', id, ctx.window)
      const scanText = scans.length
        ? `; ${plural(
            scans.reduce((n, f) => n + f.synOnly, 0),
            'probe'
          )} from ${plural(new Set(scans.map((f) => f.src)).size, 'address', 'addresses')} (at most three packets or no data: SYN scans, SYN then RST) were scans, not sessions`
        : ''
      const fleets = cov.state === 'covered' ? fleetGap(ctx) : null
      if (fleets?.gap)
        return outcome(
          'unknown',
          `flow logs cover every interface of the group today over ${windowText(ctx.window)} without a gap, and show no session from outside${keptText}${scanText}; but ${fleets.gap}`,
          { evidence: [...ev, cov.evidence, fleets.evidence], sources: [...sources, 'aws.inventory'], windowed: true, timeline: link }
        )
      if (fleets) {
        return outcome(
          'no',
          `flow logs cover every interface of the group over ${windowText(ctx.window)} without a gap: no accepted session to ${p.ports.join('/') === numbers.join('/') ? set.short : `port ${p.ports.join('/')}`} from outside private space${approved} through the ranges the fix revokes${keptText}${scanText}`,
          {
            evidence: [...ev, cov.evidence, fleets.evidence],
            certainty: 'proven',
            sources: [...sources, 'aws.inventory'],
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
  function planOf(ctx: StepContext, set: PortSet): { plan: SgPlan; evidence: string[][] } | { none: string } | null {
    const cfg = configOf(ctx)
    if (!cfg) return null
    const sg = ctx.ev.facts(ctx.finding.resource.id).securityGroup
    const use: SgUse | null = sg
      ? {
          enis: sg.enis,
          flowEnis: sg.flowEnis ?? [],
          adminFlows: sg.adminFlows,
          adminFlowsOverflow: sg.adminFlowsOverflow,
          portFlowsOverflow: sg.portFlowsOverflow ?? [],
          itemisedPorts: sg.itemisedPorts,
          servedPorts: sg.servedPorts ?? [],
          servedIncomplete: sg.servedIncomplete ?? []
        }
      : null
    try {
      return { plan: planSgFix(cfg.value.groupId, cfg.value.ingress, use, ctx.window?.from ?? null, set), evidence: [cfg.evidence, sg?.flowEvidence ?? []] }
    } catch (e) {
      if (e instanceof LastmileError) return { none: e.message }
      throw e
    }
  }

  const allTrafficFromInternet = defineStep({
    name: stepName('all-traffic-from-internet'),
    summary: `whether a rule the fix revokes also serves ports other than ${set.short} (all traffic, or a port range such as tcp 0-65535), and which of those ports the flow logs show in use through it: the plan authorizes those ports from the same range before it revokes the rule`,
    resourceTypes: GROUP,
    params: z.object({}).strict(),
    run(ctx) {
      const r = planOf(ctx, set)
      if (!r) return outcome('unknown', "the group is not in the evidence's security-groups.json, so its rules are unknown", { sources: ['aws.inventory'] })
      if ('none' in r)
        return outcome('no', `${noneOf(set)} is open to the internet: nothing is revoked, so no other port is affected`, { certainty: 'proven', sources: ['aws.inventory'] })
      const { plan } = r
      const o = { evidence: r.evidence, certainty: 'proven' as const, sources: ['aws.inventory' as const, 'aws.vpc-flow-logs' as const], windowed: true }
      if (!plan.wide.length) return outcome('no', `every rule the fix revokes opens only ${set.id === 'admin' ? '22 or 3389' : set.short}: no other port is closed with it`, o)
      const rules = plan.wide.map((w) => `${w.name} admits ${w.cidrs.join(' and ')} to more than ${set.id === 'admin' ? '22 and 3389' : set.short}`).join('; ')
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
    name: stepName('sources-through-open-rule'),
    summary: `whether addresses seen in ${set.sessions} (private, approved or not) come in only through the ranges the fix revokes — then the plan admits each of them to the port it used before revoking; more than a handful, or sources the evidence did not itemise, is unknown`,
    resourceTypes: GROUP,
    params: z.object({}).strict(),
    run(ctx) {
      const r = planOf(ctx, set)
      const sources = ['aws.vpc-flow-logs' as const]
      if (!r) return outcome('unknown', "the group is not in the evidence's security-groups.json, so its rules are unknown", { sources: ['aws.inventory'] })
      if ('none' in r)
        return outcome('no', `${noneOf(set)} is open to the internet: nothing is revoked, so nobody loses the way in`, { certainty: 'proven', sources: ['aws.inventory'] })
      const { plan } = r
      const o = { evidence: r.evidence, sources, windowed: true }
      if (plan.tooManySources !== null) {
        return outcome(
          'unknown',
          `${plural(plan.tooManySources, 'address', 'addresses')} reached ${set.short} in sessions that only the revoked ranges admit: too many to admit one by one (at most ${MAX_ADMITTED_SOURCES}); a person must choose the range to admit`,
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
      return outcome(
        'no',
        `no address seen in ${set.id === 'admin' ? 'an SSH/RDP session' : `a ${set.session}`} ${windowText(ctx.window)} depends on the revoked ranges (none, or another rule admits it)`,
        {
          ...o,
          certainty: 'proven'
        }
      )
    }
  })
  return [openToInternet, allTrafficFromInternet, attached, adminSessionsFromOutside, sourcesThroughOpenRule] as StepFunction[]
}
