// Step functions of aws.guardduty.ec2-instance-threat: what GuardDuty saw and whether it still
// reports it (the finding's own record), and what isolating the instance would cut off — the load
// balancers and Auto Scaling group it serves in, the clients it serves and the peers it reaches
// (VPC flow logs of every interface, by remote address, with coverage) — and the role whose
// credentials isolation does not revoke.
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { coverageText, day, outcome, plural, windowText } from '../../main/controls/step-common'
import { threatSentence } from '../../main/semantics/guardduty-finding'
import { reportsOf } from '../../main/controls/guardduty'
import { eniKey } from '../../main/semantics/ids'
import type { FacetMap, PeerFlow } from '../../main/semantics/facets'

const INSTANCE = ['aws.ec2.instance'] as const
/** the finding's own record answers for any resource GuardDuty reports on (the IAM credential playbook names these steps too) */
const REPORTED = ['aws.ec2.instance', 'aws.iam.access-key'] as const
const inventory = ['aws.inventory' as const]
const flowLogs = ['aws.vpc-flow-logs' as const]

function configOf(ctx: StepContext): { value: FacetMap['ec2.config']; evidence: string[] } | null {
  return ctx.ev.config(ctx.finding.resource.id, 'ec2.config')
}

const instanceName = (ctx: StepContext) => ctx.finding.resource.name ?? ctx.finding.resource.id.split('/').pop() ?? ctx.finding.resource.id

const notInEvidence = (ctx: StepContext) =>
  outcome('unknown', `the instance ${instanceName(ctx)} is not in the evidence's EC2 inventory (inventory/ec2-instances.json)`, { sources: inventory })

const noReport = () =>
  outcome('unknown', "no alert of the finding is a GuardDuty finding record (ASFF from Security Hub or GuardDuty's export): what GuardDuty saw is not in the case", {})

const stillReported = defineStep({
  name: 'guardduty.still-reported',
  summary: "whether GuardDuty still reports the activity: the finding's own record (archived, count, first and last seen, updatedAt)",
  resourceTypes: REPORTED,
  params: z.object({}).strict(),
  run(ctx) {
    const rs = reportsOf(ctx)
    if (!rs.length) return noReport()
    const o = { evidence: [rs.map((r) => r.alert)], certainty: 'proven' as const }
    const archived = rs.filter((r) => r.archived === true || r.recordState === 'ARCHIVED')
    if (archived.length === rs.length) return outcome('no', `GuardDuty archived the finding (${archived.map((r) => r.type).join(', ')}): a person triaged it there`, o)
    const open = rs.filter((r) => !archived.includes(r))
    const text = open
      .map(
        (r) =>
          `${r.type ?? 'finding'} seen ${r.count === null ? 'an unknown number of times' : plural(r.count, 'time')}${r.firstSeen ? `, first ${day(r.firstSeen)}` : ''}${r.lastSeen ? `, last ${day(r.lastSeen)}` : ''}${r.updatedAt ? ` (updated ${day(r.updatedAt)})` : ''}`
      )
      .join('; ')
    const unsaid = open.filter((r) => r.archived === null)
    if (unsaid.length === open.length) return outcome('unknown', `${text}; the record does not say whether GuardDuty archived it`, { evidence: o.evidence })
    return outcome('yes', `GuardDuty still reports it, not archived: ${text}`, o)
  }
})

const threatDetails = defineStep({
  name: 'guardduty.threat-details',
  summary:
    'what GuardDuty saw: the action (connection, probe, DNS request, API call), its direction, the remote addresses, domain and ports, and whether the resource was the actor or the target',
  resourceTypes: REPORTED,
  params: z.object({}).strict(),
  run(ctx) {
    const rs = reportsOf(ctx)
    if (!rs.length) return noReport()
    const o = { evidence: [rs.map((r) => r.alert)], certainty: 'proven' as const }
    const text = rs.map(threatSentence).join('; ')
    if (rs.some((r) => r.remoteIps.length || r.domain)) return outcome('yes', `${text}: containment must cut this peer off`, o)
    return outcome('no', `${text}: the record names no remote address or domain`, o)
  }
})

