// Step functions of azure.keyvault.firewall: is the vault's firewall still off, and would every caller
// seen in the window keep its access once it is on (the Key Vault AuditEvent log's callerIpAddress,
// identity and trusted service, with coverage). The fix keeps public callers with an IP rule each and
// trusted Azure services (a VM or deployment fetching a certificate, Azure Disk Encryption, Backup…)
// with bypass AzureServices; private endpoint connections are not subject to the firewall. What it
// cannot keep is a caller from a subnet's service endpoint it cannot name: the log gives the address,
// not the subnet.
import { z } from 'zod'
import { callersInWindow, callersText, type AzureCaller } from '../../main/controls/azure-callers'
import { coverageText, outcome, plural, windowText } from '../../main/controls/step-common'
import { defineStep } from '../../main/controls/step'
import { parseCidr } from '../../main/semantics/cidr'
import type { AzureKeyVaultConfigFacet } from '../../main/semantics/facets'
import { vaultFirewallVerdict } from './evaluate'

const VAULT = ['azure.keyvault.vault'] as const
const sources = ['azure.inventory' as const]
const MISSING = "the key vault is not in the evidence's key-vaults.json"

/** More public addresses than this are not pinned one rule each: the vault's callers are not a short list. */
export const MAX_PINNED = 50

/** Does one of the vault's IP rules (an address or a CIDR range) hold the address? */
export function inIpRules(rules: readonly string[], address: string): boolean {
  const a = parseCidr(address)
  if (a === null || address.includes('/')) return false
  return rules.some((r) => {
    const c = parseCidr(r)
    return c !== null && c.family === a.family && a.start >= c.start && a.start <= c.end
  })
}

/** What the fix does for each caller: the public addresses it adds an IP rule for, the trusted services, the private callers. */
export function callerPlan(
  cfg: AzureKeyVaultConfigFacet,
  callers: readonly AzureCaller[]
): { pin: AzureCaller[]; trusted: AzureCaller[]; listed: AzureCaller[]; priv: AzureCaller[] } {
  const rules = cfg.networkAcls?.ipRules ?? []
  const trusted = callers.filter((c) => c.trustedService !== null)
  const pub = callers.filter((c) => c.trustedService === null && !c.private)
  return {
    trusted,
    listed: pub.filter((c) => inIpRules(rules, c.address)),
    pin: pub.filter((c) => !inIpRules(rules, c.address)),
    priv: callers.filter((c) => c.trustedService === null && c.private)
  }
}

const firewallOff = defineStep({
  name: 'azure.keyvault-firewall-off',
  summary: "whether the vault's firewall is still off: networkAcls.defaultAction Allow (or none) with public network access on (key-vaults.json)",
  resourceTypes: VAULT,
  params: z.object({}).strict(),
  run(ctx) {
    const cfg = ctx.ev.config(ctx.finding.resource.id, 'azure.keyvault.config')
    if (!cfg) return outcome('unknown', MISSING, { sources })
    const acls = cfg.value.networkAcls
    const v = vaultFirewallVerdict({ publicNetworkAccess: cfg.value.publicNetworkAccess, defaultAction: acls?.defaultAction ?? null })
    const o = { evidence: [cfg.evidence], certainty: 'proven' as const, sources }
    if (v.status === 'PASS') return outcome('no', `${v.reason}: the fix would change nothing`, o)
    return outcome(
      'yes',
      `${v.reason}${acls ? `; bypass ${acls.bypass ?? 'not set'}, ${plural(acls.ipRules.length, 'IP rule')}${acls.ipRules.length ? ` (${acls.ipRules.join(', ')})` : ''}, ${plural(acls.virtualNetworkRules.length, 'virtual network rule')}` : ''}`,
      o
    )
  }
})

