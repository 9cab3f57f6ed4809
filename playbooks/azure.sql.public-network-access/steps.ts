// Step functions of azure.sql.public-network-access: is public network access still on, does the server
// have a private endpoint to keep its clients, and who logged in over a path the fix closes (the SQL
// audit log's client_ip, principal and application, with coverage). Disabling public network access
// refuses every login that matches an IP firewall rule or a virtual network rule (Microsoft: "This
// configuration denies all logins that match IP or virtual network based firewall rules"): only private
// endpoint connections remain.
import { z } from 'zod'
import { callersInWindow, callersText, type AzureCaller } from '../../main/controls/azure-callers'
import { coverageText, outcome, plural, windowText } from '../../main/controls/step-common'
import { defineStep } from '../../main/controls/step'
import { parseIpv4, parseIpv6 } from '../../main/semantics/cidr'
import { isAzureServicesRule } from '../../main/semantics/inventory-azure-data'
import type { AzureSqlConfigFacet } from '../../main/semantics/facets'
import { sqlPublicVerdict } from './evaluate'

const SQL = ['azure.sql.server'] as const
const sources = ['azure.inventory' as const]
const MISSING = "the SQL server is not in the evidence's sql-servers.json"

type FirewallRule = NonNullable<AzureSqlConfigFacet['firewallRules']>[number]

const ip = (s: string): bigint | null => parseIpv4(s) ?? parseIpv6(s)

/** Does the firewall rule's range hold the address? (0.0.0.0–0.0.0.0 holds Azure's own addresses, not a range.) */
export function ruleAdmits(r: FirewallRule, address: string): boolean {
  if (isAzureServicesRule(r)) return false
  const [a, s, e] = [ip(address), ip(r.start), ip(r.end)]
  return a !== null && s !== null && e !== null && a >= s && a <= e
}

/** The firewall rules that admit a public caller, in words: "AllowAll (0.0.0.0–255.255.255.255)" or the Azure services rule. */
function admittedBy(rules: readonly FirewallRule[] | null, c: AzureCaller): string {
  if (!rules) return 'the firewall rules are not in the evidence'
  const by = rules.filter((r) => ruleAdmits(r, c.address))
  if (by.length) return `admitted by ${by.map((r) => `${r.name} (${r.start}–${r.end})`).join(', ')}`
  return rules.some(isAzureServicesRule) ? 'admitted as an Azure service (the 0.0.0.0 "Allow Azure services" rule)' : 'no firewall rule in the evidence admits it'
}

/**
 * The narrower step when public clients are in use: the IP firewall rules that can go while every
 * public client seen stays admitted by a rule that remains — the widest dropped first (a whole-internet
 * 0.0.0.0–255.255.255.255 before an office range). The Azure services rule is never among them.
 */
export function droppableRules(rules: readonly FirewallRule[], clients: readonly AzureCaller[]): FirewallRule[] {
  const width = (r: FirewallRule): bigint => (ip(r.end) ?? 0n) - (ip(r.start) ?? 0n)
  const keep = rules.filter((r) => !isAzureServicesRule(r))
  const needs = clients.filter((c) => keep.some((r) => ruleAdmits(r, c.address)))
  const drop: FirewallRule[] = []
  for (const r of [...keep].sort((a, b) => (width(b) > width(a) ? 1 : width(b) < width(a) ? -1 : 0))) {
    const rest = keep.filter((x) => x !== r && !drop.includes(x))
    if (needs.every((c) => rest.some((x) => ruleAdmits(x, c.address)))) drop.push(r)
  }
  return drop
}

const publicOn = defineStep({
  name: 'azure.sql-public-network-enabled',
  summary: "whether the server's publicNetworkAccess is still Enabled (sql-servers.json)",
  resourceTypes: SQL,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = ctx.ev.config(ctx.finding.resource.id, 'azure.sql.config')
    if (!cfg) return outcome('unknown', MISSING, { sources })
    const v = sqlPublicVerdict(cfg.value)
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources }
    if (v.status === 'UNKNOWN') return outcome('unknown', v.reason, { evidence: [cfg.evidence], sources })
    if (v.status === 'PASS') return outcome('no', `${v.reason}: the fix would change nothing`, o)
    const fw = cfg.value.firewallRules
    return outcome(
      'yes',
      `${v.reason}${fw ? `; ${fw.length ? `firewall rules: ${fw.map((r) => `${r.name} ${r.start}–${r.end}`).join(', ')}` : 'no firewall rule'}` : ''}${cfg.value.virtualNetworkRules?.length ? `; virtual network rules: ${cfg.value.virtualNetworkRules.map((r) => r.name).join(', ')}` : ''}`,
      o
    )
  }
})

