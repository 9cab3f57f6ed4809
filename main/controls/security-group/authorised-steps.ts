// Step functions for Security Hub EC2.18 (authorised-ports.ts): is a TCP/UDP port other than the
// authorised ones still open to the internet, what uses the group, and did anyone use a port the fix
// closes, from VPC flow logs.
//
// What the flow logs can say about arbitrary ports: the reader itemises sources only for the named
// sets' ports (22 and 3389 here in full); every other port is a "served port" with its sessions, its
// sessions from outside private space and up to 50 of those public sources
// (main/evidence/vpc-flow-logs.ts). So public clients of a closed port are proven (UNSAFE), but
// private clients reaching the group through the open range cannot be told from those another rule
// admits: any session on a port the fix closes leaves the answer open (RISKY), and only flow logs
// covering every interface over the whole window with no session on those ports prove nobody uses them.
import { z } from 'zod'
import type { IpPermission } from '../../semantics/inventory'
import { ipPermissionsOf } from '../../semantics/inventory-items'
import { ADMIN_PORTS } from '../../semantics/port-sets'
import { isPrivateAddress } from '../../semantics/cidr'
import { coverageText, inWindow, outcome, plural, windowText } from '../step-common'
import { defineStep, type StepContext, type StepFunction } from '../step'
import { LastmileError } from '../../errors'
import { attachedStep } from './steps'
import { admittedBy, type SgPlan } from './sg-plan'
import { fleetGap } from './fleets'
import { authorisedPortsVerdict, planAuthorisedFix, revokedRanges, type AuthorisedResolution } from './authorised-ports'
import { reaches } from './evaluate'
import type { SgRuleConfig } from '../../semantics/facets'

const GROUP = ['aws.ec2.security-group'] as const

/** One port the group served through a range the fix revokes, as the flow logs count it. */
export interface ClosedPortUse {
  /** "8443/tcp" */
  port: string
  sessions: number
  /** sessions from outside private space through the revoked range; null: not counted (an earlier reading) */
  publicSessions: number | null
  publicSources: string[]
  last: string
}

const PROTO: Record<number, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' }

/**
 * Does the fix close `proto`/`port` to `family` traffic: a revoked range of that family reaches it and
 * neither a rule that stays nor one the plan adds admits that range to it.
 */
function closes(plan: SgPlan, rules: readonly SgRuleConfig[], proto: number, port: number, v4: boolean, v6: boolean): boolean {
  const after: IpPermission[] = [...plan.revoke.remaining, ...plan.keep.map((k) => k.permission as IpPermission)]
  return revokedRanges(plan.revoke, rules).some((r) => {
    if (r.cidr.includes(':') ? !v6 : !v4) return false
    const all = r.rule.IpProtocol === '-1'
    const reached = all || ((proto === 6 || proto === 17) && reaches(r.rule, port, proto === 6 ? 'tcp' : 'udp') === 'yes')
    return reached && !admittedBy(after, proto, port, r.cidr)
  })
}

/** The sessions since `from` on ports the fix closes: served ports, and the itemised SSH/RDP flows. */
export function closedPortUse(
  plan: SgPlan,
  rules: readonly SgRuleConfig[],
  sg: NonNullable<ReturnType<StepContext['ev']['facts']>['securityGroup']>,
  window: StepContext['window']
): ClosedPortUse[] {
  const out = new Map<string, ClosedPortUse>()
  const after: IpPermission[] = [...plan.revoke.remaining, ...plan.keep.map((k) => k.permission as IpPermission)]
  for (const s of sg.servedPorts) {
    if (s.sessions === 0 || !inWindow(s.last, window) || !closes(plan, rules, s.protocol, s.port, s.ipv4, s.ipv6)) continue
    const k = `${s.port === -1 ? '' : `${s.port}/`}${PROTO[s.protocol] ?? `protocol ${s.protocol}`}`
    const a = out.get(k) ?? { port: k, sessions: 0, publicSessions: 0, publicSources: [], last: s.last }
    a.sessions += s.sessions
    // a public source another rule admits does not come in through the revoked range; with the list
    // cut at 50, the uncounted ones might
    const sources = s.publicSources ?? []
    const kept = sources.filter((src) => admittedBy(after, s.protocol, s.port, src.includes(':') ? `${src}/128` : `${src}/32`))
    const through = s.publicSessions === undefined ? null : kept.length === sources.length && sources.length < 50 && kept.length > 0 ? 0 : s.publicSessions
    a.publicSessions = a.publicSessions === null || through === null ? null : a.publicSessions + through
    a.publicSources = [...new Set([...a.publicSources, ...sources.filter((x) => !kept.includes(x))])].sort()
    if (s.last > a.last) a.last = s.last
    out.set(k, a)
  }
  for (const f of sg.adminFlows) {
    if (!ADMIN_PORTS.some((p) => p.port === f.port) || f.sessions === 0 || !inWindow(f.last, window)) continue
    const host = f.src.includes(':') ? `${f.src}/128` : `${f.src}/32`
    if (!closes(plan, rules, 6, f.port, !f.src.includes(':'), f.src.includes(':')) || admittedBy(after, 6, f.port, host)) continue
    const k = `${f.port}/tcp`
    const a = out.get(k) ?? { port: k, sessions: 0, publicSessions: 0, publicSources: [], last: f.last }
    a.sessions += f.sessions
    if (!isPrivateAddress(f.src)) {
      a.publicSessions = a.publicSessions === null ? null : a.publicSessions + f.sessions
      a.publicSources = [...new Set([...a.publicSources, f.src])].sort()
    }
    if (f.last > a.last) a.last = f.last
    out.set(k, a)
  }
  return [...out.values()].sort((a, b) => b.sessions - a.sessions || a.port.localeCompare(b.port))
}

