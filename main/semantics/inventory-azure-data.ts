// Azure data-service inventory files added to the bundle format (docs/evidence-bundle.md, *added*):
// azure/<subscription>/sql-servers.json (logical SQL servers with their firewall rules, virtual network
// rules and private endpoint connections) and azure/<subscription>/key-vaults.json (vaults with their
// network ACLs). Two readers of each file, as for the other inventories: a tolerant parser for the
// evidence analysis (the facts) and a strict zod shape for the evaluators (./inventory.ts wires it in).
// Both files are the ARM list (`{"value":[…]}`, properties under `properties`) or the Azure CLI's bare
// array (properties flattened); a sub-list the collector could not read is absent, which is "not said"
// (null), never "none".
import { z } from 'zod'
import { BadEvidence } from './bad-evidence'
import { arr, obj, requireArray, str, tagsOf, type Json } from './cloud-output'
import type { AzureKeyVaultConfigFacet, AzureSqlConfigFacet } from './facets'

/** A private endpoint connection of a server or vault: the endpoint's id and its state (Approved, Pending, Rejected, Disconnected). */
function privateEndpoints(v: unknown): Array<{ id: string | null; state: string | null }> | null {
  if (!Array.isArray(v)) return null
  return v.map((x) => {
    const c = obj(x) ?? {}
    const p: Json = obj(c.properties) ?? c
    return {
      id: str(obj(p.privateEndpoint)?.id)?.toLowerCase() ?? null,
      state: str(obj(p.privateLinkServiceConnectionState)?.status)
    }
  })
}

// ---- SQL servers ---------------------------------------------------------------------------------

/**
 * azure/<subscription>/sql-servers.json: each server with `firewallRules` and `virtualNetworkRules`
 * (the ARM lists of Microsoft.Sql/servers/{name}/firewallRules and /virtualNetworkRules, or `az sql
 * server firewall-rule list` / `vnet-rule list`) beside its properties. A server without a
 * `firewallRules` list: its rules were not read (null).
 */
export function parseSqlServers(doc: unknown, file: string): Array<AzureSqlConfigFacet & { file: string }> {
  const list = Array.isArray(doc) ? doc : requireArray(doc, file, 'value')
  return list.map((x, i) => {
    const s = obj(x)
    const id = str(s?.id)
    if (!s || !id) throw new BadEvidence(file, `value[${i}]`, 'a SQL server without id')
    if (!/\/providers\/microsoft\.sql\/servers\/[^/]+$/i.test(id)) throw new BadEvidence(file, `value[${i}].id`, `"${id}" is not an Azure SQL server id`)
    const p: Json = obj(s.properties) ?? s
    const rules = (v: unknown, what: string) => {
      if (v === undefined || v === null) return null
      if (!Array.isArray(v)) throw new BadEvidence(file, `value[${i}].${what}`, 'not a list')
      return v.map((r, j) => {
        const o = obj(r)
        const name = str(o?.name)
        if (!o || !name) throw new BadEvidence(file, `value[${i}].${what}[${j}]`, 'a rule without name')
        return { o, q: obj(o.properties) ?? o, name }
      })
    }
    const fw = rules(s.firewallRules, 'firewallRules')
    const vnet = rules(s.virtualNetworkRules, 'virtualNetworkRules')
    return {
      file,
      id: id.toLowerCase(),
      name: str(s.name),
      location: str(s.location),
      tags: tagsOf(s.tags),
      publicNetworkAccess: str(p.publicNetworkAccess),
      minimalTlsVersion: str(p.minimalTlsVersion),
      firewallRules:
        fw?.map(({ q, name }, j) => {
          const start = str(q.startIpAddress)
          const end = str(q.endIpAddress)
          if (!start || !end) throw new BadEvidence(file, `value[${i}].firewallRules[${j}]`, `firewall rule ${name} without startIpAddress and endIpAddress`)
          return { name, start, end }
        }) ?? null,
      virtualNetworkRules: vnet?.map(({ q, name }) => ({ name, subnet: str(q.virtualNetworkSubnetId)?.toLowerCase() ?? null, state: str(q.state) })) ?? null,
      privateEndpoints: privateEndpoints(p.privateEndpointConnections)
    }
  })
}

const FirewallRuleRaw = z.object({
  name: z.string().min(1),
  properties: z.object({ startIpAddress: z.string(), endIpAddress: z.string() }).optional(),
  startIpAddress: z.string().optional(),
  endIpAddress: z.string().optional()
})

