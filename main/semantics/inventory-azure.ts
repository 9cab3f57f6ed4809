// Azure inventory files added to the bundle format for the Azure control folders (docs/evidence-bundle.md,
// *added*): blob containers per storage account, network security groups. Two readers of each file, as for the other inventories:
// a tolerant parser for the evidence analysis (the facts: what it can keep) and a strict zod shape for the
// evaluators (./inventory.ts wires it into the loaded bundle).
import { z } from 'zod'
import { BadEvidence } from './bad-evidence'
import { arr, num, obj, requireArray, str, tagsOf, type Json } from './cloud-output'
import type { AzureBlobContainersFacet, AzureNsgConfigFacet } from './facets'
import type { NsgRule } from './azure-nsg'

/** The storage account id a container id belongs to (…/storageAccounts/x/blobServices/default/containers/c → …/storageAccounts/x), lower-cased. */
export function storageAccountOfContainer(id: string): string | null {
  const m = /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.storage\/storageaccounts\/[^/]+)\/blobservices\/[^/]+\/containers\/[^/]+$/i.exec(id.trim())
  return m ? m[1].toLowerCase() : null
}

/** ARM publicAccess of a container: "None", "Blob" (anonymous read of blobs) or "Container" (and listing). */
export const PUBLIC_ACCESS_LEVELS = ['None', 'Blob', 'Container'] as const

/** The bundle path of an account's containers: azure/<subscription>/blob-containers/<account name>.json. */
export function blobContainersAccountName(path: string): string | null {
  const m = /^azure\/[^/]+\/blob-containers\/([a-z0-9]{3,24})\.json$/.exec(path)
  return m ? m[1] : null
}

/**
 * azure/<subscription>/blob-containers/<account>.json: the ARM list (`{"value":[…]}`, each item's
 * `properties.publicAccess`) or `az storage container-rm list` (a bare array, `publicAccess` flattened).
 * The account is the containers' own (their ids), else the one storage-accounts.json names so; a file
 * that names none and lists no container cannot say whose containers it lists, and is refused.
 */
export function parseBlobContainers(doc: unknown, file: string, accountByName: (name: string) => string | null): AzureBlobContainersFacet & { account: string } {
  const list = Array.isArray(doc) ? doc : requireArray(doc, file, 'value')
  const name = blobContainersAccountName(file)
  let account: string | null = null
  const containers = list.map((x, i) => {
    const c = obj(x)
    const n = str(c?.name)
    if (!c || !n) throw new BadEvidence(file, `value[${i}]`, 'a container without name')
    const id = str(c.id)
    const owner = id ? storageAccountOfContainer(id) : null
    if (id && !owner) throw new BadEvidence(file, `value[${i}].id`, `"${id}" is not a blob container id`)
    if (owner && account && owner !== account) throw new BadEvidence(file, `value[${i}].id`, `containers of two accounts in one file (${account} and ${owner})`)
    if (owner) account = owner
    const p: Json = obj(c.properties) ?? {}
    const level = str(p.publicAccess) ?? str(c.publicAccess)
    return { name: n, publicAccess: level }
  })
  account ??= name ? accountByName(name) : null
  if (!account)
    throw new BadEvidence(
      file,
      '',
      `no container names its account and storage-accounts.json has no account ${name ?? '(the file name is not an account name)'}: whose containers these are cannot be told`
    )
  if (name && !account.endsWith(`/storageaccounts/${name}`)) throw new BadEvidence(file, '', `the containers are of ${account}, not of the account ${name} the file is named for`)
  return { account, containers: containers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) }
}

/** A container as the evaluators read it (strict): the exact ARM or Azure CLI field names. */
export const AzureBlobContainer = z.object({
  id: z.string().optional(),
  name: z.string().min(1),
  properties: z.object({ publicAccess: z.enum(PUBLIC_ACCESS_LEVELS).nullable().optional() }).optional(),
  publicAccess: z.enum(PUBLIC_ACCESS_LEVELS).nullable().optional()
})
export type AzureBlobContainer = z.infer<typeof AzureBlobContainer>

/** The public access level of a strictly read container; undefined when the file does not say. */
export function containerLevel(c: AzureBlobContainer): (typeof PUBLIC_ACCESS_LEVELS)[number] | undefined {
  return c.properties?.publicAccess ?? c.publicAccess ?? undefined
}

/** The top-level shape: ARM `{"value":[…]}` or the Azure CLI's bare array. */
export const AzureList = z.union([z.object({ value: z.array(z.unknown()) }), z.array(z.unknown())])
export const listItems = (v: z.infer<typeof AzureList>): [unknown[], string[]] => (Array.isArray(v) ? [v, []] : [v.value, ['value']])

// ---- network security groups ---------------------------------------------------------------------