/**
 * The step functions of a control that closes every TCP/UDP port but the authorised ones (EC2.18);
 * `authorisedFor` says which ports are authorised for a finding (its alerts' parameters, else the defaults).
 */
export function authorisedPortsSteps(authorisedFor: (ctx: StepContext) => AuthorisedResolution): StepFunction[] {
  const configOf = (ctx: StepContext) => ctx.ev.config(ctx.finding.resource.id, 'sg.config')
  const unresolved = (why: string) => outcome('unknown', `which ports are authorised for this finding is unknown: ${why}`, { sources: ['aws.inventory'] })

  const openToInternet = defineStep({
    name: 'sg.authorised.open-to-internet',
    summary: 'whether the group still admits the internet to a TCP or UDP port other than the authorised ones, as the control evaluator reads its inbound rules',
    resourceTypes: GROUP,
    params: z.object({}).strict(),
    run(ctx) {
      const cfg = configOf(ctx)
      if (!cfg) return outcome('unknown', "the group is not in the evidence's security-groups.json, so its rules are unknown", { sources: ['aws.inventory'] })
      const a = authorisedFor(ctx)
      if ('error' in a) return unresolved(a.error)
      const { verdict } = authorisedPortsVerdict({ IpPermissions: ipPermissionsOf(cfg.value.ingress) }, a.ports)
      const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: ['aws.inventory' as const] }
      const from = `; the authorised ports are ${a.from}`
      if (verdict.status === 'FAIL') return outcome('yes', `${verdict.reason}${from}`, o)
      if (verdict.status === 'PASS') return outcome('no', `${verdict.reason}: the fix would change nothing${from}`, o)
      return outcome('unknown', `${verdict.reason}${from}`, o)
    }
  })

  /** The plan, the facts of the group's flows and why "nobody" cannot be said (coverage). */
  function usage(ctx: StepContext) {
    const cfg = configOf(ctx)
    if (!cfg) return null
    const a = authorisedFor(ctx)
    if ('error' in a) return { unresolved: a.error }
    let plan: SgPlan
    try {
      plan = planAuthorisedFix(cfg.value.groupId, cfg.value.ingress, a.ports)
    } catch (e) {
      if (e instanceof LastmileError) return { none: e.message }
      throw e
    }
    const id = ctx.finding.resource.id
    const sg = ctx.ev.facts(id).securityGroup
    const cov = ctx.ev.coverage('aws.vpc-flow-logs', id, ctx.window)
    const gaps: string[] = []
    const enis = sg?.enis ?? []
    const noLog = enis.filter((e) => !(sg?.flowEnis ?? []).includes(e))
    if (!enis.length) gaps.push('no network interface of the group is in evidence')
    if (noLog.length) gaps.push(`no flow log in evidence for ${noLog.join(', ')}`)
    if (cov.state !== 'covered' && enis.length) gaps.push(coverageText(cov, "VPC flow logs of the group's interfaces"))
    for (const i of sg?.servedIncomplete ?? []) gaps.push(`${i.eni}: ${i.why}`)
    if ((sg?.adminFlowsOverflow.sessions ?? 0) > 0)
      gaps.push(`${plural(sg!.adminFlowsOverflow.sessions, 'session')} to 22/3389 came from sources the evidence counted but did not itemise`)
    const fleets = fleetGap(ctx)
    if (fleets.gap) gaps.push(fleets.gap)
    const uses = sg ? closedPortUse(plan, cfg.value.ingress, sg, ctx.window) : []
    const revoked = plan.revoke.permissions.length
    return { plan, uses, gaps, evidence: [cfg.evidence, sg?.flowEvidence ?? [], cov.evidence, fleets.evidence], revoked }
  }

  const list = (uses: readonly ClosedPortUse[], n: (u: ClosedPortUse) => number): string =>
    uses
      .filter((u) => n(u) > 0)
      .slice(0, 6)
      .map((u) => `${u.port}: ${plural(n(u), 'session')}, the last on ${u.last.slice(0, 10)}`)
      .join('; ')

  const outsideSessions = defineStep({
    name: 'sg.authorised.outside-sessions',
    summary:
      'sessions from outside private space, in VPC flow logs, to a port the fix closes through the ranges it revokes; "no" needs every interface covered, the Auto Scaling groups listed with none launching into the group, and no interface of it an ECS task\'s or a Kubernetes pod\'s',
    resourceTypes: GROUP,
    params: z.object({}).strict(),
    run(ctx) {
      const u = usage(ctx)
      const sources = ['aws.vpc-flow-logs' as const]
      if (!u) return outcome('unknown', "the group is not in the evidence's security-groups.json, so its rules are unknown", { sources: ['aws.inventory'] })
      if ('unresolved' in u && typeof u.unresolved === 'string') return unresolved(u.unresolved)
      if ('none' in u) return outcome('no', `nothing is revoked (${u.none}), so nobody is cut off`, { certainty: 'proven', sources: ['aws.inventory'] })
      const o = { evidence: u.evidence, sources, windowed: true }
      const pub = u.uses.filter((x) => (x.publicSessions ?? 0) > 0)
      if (pub.length) {
        const who = [...new Set(pub.flatMap((x) => x.publicSources))]
        return outcome(
          'yes',
          `clients outside private space used ports the fix closes ${windowText(ctx.window)} — ${list(pub, (x) => x.publicSessions ?? 0)}${who.length ? ` (from ${who.slice(0, 5).join(', ')}${who.length > 5 ? ', …' : ''})` : ''}: revoking the open range cuts them off`,
          { ...o, certainty: 'proven' }
        )
      }
      const uncounted = u.uses.filter((x) => x.publicSessions === null).map((x) => x.port)
      const gaps = [
        ...u.gaps,
        ...(uncounted.length
          ? [`the flow logs were read by an earlier version of Lastmile that did not count public sources on ${uncounted.join(', ')}; add the bundle again`]
          : [])
      ]
      if (gaps.length) return outcome('unknown', `no session from outside private space was seen on a port the fix closes, but ${gaps.join('; ')}`, o)
      return outcome('no', `flow logs cover every interface of the group ${windowText(ctx.window)}: no session from outside private space to a port the fix closes`, {
        ...o,
        certainty: 'proven'
      })
    }
  })

  const closedPortsInUse = defineStep({
    name: 'sg.authorised.closed-ports-in-use',
    summary:
      'whether any session (private or public) reached a port the fix closes through a range it revokes: private clients of an arbitrary port are counted, not itemised, so any such session leaves open whether they depend on the open range; "no" needs every interface covered, the Auto Scaling groups listed with none launching into the group, and no interface of it an ECS task\'s or a Kubernetes pod\'s',
    resourceTypes: GROUP,
    params: z.object({}).strict(),
    run(ctx) {
      const u = usage(ctx)
      const sources = ['aws.vpc-flow-logs' as const]
      if (!u) return outcome('unknown', "the group is not in the evidence's security-groups.json, so its rules are unknown", { sources: ['aws.inventory'] })
      if ('unresolved' in u && typeof u.unresolved === 'string') return unresolved(u.unresolved)
      if ('none' in u) return outcome('no', `nothing is revoked (${u.none}), so no port is closed`, { certainty: 'proven', sources: ['aws.inventory'] })
      const o = { evidence: u.evidence, sources, windowed: true }
      const kept = u.plan.keep.length ? `; the plan authorizes ${u.plan.keep.map((k) => k.text.split(':')[0]).join(', ')} back first` : ''
      if (u.uses.length)
        return outcome(
          'yes',
          `${list(u.uses, (x) => x.sessions)}${u.uses.length > 6 ? ', …' : ''} — ports the fix closes carried sessions ${windowText(ctx.window)}; ${
            u.uses.some((x) => x.publicSessions === null || x.sessions > x.publicSessions)
              ? 'the flow logs count their private clients without naming them, so whether those come in through the revoked range or through a rule the fix keeps cannot be told'
              : 'all of them from outside private space, through the revoked range'
          }${kept}`,
          { ...o, certainty: 'proven' }
        )
      if (u.gaps.length) return outcome('unknown', `no session was seen on a port the fix closes, but ${u.gaps.join('; ')}`, o)
      return outcome(
        'no',
        `flow logs cover every interface of the group ${windowText(ctx.window)} and show no session on any port the fix closes (only probes, if anything)${kept}`,
        { ...o, certainty: 'proven' }
      )
    }
  })

  return [openToInternet, attachedStep('sg.authorised.attached'), outsideSessions, closedPortsInUse] as StepFunction[]
}