/** One SQL server as the evaluators read it (strict): an id, publicNetworkAccess, in the ARM or the Azure CLI shape. */
export const AzureSqlServer = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    properties: z.object({ publicNetworkAccess: z.string().nullable().optional() }).optional(),
    publicNetworkAccess: z.string().nullable().optional(),
    firewallRules: z.array(FirewallRuleRaw).nullable().optional()
  })
  .transform((s) => ({
    id: s.id,
    name: s.name ?? null,
    publicNetworkAccess: s.properties?.publicNetworkAccess ?? s.publicNetworkAccess ?? null,
    firewallRules:
      s.firewallRules?.map((r) => ({ name: r.name, start: r.properties?.startIpAddress ?? r.startIpAddress ?? '', end: r.properties?.endIpAddress ?? r.endIpAddress ?? '' })) ??
      null
  }))
export type AzureSqlServer = z.output<typeof AzureSqlServer>

/** The firewall rule Azure names "Allow Azure services and resources to access this server": 0.0.0.0 to 0.0.0.0. */
export const isAzureServicesRule = (r: { start: string; end: string }): boolean => r.start === '0.0.0.0' && r.end === '0.0.0.0'

// ---- Key Vaults ----------------------------------------------------------------------------------

/**
 * azure/<subscription>/key-vaults.json: the ARM list of Microsoft.KeyVault/vaults (Vaults - List By
 * Subscription, with `properties.networkAcls`) or `az keyvault list` followed by `show` (flattened).
 * A vault without networkAcls has none set: Azure's default is to allow every network.
 */
export function parseKeyVaults(doc: unknown, file: string): Array<AzureKeyVaultConfigFacet & { file: string }> {
  const list = Array.isArray(doc) ? doc : requireArray(doc, file, 'value')
  return list.map((x, i) => {
    const v = obj(x)
    const id = str(v?.id)
    if (!v || !id) throw new BadEvidence(file, `value[${i}]`, 'a key vault without id')
    if (!/\/providers\/microsoft\.keyvault\/vaults\/[^/]+$/i.test(id)) throw new BadEvidence(file, `value[${i}].id`, `"${id}" is not a key vault id`)
    const p = obj(v.properties)
    if (!p) throw new BadEvidence(file, `value[${i}]`, `${id}: no properties (a name-only listing: the vault's network rules are not in the file)`)
    const acls = obj(p.networkAcls)
    return {
      file,
      id: id.toLowerCase(),
      name: str(v.name),
      location: str(v.location),
      tags: tagsOf(v.tags),
      publicNetworkAccess: str(p.publicNetworkAccess),
      networkAcls: acls
        ? {
            defaultAction: str(acls.defaultAction),
            bypass: str(acls.bypass),
            ipRules: arr(acls.ipRules).flatMap((r) => (str(obj(r)?.value) ? [str(obj(r)!.value)!] : typeof r === 'string' ? [r] : [])),
            virtualNetworkRules: arr(acls.virtualNetworkRules).flatMap((r) => (str(obj(r)?.id) ? [str(obj(r)!.id)!.toLowerCase()] : []))
          }
        : null,
      privateEndpoints: privateEndpoints(p.privateEndpointConnections)
    }
  })
}

/** One vault as the evaluators read it (strict): its networkAcls and publicNetworkAccess. */
export const AzureKeyVault = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    properties: z.object({
      publicNetworkAccess: z.string().nullable().optional(),
      networkAcls: z
        .object({
          defaultAction: z.string().nullable().optional(),
          bypass: z.string().nullable().optional(),
          ipRules: z
            .array(z.object({ value: z.string() }))
            .nullable()
            .optional(),
          virtualNetworkRules: z
            .array(z.object({ id: z.string() }))
            .nullable()
            .optional()
        })
        .nullable()
        .optional()
    })
  })
  .transform((v) => ({
    id: v.id,
    name: v.name ?? null,
    publicNetworkAccess: v.properties.publicNetworkAccess ?? null,
    defaultAction: v.properties.networkAcls?.defaultAction ?? null,
    bypass: v.properties.networkAcls?.bypass ?? null,
    ipRules: (v.properties.networkAcls?.ipRules ?? []).map((r) => r.value),
    virtualNetworkRules: (v.properties.networkAcls?.virtualNetworkRules ?? []).map((r) => r.id.toLowerCase())
  }))
export type AzureKeyVault = z.output<typeof AzureKeyVault>