const privateEndpoint = defineStep({
  name: 'azure.sql-private-endpoint',
  summary: 'whether the server has an approved private endpoint connection, the only path left once public network access is disabled',
  resourceTypes: SQL,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = ctx.ev.config(ctx.finding.resource.id, 'azure.sql.config')
    if (!cfg) return outcome('unknown', MISSING, { sources })
    const pes = cfg.value.privateEndpoints
    if (pes === null) return outcome('unknown', "the listing does not give the server's private endpoint connections", { evidence: [cfg.evidence], sources })
    const approved = pes.filter((p) => /^approved$/i.test(p.state ?? ''))
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources }
    if (approved.length) return outcome('yes', `${plural(approved.length, 'approved private endpoint')}: ${approved.map((p) => p.id?.split('/').pop() ?? '?').join(', ')}`, o)
    return outcome(
      'no',
      `no approved private endpoint connection${pes.length ? ` (${pes.map((p) => `${p.id?.split('/').pop() ?? '?'} ${p.state ?? '?'}`).join(', ')})` : ''}: with public network access disabled no client could reach the server`,
      o
    )
  }
})

const clientsCut = defineStep({
  name: 'azure.sql-clients-cut',
  summary:
    'clients that logged in over a path disabling public network access closes — a public address (IP firewall rules, Azure services) or a virtual network rule — in the window (SQL audit log: client_ip, principal, application), with coverage',
  resourceTypes: SQL,
  params: z.object({}).strict(),
  run(ctx) {
    const id = ctx.finding.resource.id
    const logSources = ['azure.sql-audit-logs' as const]
    const cfg = ctx.ev.config(id, 'azure.sql.config')
    if (!cfg) return outcome('unknown', `${MISSING}, so which paths the fix closes cannot be told`, { sources: logSources })
    const seen = callersInWindow(ctx, id, 'azure.sql-audit-logs')
    const base = { evidence: [cfg.evidence, seen.evidence], sources: [...logSources, ...sources], windowed: true, timeline: seen.timeline }
    const pub = seen.callers.filter((c) => !c.private)
    const priv = seen.callers.filter((c) => c.private)
    const fw = cfg.value.firewallRules
    if (pub.length) {
      const unused = droppableRules(fw ?? [], pub)
      return outcome(
        'yes',
        `clients logged in from public addresses: ${pub
          .slice(0, 6)
          .map((c) => `${callersText([c], 'login')}, ${admittedBy(fw, c)}`)
          .join('; ')}${pub.length > 6 ? `; and ${pub.length - 6} more` : ''}. Disabling public network access cuts them off — proven (succeeded logins in the SQL audit log)${
          unused.length
            ? `. The narrower step that keeps them: delete the firewall rules they do not need (${unused.map((r) => `${r.name} ${r.start}–${r.end}`).join(', ')}) and keep the others, which admit every public client seen`
            : ''
        }`,
        { ...base, certainty: 'proven' }
      )
    }
    const approved = (cfg.value.privateEndpoints ?? []).filter((p) => /^approved$/i.test(p.state ?? ''))
    if (priv.length && cfg.value.privateEndpoints !== null && !approved.length)
      return outcome(
        'yes',
        `clients logged in from virtual network addresses and the server has no private endpoint, so they came through a virtual network rule${cfg.value.virtualNetworkRules?.length ? ` (${cfg.value.virtualNetworkRules.map((r) => r.name).join(', ')})` : ''}: ${callersText(priv, 'login')}. Disabling public network access refuses them — inferred`,
        { ...base, certainty: 'inferred' }
      )
    if (seen.coverage.state !== 'covered')
      return outcome(
        'unknown',
        `no client was seen logging in from a public address, but ${coverageText(seen.coverage, 'the SQL audit log')} (auditing writes only where it is on)`,
        base
      )
    if (seen.overflow > 0)
      return outcome('unknown', `no public client was seen, but ${plural(seen.overflow, 'record')} past the per-server cap of addresses were counted without their address`, base)
    if (priv.length && cfg.value.virtualNetworkRules === null)
      return outcome(
        'unknown',
        `clients logged in from private addresses (${callersText(priv, 'login')}) and the server's virtual network rules are not in the evidence: whether they came through a private endpoint cannot be told`,
        base
      )
    if (priv.length && cfg.value.virtualNetworkRules!.length)
      return outcome(
        'unknown',
        `clients logged in from private addresses (${callersText(priv, 'login')}); the server has both a private endpoint and virtual network rules (${cfg.value.virtualNetworkRules!.map((r) => r.name).join(', ')}), and the audit log does not say which one a login came through — the rule's clients would be cut`,
        base
      )
    if (priv.length && cfg.value.privateEndpoints === null)
      return outcome(
        'unknown',
        `clients logged in from private addresses (${callersText(priv, 'login')}) and the server's private endpoint connections are not in the evidence`,
        base
      )
    return outcome(
      'no',
      `the SQL audit log covers ${windowText(ctx.window)} and ${priv.length ? `every login came from a private address through the private endpoint (${callersText(priv, 'login')}); no virtual network rule is set` : 'no client logged in at all'}: disabling public network access cuts no one off — inferred`,
      { ...base, certainty: 'inferred' }
    )
  }
})

export const SQL_PUBLIC_STEPS = [publicOn, privateEndpoint, clientsCut]