/** The addresses GuardDuty names: the malicious peers, whose flows are the threat, not a use. */
function threatPeers(ctx: StepContext): Set<string> {
  return new Set(reportsOf(ctx).flatMap((r) => r.remoteIps))
}

const LB_FILE = /^aws\/(\d{12})\/inventory\/load-balancers\.json$/

const inService = defineStep({
  name: 'guardduty.instance-in-service',
  summary:
    'whether the instance serves behind a load balancer (a registered target, inventory/load-balancers.json) or belongs to an Auto Scaling group (its aws:autoscaling:groupName tag): isolation takes it out of service',
  resourceTypes: INSTANCE,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return notInEvidence(ctx)
    const c = cfg.value
    const facts = ctx.ev.facts(ctx.finding.resource.id)
    const lbs = facts.dependencies.filter((d) => d.kind === 'load-balancer-fronts')
    const asg = c.tags['aws:autoscaling:groupName'] ?? null
    const evidence = [cfg.evidence, ...lbs.map((d) => d.evidence)]
    const o = { evidence, certainty: 'proven' as const, sources: inventory }
    const what: string[] = []
    if (lbs.length) what.push(`it is a registered target of a load balancer: ${lbs.map((d) => d.detail).join('; ')}`)
    if (asg) what.push(`it belongs to the Auto Scaling group ${asg}, which may replace an instance that fails its health checks (terminating it, and the evidence on it)`)
    if (what.length) return outcome('yes', `${what.join('; ')}: isolating it takes it out of service`, o)
    const lbFile = ctx.ev.files().find((f) => LB_FILE.exec(f.path)?.[1] === c.account && f.status !== 'ignored')
    if (!lbFile)
      return outcome(
        'unknown',
        `no Auto Scaling tag on ${c.instanceId}, but the account's load balancers are not in the evidence (inventory/load-balancers.json): whether one sends it traffic is unknown`,
        { evidence: [cfg.evidence], sources: inventory }
      )
    return outcome('no', `no load balancer in ${lbFile.path} has ${c.instanceId} as a target, and it has no aws:autoscaling:groupName tag: no fleet counts on it`, {
      ...o,
      evidence: [cfg.evidence, [lbFile.id]]
    })
  }
})

interface PeerScan {
  /** peers other than GuardDuty's with sessions in the window */
  others: PeerFlow[]
  /** GuardDuty's peers seen in the flow logs */
  threat: PeerFlow[]
  /** why "none" cannot be said: interfaces without flow logs, coverage gaps, no direction */
  problems: string[]
  enis: string[]
  evidence: string[]
}

/** Accepted flows by remote address on every interface of the instance, in the window. */
function scanPeers(ctx: StepContext, c: FacetMap['ec2.config']): PeerScan {
  const bad = threatPeers(ctx)
  const from = ctx.window ? Date.parse(ctx.window.from) / 1000 : -Infinity
  const out: PeerScan = { others: [], threat: [], problems: [], enis: c.enis.map((e) => e.id), evidence: [] }
  if (!c.enis.length) out.problems.push(`the EC2 inventory lists no network interface of ${c.instanceId}`)
  for (const e of c.enis) {
    const key = eniKey(c.account, e.id)
    const f = ctx.ev.config(key, 'flows.peers')
    const cov = ctx.ev.coverage('aws.vpc-flow-logs', key, ctx.window)
    out.evidence.push(...(f?.evidence ?? []), ...cov.evidence)
    if (!f) {
      const older = ctx.ev.config(key, 'flows.interface')
      out.problems.push(
        older ? `${e.id}: its flow log was read by an earlier version of Lastmile that did not count peers; add the bundle again` : `${e.id}: no flow log in evidence`
      )
      continue
    }
    if (cov.state !== 'covered') out.problems.push(coverageText(cov, `${e.id}'s flow log`))
    if (f.value.directionUnknown) out.problems.push(`${e.id}: its flow log has no flow-direction field, so who opened a connection cannot be told`)
    if (f.value.overflow) out.problems.push(`${e.id}: ${plural(f.value.overflow.flows, 'flow')} past the peer cap were counted, not itemised`)
    for (const p of f.value.peers) {
      if (p.last < from) continue
      if (bad.has(p.peer)) out.threat.push(p)
      else if (p.inSessions + p.outSessions > 0) out.others.push(p)
    }
  }
  return out
}