/** One security rule from the ARM shape (`properties.…`) or the Azure CLI's flattened one. */
function nsgRule(x: unknown, file: string, place: string): NsgRule {
  const r = obj(x)
  const name = str(r?.name)
  if (!r || !name) throw new BadEvidence(file, place, 'a security rule without name')
  const p: Json = obj(r.properties) ?? r
  const list = (one: unknown, many: unknown): string[] => [...(str(one) ? [str(one)!] : []), ...arr(many).flatMap((v) => (typeof v === 'string' ? [v] : []))]
  return {
    name,
    priority: num(p.priority),
    direction: str(p.direction),
    access: str(p.access),
    protocol: str(p.protocol),
    sources: list(p.sourceAddressPrefix, p.sourceAddressPrefixes),
    ports: list(p.destinationPortRange, p.destinationPortRanges),
    sourceAsgs: arr(p.sourceApplicationSecurityGroups).length
  }
}

const ids = (v: unknown): string[] | null => (Array.isArray(v) ? v.map((x) => str(obj(x)?.id)?.toLowerCase() ?? '').filter(Boolean) : null)

/**
 * azure/<subscription>/network-security-groups.json: the ARM list (`{"value":[…]}`) or `az network nsg
 * list` (a bare array, properties flattened). `networkInterfaces` and `subnets` absent: not said (null).
 */
export function parseNetworkSecurityGroups(doc: unknown, file: string): Array<AzureNsgConfigFacet & { file: string }> {
  const list = Array.isArray(doc) ? doc : requireArray(doc, file, 'value')
  return list.map((x, i) => {
    const g = obj(x)
    const id = str(g?.id)
    if (!g || !id) throw new BadEvidence(file, `value[${i}]`, 'a network security group without id')
    const p: Json = obj(g.properties) ?? g
    if (!Array.isArray(p.securityRules)) throw new BadEvidence(file, `value[${i}]`, `${id}: no securityRules list (its rules are not in the file)`)
    return {
      file,
      id: id.toLowerCase(),
      name: str(g.name),
      location: str(g.location),
      tags: tagsOf(g.tags),
      rules: p.securityRules.map((r, j) => nsgRule(r, file, `value[${i}].securityRules[${j}]`)),
      networkInterfaces: ids(p.networkInterfaces),
      subnets: ids(p.subnets)
    }
  })
}

const NsgRuleRaw = z.object({
  name: z.string().min(1),
  properties: z
    .object({
      priority: z.number().int().optional(),
      direction: z.string().optional(),
      access: z.string().optional(),
      protocol: z.string().optional(),
      sourceAddressPrefix: z.string().nullable().optional(),
      sourceAddressPrefixes: z.array(z.string()).nullable().optional(),
      destinationPortRange: z.string().nullable().optional(),
      destinationPortRanges: z.array(z.string()).nullable().optional(),
      sourceApplicationSecurityGroups: z.array(z.unknown()).nullable().optional()
    })
    .optional(),
  priority: z.number().int().optional(),
  direction: z.string().optional(),
  access: z.string().optional(),
  protocol: z.string().optional(),
  sourceAddressPrefix: z.string().nullable().optional(),
  sourceAddressPrefixes: z.array(z.string()).nullable().optional(),
  destinationPortRange: z.string().nullable().optional(),
  destinationPortRanges: z.array(z.string()).nullable().optional(),
  sourceApplicationSecurityGroups: z.array(z.unknown()).nullable().optional()
})

/** One NSG as the evaluators read it (strict): an id and its rules list, in the ARM or the Azure CLI shape. */
export const AzureNsg = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    properties: z.object({ securityRules: z.array(NsgRuleRaw) }).optional(),
    securityRules: z.array(NsgRuleRaw).optional()
  })
  .refine((g) => g.properties?.securityRules !== undefined || g.securityRules !== undefined, {
    message: 'securityRules: missing (the rules are not in the file)',
    path: ['securityRules']
  })
  .transform((g) => ({
    id: g.id,
    name: g.name ?? null,
    rules: (g.properties?.securityRules ?? g.securityRules ?? []).map((r): NsgRule => {
      const p = r.properties ?? r
      return {
        name: r.name,
        priority: p.priority ?? null,
        direction: p.direction ?? null,
        access: p.access ?? null,
        protocol: p.protocol ?? null,
        sources: [...(p.sourceAddressPrefix ? [p.sourceAddressPrefix] : []), ...(p.sourceAddressPrefixes ?? [])],
        ports: [...(p.destinationPortRange ? [p.destinationPortRange] : []), ...(p.destinationPortRanges ?? [])],
        sourceAsgs: (p.sourceApplicationSecurityGroups ?? []).length
      }
    })
  }))
export type AzureNsg = z.output<typeof AzureNsg>
