// Step functions of azure.network.nsg-open-admin-ports: does the NSG still open SSH/RDP to the
// internet, is it associated with anything, and did internet addresses open sessions through those
// rules in the window (NSG flow logs: the rule that allowed each flow is logged with it).
import { z } from 'zod'
import { nsgAdminVerdict, openAdminRules } from './evaluate'
import { adminPortsOpened, onlyAdminPorts, ruleText } from '../../main/semantics/azure-nsg'
import { coverageText, day, inWindow, outcome, plural, timelineLink, windowText } from '../../main/controls/step-common'
import { defineStep } from '../../main/controls/step'

const NSG = ['azure.network.nsg'] as const
const sources = ['azure.inventory' as const]

const openAdmin = defineStep({
  name: 'azure.nsg-open-admin-rules',
  summary: 'whether the NSG still has inbound Allow rules admitting the internet to SSH (22) or RDP (3389) (network-security-groups.json)',
  resourceTypes: NSG,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = ctx.ev.config(ctx.finding.resource.id, 'azure.nsg.config')
    if (!cfg) return outcome('unknown', "the network security group is not in the evidence's network-security-groups.json", { sources })
    const v = nsgAdminVerdict(cfg.value.rules)
    return outcome(v.status === 'FAIL' ? 'yes' : 'no', v.status === 'FAIL' ? v.reason : `${v.reason}: the fix would change nothing`, {
      evidence: [cfg.evidence],
      certainty: 'proven',
      sources
    })
  }
})

const adminOnly = defineStep({
  name: 'azure.nsg-rules-admin-only',
  summary: 'whether the open rules open only SSH/RDP ports (deleting a rule that opens others takes them away too)',
  resourceTypes: NSG,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = ctx.ev.config(ctx.finding.resource.id, 'azure.nsg.config')
    if (!cfg) return outcome('unknown', "the network security group is not in the evidence's network-security-groups.json", { sources })
    const open = openAdminRules(cfg.value.rules)
    const mixed = open.filter((r) => !onlyAdminPorts(r))
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources }
    if (mixed.length)
      return outcome(
        'no',
        `${mixed.map((r) => `${r.name} opens ${r.ports.join(', ')}`).join('; ')}: more than SSH/RDP, so deleting it would take other ports away; split it first`,
        o
      )
    return outcome(
      'yes',
      open.length ? `${open.map((r) => r.name).join(', ')} open${open.length === 1 ? 's' : ''} only ${open.flatMap((r) => r.ports).join(', ')}` : 'no rule is open',
      o
    )
  }
})

const attached = defineStep({
  name: 'azure.nsg-attached',
  summary: 'whether the NSG is associated with a network interface or a subnet (what its rules reach)',
  resourceTypes: NSG,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = ctx.ev.config(ctx.finding.resource.id, 'azure.nsg.config')
    if (!cfg) return outcome('unknown', "the network security group is not in the evidence's network-security-groups.json", { sources })
    const { networkInterfaces: nics, subnets } = cfg.value
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources }
    const name = (id: string) => id.split('/').slice(-1)[0]
    if (nics?.length || subnets?.length) {
      return outcome(
        'yes',
        `associated with ${[nics?.length ? `${plural(nics.length, 'network interface')} (${nics.map(name).join(', ')})` : '', subnets?.length ? `${plural(subnets.length, 'subnet')} (${subnets.map(name).join(', ')})` : ''].filter(Boolean).join(' and ')}: its rules reach what runs there`,
        o
      )
    }
    if (nics === null || subnets === null)
      return outcome('unknown', 'the listing does not say which network interfaces and subnets the NSG is associated with', { evidence: [cfg.evidence], sources })
    return outcome('no', 'associated with no network interface and no subnet: its rules reach nothing, so removing them cuts no one off', o)
  }
})

const adminSessions = defineStep({
  name: 'azure.nsg-admin-sessions',
  summary: 'sessions from internet addresses to SSH/RDP allowed by the open rules in the window (NSG flow logs, which name the rule that decided each flow), with coverage',
  resourceTypes: NSG,
  params: z.object({}).strict(),
  run(ctx) {
    const id = ctx.finding.resource.id
    const cfg = ctx.ev.config(id, 'azure.nsg.config')
    const logSources = ['azure.nsg-flow-logs' as const]
    if (!cfg) return outcome('unknown', "the network security group's rules are not in the evidence, so which flows they allow cannot be told", { sources: logSources })
    const open = openAdminRules(cfg.value.rules)
    const wanted = new Set(open.flatMap((r) => adminPortsOpened(r).map((a) => `${r.name.toLowerCase()}\n${a.port}`)))
    const flows = ctx.ev.config(id, 'azure.nsg.flows')
    const hits = (flows?.value.rules ?? []).filter(
      (f) =>
        wanted.has(`${f.rule.toLowerCase()}\n${f.port}`) && f.publicSessions > 0 && inWindow(f.lastPublic === null ? null : new Date(f.lastPublic * 1000).toISOString(), ctx.window)
    )
    const events = ctx.ev.timeline([id], { from: ctx.window?.from, sources: ['azure.nsg-flow-logs'], summaries: false })
    const link = timelineLink(ctx, [id], ['azure.nsg-flow-logs'], events)
    if (hits.length) {
      const text = hits.map(
        (f) =>
          `${plural(f.publicSessions, 'session')} to port ${f.port} allowed by ${f.rule} (the last on ${day(new Date(f.lastPublic! * 1000).toISOString())}) from ${f.publicSources.slice(0, 8).join(', ')}${f.publicSources.length > 8 ? `, and ${f.publicSources.length - 8} more` : ''}`
      )
      return outcome(
        'yes',
        `internet addresses opened sessions through the open rules: ${text.join('; ')}. Removing the rules cuts them off — proven (flow state B, decision A, rule named in each flow)`,
        {
          evidence: [flows!.evidence, events.map((e) => e.evidence)],
          certainty: 'proven',
          sources: logSources,
          windowed: true,
          timeline: link
        }
      )
    }
    const cov = ctx.ev.coverage('azure.nsg-flow-logs', id, ctx.window)
    if (cov.state === 'covered' && flows && flows.value.overflow > 0) {
      return outcome(
        'unknown',
        `no internet session through ${open.map((r) => r.name).join(', ')} was seen, but ${plural(flows.value.overflow, 'flow')} past the per-NSG cap were counted without their rule and port`,
        {
          evidence: [cov.evidence, flows.evidence],
          sources: logSources,
          windowed: true
        }
      )
    }
    if (cov.state === 'covered') {
      const denied = (flows?.value.rules ?? []).filter((f) => f.denied > 0).reduce((n, f) => n + f.denied, 0)
      return outcome(
        'no',
        `the NSG's flow logs cover ${windowText(ctx.window)} and no session from an internet address went through ${open.map(ruleText).join('; ')}${denied ? ` (${plural(denied, 'flow')} to the admin ports were denied by other rules)` : ''}; sessions from private addresses stay allowed by the default AllowVnetInBound rule — inferred`,
        { evidence: [cov.evidence, flows?.evidence], certainty: 'inferred', sources: logSources, windowed: true, timeline: link }
      )
    }
    return outcome('unknown', `no internet session was seen, but ${coverageText(cov, 'the NSG flow logs')} (flow logs exist only where Network Watcher writes them for this NSG)`, {
      evidence: [cov.evidence],
      sources: logSources,
      windowed: true,
      timeline: link
    })
  }
})

export const NSG_STEPS = [openAdmin, adminOnly, attached, adminSessions]