const callersKept = defineStep({
  name: 'azure.keyvault-callers-kept',
  summary:
    'whether every caller of the vault in the window keeps its access once the firewall is on — an IP rule for each public address, bypass AzureServices for trusted services, private endpoints unaffected (Key Vault AuditEvent log: callerIpAddress, identity, trustedService), with coverage',
  resourceTypes: VAULT,
  params: z.object({}).strict(),
  run(ctx) {
    const id = ctx.finding.resource.id
    const logSources = ['azure.keyvault-logs' as const]
    const cfg = ctx.ev.config(id, 'azure.keyvault.config')
    if (!cfg) return outcome('unknown', `${MISSING}, so what the firewall would let through cannot be told`, { sources: logSources })
    const seen = callersInWindow(ctx, id, 'azure.keyvault-logs')
    const base = { evidence: [cfg.evidence, seen.evidence], sources: [...logSources, ...sources], windowed: true, timeline: seen.timeline }
    const { pin, trusted, listed, priv } = callerPlan(cfg.value, seen.callers)
    const approved = (cfg.value.privateEndpoints ?? []).filter((p) => /^approved$/i.test(p.state ?? ''))
    const subnets = cfg.value.networkAcls?.virtualNetworkRules ?? []
    if (priv.length && cfg.value.privateEndpoints !== null && !approved.length && !subnets.length)
      return outcome(
        'no',
        `callers reached the vault from virtual network addresses and it has no private endpoint, so through their subnet's service endpoint: ${callersText(priv)}. With the firewall on they are refused unless their subnet gets a virtual network rule, which the log does not name — inferred`,
        { ...base, certainty: 'inferred' }
      )
    const kept = [
      pin.length ? `${plural(pin.length, 'public address', 'public addresses')} get an IP rule each (${callersText(pin)})` : '',
      listed.length ? `${plural(listed.length, 'public address', 'public addresses')} already in the IP rules (${listed.map((c) => c.address).join(', ')})` : '',
      trusted.length ? `trusted Azure services (${[...new Set(trusted.map((c) => c.trustedService))].join(', ')}) keep working only because the fix sets bypass AzureServices` : ''
    ].filter(Boolean)
    if (seen.coverage.state !== 'covered')
      return outcome(
        'unknown',
        `${kept.length ? `of the callers seen, ${kept.join('; ')}; but ` : ''}${coverageText(seen.coverage, "the vault's AuditEvent log")} (a diagnostic setting writes it only where one is on)`,
        base
      )
    if (seen.overflow > 0) return outcome('unknown', `${plural(seen.overflow, 'request')} past the per-vault cap of addresses were counted without their address`, base)
    if (pin.length > MAX_PINNED)
      return outcome(
        'unknown',
        `${plural(pin.length, 'public address', 'public addresses')} called the vault: too many to pin one IP rule each; the callers are not a short list (apps on changing addresses?)`,
        base
      )
    // a principal seen from several public addresses calls from addresses that change (a hosted CI
    // agent, a laptop): the IP rules pin the ones seen, and its next address would have none
    const from = new Map<string, Set<string>>()
    for (const c of [...pin, ...listed]) for (const p of c.principals) from.set(p, (from.get(p) ?? new Set<string>()).add(c.address))
    // (one whose every address the vault's own IP rules already admit — a range its owner wrote — is not pinned by the fix)
    const pinned = new Set(pin.map((c) => c.address))
    const moving = [...from].filter(([, addresses]) => addresses.size > 1 && [...addresses].some((x) => pinned.has(x))).sort(([a], [b]) => (a < b ? -1 : 1))
    if (moving.length)
      return outcome(
        'unknown',
        `${moving
          .slice(0, 3)
          .map(([p, addresses]) => `${p} called from ${plural(addresses.size, 'public address', 'public addresses')} (${[...addresses].sort().join(', ')})`)
          .join(
            '; '
          )}${moving.length > 3 ? `, and ${plural(moving.length - 3, 'other principal')}` : ''}: its address changes, and an IP rule for each address seen would not admit the next one`,
        base
      )
    if (priv.length && (approved.length || subnets.length || cfg.value.privateEndpoints === null))
      return outcome(
        'unknown',
        `callers reached the vault from private addresses (${callersText(priv)}): through the private endpoint they keep their access, through a subnet's service endpoint only if a virtual network rule names their subnet — the log gives the address, not which path`,
        base
      )
    return outcome(
      'yes',
      seen.callers.length
        ? `the AuditEvent log covers ${windowText(ctx.window)} and every caller keeps its access: ${kept.join('; ')} — inferred`
        : `the AuditEvent log covers ${windowText(ctx.window)} and no request succeeded from any caller: turning the firewall on cuts no one off — inferred`,
      { ...base, certainty: 'inferred' }
    )
  }
})

export const VAULT_FIREWALL_STEPS = [firewallOff, callersKept]