const peerText = (ps: PeerFlow[], dir: 'in' | 'out'): string =>
  ps
    .slice(0, 6)
    .map((p) => {
      const ports = dir === 'in' ? p.localPorts : p.remotePorts
      return `${p.peer} (${plural(dir === 'in' ? p.inSessions : p.outSessions, 'session record')}${ports.length ? ` on ${ports.map((x) => (x === -1 ? 'no port' : x)).join(', ')}` : ''}, last ${new Date(p.last * 1000).toISOString().slice(0, 10)})`
    })
    .join(', ') + (ps.length > 6 ? `, and ${ps.length - 6} more` : '')

function peerStep(dir: 'in' | 'out') {
  return defineStep({
    name: dir === 'in' ? 'guardduty.instance-serves' : 'guardduty.instance-reaches',
    summary:
      dir === 'in'
        ? 'sessions other peers than those GuardDuty names opened to the instance in the window (it serves them: isolation cuts them off), from VPC flow logs of every interface with coverage'
        : 'sessions the instance opened to other peers than those GuardDuty names in the window (its own work: isolation stops it), from VPC flow logs of every interface with coverage',
    resourceTypes: INSTANCE,
    params: z.object({}).strict(),
    run(ctx) {
      const cfg = configOf(ctx)
      if (!cfg) return notInEvidence(ctx)
      const s = scanPeers(ctx, cfg.value)
      const used = s.others.filter((p) => (dir === 'in' ? p.inSessions : p.outSessions) > 0)
      const o = { evidence: [cfg.evidence, s.evidence], sources: flowLogs, windowed: true }
      const threat = s.threat.length ? `; GuardDuty's peer${s.threat.length > 1 ? 's' : ''} ${s.threat.map((p) => p.peer).join(', ')} also in the log` : ''
      if (used.length) {
        const text =
          dir === 'in'
            ? `${plural(used.length, 'peer')} besides GuardDuty's opened sessions to the instance ${windowText(ctx.window)}: ${peerText(used, 'in')} — it serves them, and isolation cuts them off`
            : `the instance opened sessions to ${plural(used.length, 'peer')} besides GuardDuty's ${windowText(ctx.window)}: ${peerText(used, 'out')} — isolation stops that work`
        return outcome('yes', text + threat, { ...o, certainty: 'proven' })
      }
      const none = dir === 'in' ? "no peer besides GuardDuty's opened a session to the instance" : "the instance opened no session to a peer besides GuardDuty's"
      if (s.problems.length) return outcome('unknown', `${none} in the flow logs there are, but ${s.problems.join('; ')}`, o)
      return outcome('no', `${none} ${windowText(ctx.window)} on ${s.enis.join(', ')} (flow logs cover the whole window)${threat}`, { ...o, certainty: 'proven' })
    }
  })
}

const instanceRole = defineStep({
  name: 'guardduty.instance-role',
  summary: 'whether the instance has an IAM role (instance profile) whose temporary credentials an attacker on it may hold: isolation does not revoke them',
  resourceTypes: INSTANCE,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = configOf(ctx)
    if (!cfg) return notInEvidence(ctx)
    const p = cfg.value.instanceProfileArn
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources: inventory }
    if (p)
      return outcome(
        'yes',
        `the instance runs with the instance profile ${p}: credentials taken from its metadata service keep working after isolation until they expire; revoke the role's older sessions (IAM "Revoke active sessions") as part of the response`,
        o
      )
    return outcome('no', 'the instance has no instance profile: no role credentials to revoke', o)
  }
})

export const GUARDDUTY_EC2_STEPS = [stillReported, threatDetails, inService, peerStep('in'), peerStep('out'), instanceRole]
