// `evidence collect --provider azure`: a bundle from the ARM REST API with a token from
// @azure/identity (Azure CLI login or the default credential chain). Read-only by construction:
// the only method this client has is GET. The base URL is configurable so a local HTTP server
// can stand in for management.azure.com in tests (and sovereign clouds work the same way).
import { writeTerraformStates, type TerraformStateCopy } from './collect-terraform'
import type { TokenCredential } from '@azure/identity'
import { BundleWriter } from './bundle-writer'
import { collectEntraApps, groupPrincipals } from './collect-entra-apps'
import type { Manifest } from '../semantics/bundle'

export interface ArmOptions {
  credential: TokenCredential
  /** default https://management.azure.com */
  baseUrl?: string
  /** default `${baseUrl}/.default` for the public cloud */
  scope?: string
  /** retries of a throttled (429) or failing (5xx) GET */
  maxAttempts?: number
  /** tests: shorten waits */
  sleep?: (ms: number) => Promise<void>
  /** the read-only allow-list this reader keeps to (default ARM_READS) */
  reads?: ReadonlyArray<{ what: string; path: RegExp }>
}

class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

/**
 * The read-only allow-list: the ARM list operations `evidence collect` makes, by path (each a GET of
 * a collection: no `/list…` action, no POST). ArmReader.list refuses any other path, and a nextLink
 * to any other path, before a request is sent.
 */
export const ARM_READS: ReadonlyArray<{ what: string; path: RegExp }> = [
  { what: 'storage accounts (Microsoft.Storage/storageAccounts list)', path: /^\/subscriptions\/[0-9a-f-]{36}\/providers\/Microsoft\.Storage\/storageAccounts$/i },
  {
    what: "a storage account's blob containers (blobServices/default/containers list)",
    path: /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[a-z0-9]{3,24}\/blobServices\/default\/containers$/i
  },
  {
    what: 'network security groups (Microsoft.Network/networkSecurityGroups list)',
    path: /^\/subscriptions\/[0-9a-f-]{36}\/providers\/Microsoft\.Network\/networkSecurityGroups$/i
  },
  {
    what: 'the Activity Log (Microsoft.Insights/eventtypes/management/values)',
    path: /^\/subscriptions\/[0-9a-f-]{36}\/providers\/Microsoft\.Insights\/eventtypes\/management\/values$/i
  },
  {
    what: 'AKS managed clusters (Microsoft.ContainerService/managedClusters list)',
    path: /^\/subscriptions\/[0-9a-f-]{36}\/providers\/Microsoft\.ContainerService\/managedClusters$/i
  },
  {
    what: 'Azure role assignments (Microsoft.Authorization/roleAssignments list)',
    path: /^\/subscriptions\/[0-9a-f-]{36}\/providers\/Microsoft\.Authorization\/roleAssignments$/i
  },
  { what: 'Azure SQL logical servers (Microsoft.Sql/servers list)', path: /^\/subscriptions\/[0-9a-f-]{36}\/providers\/Microsoft\.Sql\/servers$/i },
  {
    what: "a SQL server's firewall rules and virtual network rules (servers/{name}/firewallRules, /virtualNetworkRules lists)",
    path: /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.Sql\/servers\/[^/]+\/(firewallRules|virtualNetworkRules)$/i
  },
  { what: 'key vaults with their network ACLs (Microsoft.KeyVault/vaults list by subscription)', path: /^\/subscriptions\/[0-9a-f-]{36}\/providers\/Microsoft\.KeyVault\/vaults$/i }
]

/** The Microsoft Graph reads (GET of a collection, v1.0), for the Entra files (main/semantics/inventory-entra.ts). */
export const GRAPH_READS: ReadonlyArray<{ what: string; path: RegExp }> = [
  { what: 'Entra ID users (GET /v1.0/users)', path: /^\/v1\.0\/users$/ },
  { what: 'directory role assignments (GET /v1.0/roleManagement/directory/roleAssignments)', path: /^\/v1\.0\/roleManagement\/directory\/roleAssignments$/ },
  { what: 'the sign-in log (GET /v1.0/auditLogs/signIns)', path: /^\/v1\.0\/auditLogs\/signIns$/ },
  { what: 'the directory audit log (GET /v1.0/auditLogs/directoryAudits)', path: /^\/v1\.0\/auditLogs\/directoryAudits$/ },
  // the application escalation path (./collect-entra-apps.ts)
  { what: 'applications with their owners (GET /v1.0/applications)', path: /^\/v1\.0\/applications$/ },
  { what: 'service principals with their owners (GET /v1.0/servicePrincipals)', path: /^\/v1\.0\/servicePrincipals$/ },
  {
    what: "a service principal's app role assignments (GET /v1.0/servicePrincipals/{id}/appRoleAssignments)",
    path: /^\/v1\.0\/servicePrincipals\/[0-9a-f-]{36}\/appRoleAssignments$/
  },
  { what: 'role-assignable groups and groups holding Azure roles (GET /v1.0/groups)', path: /^\/v1\.0\/groups$/ },
  { what: "a group's members (GET /v1.0/groups/{id}/members)", path: /^\/v1\.0\/groups\/[0-9a-f-]{36}\/members$/ },
  { what: "service principals' sign-ins (GET /beta/auditLogs/signIns, servicePrincipal sign-ins only)", path: /^\/beta\/auditLogs\/signIns$/ }
]

/** Whether a path (of the ARM base URL's host) is one of the allowed reads. */
export function armReadAllowed(path: string): boolean {
  return ARM_READS.some((r) => r.path.test(path))
}

/** GET-only ARM client with paging (nextLink) and throttling (Retry-After). */
export class ArmReader {
  private readonly base: URL
  private readonly scope: string
  private token: { token: string; expires: number } | null = null
  private readonly reads: ReadonlyArray<{ what: string; path: RegExp }>
  constructor(private readonly o: ArmOptions) {
    this.reads = o.reads ?? ARM_READS
    this.base = new URL(o.baseUrl ?? 'https://management.azure.com')
    this.scope = o.scope ?? 'https://management.azure.com/.default'
  }

  private async bearer(): Promise<string> {
    if (this.token && this.token.expires - Date.now() > 60_000) return this.token.token
    const t = await this.o.credential.getToken(this.scope)
    if (!t) throw new ArmError(401, 'NoToken', 'the credential returned no token')
    this.token = { token: t.token, expires: t.expiresOnTimestamp }
    return t.token
  }

  /** One GET with retries on 429/5xx, honouring Retry-After. */
  async get(url: URL): Promise<unknown> {
    const sleep = this.o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)))
    const attempts = this.o.maxAttempts ?? 6
    for (let i = 1; ; i++) {
      const res = await fetch(url, { method: 'GET', headers: { authorization: `Bearer ${await this.bearer()}`, accept: 'application/json' } })
      if (res.ok) return res.json()
      const body = await res.text()
      let code = `HTTP${res.status}`
      let message = body.slice(0, 300)
      try {
        const e = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error
        if (e) {
          code = e.code ?? code
          message = e.message ?? message
        }
      } catch {
        // not JSON: keep the text
      }
      if ((res.status === 429 || res.status >= 500) && i < attempts) {
        const after = Number(res.headers.get('retry-after'))
        await sleep(Number.isFinite(after) && after > 0 ? Math.min(after, 60) * 1000 : Math.min(1000 * 2 ** (i - 1), 30_000))
        continue
      }
      throw new ArmError(res.status, code, `${code}: ${message}`)
    }
  }

  /**
   * Every item of a list, following nextLink. A nextLink to another host is refused: the bearer
   * token must never be sent anywhere but the ARM endpoint it was issued for.
   */
  async *list(path: string, query: Record<string, string>): AsyncGenerator<unknown[]> {
    const allowed = (p: string): boolean => this.reads.some((r) => r.path.test(p))
    const which = this.reads === ARM_READS ? 'ARM reads evidence collect makes (ARM_READS)' : 'Microsoft Graph reads evidence collect makes (GRAPH_READS)'
    if (!allowed(path)) throw new ArmError(0, 'NotAllowed', `${path} is not one of the ${which}`)
    const url = new URL(path.replace(/^\//, ''), this.base.href.endsWith('/') ? this.base : new URL(`${this.base.href}/`))
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
    let next: URL | null = url
    let pages = 0
    while (next) {
      const doc = (await this.get(next)) as { value?: unknown[]; nextLink?: string; '@odata.nextLink'?: string }
      yield doc.value ?? []
      if (++pages > 10_000) throw new ArmError(0, 'TooManyPages', 'more than 10,000 pages')
      const link = doc.nextLink ?? doc['@odata.nextLink'] // ARM's, Microsoft Graph's
      if (!link) break
      const n: URL = new URL(link)
      if (n.origin !== this.base.origin) throw new ArmError(0, 'ForeignNextLink', `refused to follow a nextLink to ${n.origin} (not ${this.base.origin})`)
      if (!allowed(n.pathname)) throw new ArmError(0, 'NotAllowed', `refused to follow a nextLink to ${n.pathname}: not one of the ${which}`)
      next = n
    }
  }
}

export interface CollectAzureOptions extends ArmOptions {
  /** Microsoft Graph, for the Entra files (default https://graph.microsoft.com) */
  graphBaseUrl?: string
  out: string
  subscriptions: string[]
  /** Terraform states the user gave (--terraform-state), read and redacted before the run (collect-terraform.ts) */
  terraformStates?: readonly TerraformStateCopy[]
  days: number
  now: Date
  operator?: string
  version?: string
  profile?: string
  onProgress?: (message: string) => void
}

export interface CollectAzureResult {
  out: string
  manifest: Manifest
  files: number
  gaps: number
}

/** The Entra files (docs/evidence-bundle.md): each whole or not at all, a list that fails being a gap and no file. */
async function collectEntra(
  o: CollectAzureOptions,
  w: BundleWriter,
  dir: string,
  from: Date,
  gap: (source: string, problem: string) => void,
  progress: (m: string) => void,
  roleGroups: string[]
): Promise<void> {
  const graph = new ArmReader({
    ...o,
    baseUrl: o.graphBaseUrl ?? 'https://graph.microsoft.com',
    scope: `${o.graphBaseUrl ?? 'https://graph.microsoft.com'}/.default`,
    reads: GRAPH_READS
  })
  const all = async (path: string, query: Record<string, string>): Promise<unknown[]> => {
    const value: unknown[] = []
    for await (const page of graph.list(path, query)) value.push(...page)
    return value
  }
  const USER = 'id,userPrincipalName,displayName,userType,externalUserState,accountEnabled,createdDateTime'
  progress('Entra ID: users')
  try {
    let users: unknown[]
    try {
      users = await all('/v1.0/users', { $select: `${USER},signInActivity` })
    } catch (e) {
      // signInActivity needs Entra ID P1 and AuditLog.Read.All: without it, the users without it
      users = await all('/v1.0/users', { $select: USER })
      gap('azure.inventory', `users' signInActivity could not be read (${(e as Error).message}): whether a user signed in comes from the sign-in log only`)
    }
    w.writeJson(`${dir}/users.json`, { value: users })
  } catch (e) {
    gap('azure.inventory', `listing Entra ID users: ${(e as Error).message}`)
  }
  const lists: Array<[string, string, Record<string, string>, string]> = [
    ['directory-role-assignments.json', '/v1.0/roleManagement/directory/roleAssignments', { $expand: 'roleDefinition' }, 'directory role assignments'],
    ['sign-ins.json', '/v1.0/auditLogs/signIns', { $filter: `createdDateTime ge ${from.toISOString()}` }, 'the sign-in log'],
    ['directory-audits.json', '/v1.0/auditLogs/directoryAudits', { $filter: `activityDateTime ge ${from.toISOString()}` }, 'the directory audit log']
  ]
  for (const [file, path, query, what] of lists) {
    progress(`Entra ID: ${what}`)
    try {
      w.writeJson(`${dir}/${file}`, { value: await all(path, query) })
    } catch (e) {
      gap('azure.inventory', `reading ${what}: ${(e as Error).message}`)
    }
  }
  await collectEntraApps({ all, write: (p, doc) => w.writeJson(p, doc), dir, from, roleGroups, gap: (problem) => gap('azure.inventory', problem), progress })
}

/**
 * sql-servers.json: every logical server with its firewall rules and virtual network rules beside its
 * properties (which carry publicNetworkAccess and the private endpoint connections). A server whose
 * rules could not be listed is written without that list (not said) and the gap names it.
 */
async function collectSqlServers(
  arm: ArmReader,
  w: BundleWriter,
  base: string,
  sub: string,
  gap: (source: string, problem: string) => void,
  progress: (m: string) => void
): Promise<void> {
  const API = { 'api-version': '2021-11-01' }
  const servers: unknown[] = []
  try {
    for await (const page of arm.list(`/subscriptions/${sub}/providers/Microsoft.Sql/servers`, API)) servers.push(...page)
  } catch (e) {
    gap('azure.inventory', `listing SQL servers: ${(e as Error).message}`)
    return
  }
  const value: unknown[] = []
  for (const s of servers) {
    const id = typeof (s as { id?: unknown }).id === 'string' ? (s as { id: string }).id : null
    const out: Record<string, unknown> = { ...(s as Record<string, unknown>) }
    for (const list of id ? (['firewallRules', 'virtualNetworkRules'] as const) : []) {
      progress(`Azure ${sub}: ${list} of ${id!.split('/').pop()}`)
      try {
        const rules: unknown[] = []
        for await (const page of arm.list(`${id}/${list}`, API)) rules.push(...page)
        out[list] = rules
      } catch (e) {
        w.gap({
          source: 'azure.inventory',
          scope: `/subscriptions/${sub.toLowerCase()}`,
          resource: id!.toLowerCase(),
          problem: `listing the ${list} of ${id}: ${(e as Error).message}`
        })
        progress(`gap: azure.inventory: ${list} of ${id}: ${(e as Error).message}`)
      }
    }
    value.push(out)
  }
  w.writeJson(`${base}/sql-servers.json`, { value })
}

export async function collectAzure(o: CollectAzureOptions): Promise<CollectAzureResult> {
  const w = new BundleWriter(o.out)
  const arm = new ArmReader(o)
  const to = o.now
  const from = new Date(to.getTime() - o.days * 86400_000)
  const progress = o.onProgress ?? (() => undefined)
  // the groups holding Azure roles in every subscription (the Entra files, written once, list them)
  const roleGroups: string[] = []
  let entra: (() => Promise<void>) | null = null
  for (const sub of o.subscriptions) {
    const base = `azure/${sub}`
    const gap = (source: string, problem: string): void => {
      w.gap({ source, scope: `/subscriptions/${sub.toLowerCase()}`, problem })
      progress(`gap: ${source}: ${problem}`)
    }
    progress(`Azure ${sub}: storage accounts`)
    const accounts: unknown[] = []
    try {
      for await (const page of arm.list(`/subscriptions/${sub}/providers/Microsoft.Storage/storageAccounts`, { 'api-version': '2023-05-01' })) accounts.push(...page)
      w.writeJson(`${base}/storage-accounts.json`, { value: accounts })
    } catch (e) {
      accounts.length = 0
      gap('azure.inventory', `listing storage accounts: ${(e as Error).message}`)
    }
    // each account's blob containers (their public access level), one file per account: an account
    // whose containers could not be listed has no file and a gap naming it
    for (const a of accounts) {
      const id = typeof (a as { id?: unknown }).id === 'string' ? (a as { id: string }).id : null
      const name = id ? /\/storageAccounts\/([a-z0-9]{3,24})$/i.exec(id)?.[1]?.toLowerCase() : undefined
      if (!id || !name) continue
      progress(`Azure ${sub}: blob containers of ${name}`)
      try {
        const value: unknown[] = []
        for await (const page of arm.list(`${id}/blobServices/default/containers`, { 'api-version': '2023-05-01' })) value.push(...page)
        w.writeJson(`${base}/blob-containers/${name}.json`, { value })
      } catch (e) {
        w.gap({
          source: 'azure.inventory',
          scope: `/subscriptions/${sub.toLowerCase()}`,
          resource: id.toLowerCase(),
          problem: `listing the blob containers of ${name}: ${(e as Error).message}`
        })
        progress(`gap: azure.inventory: blob containers of ${name}: ${(e as Error).message}`)
      }
    }
    progress(`Azure ${sub}: network security groups`)
    try {
      const value: unknown[] = []
      for await (const page of arm.list(`/subscriptions/${sub}/providers/Microsoft.Network/networkSecurityGroups`, { 'api-version': '2023-09-01' })) value.push(...page)
      w.writeJson(`${base}/network-security-groups.json`, { value })
    } catch (e) {
      gap('azure.inventory', `listing network security groups: ${(e as Error).message}`)
    }
    progress(`Azure ${sub}: AKS clusters`)
    try {
      const value: unknown[] = []
      for await (const page of arm.list(`/subscriptions/${sub}/providers/Microsoft.ContainerService/managedClusters`, { 'api-version': '2024-05-01' })) value.push(...page)
      w.writeJson(`${base}/aks-clusters.json`, { value })
    } catch (e) {
      gap('azure.inventory', `listing AKS clusters: ${(e as Error).message}`)
    }
    progress(`Azure ${sub}: SQL servers`)
    await collectSqlServers(arm, w, base, sub, gap, progress)
    progress(`Azure ${sub}: key vaults`)
    try {
      const value: unknown[] = []
      for await (const page of arm.list(`/subscriptions/${sub}/providers/Microsoft.KeyVault/vaults`, { 'api-version': '2023-07-01' })) value.push(...page)
      w.writeJson(`${base}/key-vaults.json`, { value })
    } catch (e) {
      gap('azure.inventory', `listing key vaults: ${(e as Error).message}`)
    }
    progress(`Azure ${sub}: role assignments`)
    try {
      const value: unknown[] = []
      for await (const page of arm.list(`/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments`, { 'api-version': '2022-04-01' })) value.push(...page)
      w.writeJson(`${base}/role-assignments.json`, { value })
      roleGroups.push(...groupPrincipals(value))
    } catch (e) {
      gap('azure.inventory', `listing role assignments: ${(e as Error).message}`)
    }
    // the tenant's Entra files, once, in the first subscription's folder (they are tenant-wide), after
    // every subscription's role assignments are read (the groups holding Azure roles)
    if (sub === o.subscriptions[0]) entra = () => collectEntra(o, w, `${base}/entra`, from, gap, progress, [...new Set(roleGroups)].sort())
    progress(`Azure ${sub}: activity log`)
    try {
      let n = 0
      // The Activity Log REST API keeps 90 days; each page is written as delivered ({"value":[…]}).
      for await (const page of arm.list(`/subscriptions/${sub}/providers/Microsoft.Insights/eventtypes/management/values`, {
        'api-version': '2015-04-01',
        $filter: `eventTimestamp ge '${from.toISOString()}' and eventTimestamp le '${to.toISOString()}'`
      })) {
        w.writeJson(`${base}/activity-log/page-${String(++n).padStart(4, '0')}.json`, { value: page })
      }
    } catch (e) {
      gap('azure.activity-log', `reading the activity log: ${(e as Error).message}`)
    }
    // Storage resource logs live where their diagnostic setting sends them (a storage account or
    // a Log Analytics workspace), not in ARM: say so, so their absence reads as unknown.
    gap(
      'azure.nsg-flow-logs',
      'NSG flow logs are not collected through ARM; copy the insights-logs-networksecuritygroupflowevent blobs of the flow log storage account into nsg-flow-logs/ (docs/evidence-bundle.md)'
    )
    gap(
      'azure.sql-audit-logs',
      'SQL audit logs are not collected through ARM; copy the insights-logs-sqlsecurityauditevents blobs of the audit diagnostic setting into sql-audit-logs/ (docs/evidence-bundle.md)'
    )
    gap(
      'azure.keyvault-logs',
      "Key Vault logs are not collected through ARM; copy the insights-logs-auditevent blobs of the vaults' diagnostic setting into keyvault-logs/ (docs/evidence-bundle.md)"
    )
    gap(
      'azure.storage-logs',
      'storage resource logs (StorageRead/Write/Delete) are not collected through ARM; copy the diagnostic-setting JSON lines into storage-logs/ (EVIDENCE_BUNDLE.md)'
    )
  }
  if (entra) await entra()
  writeTerraformStates(w, o.terraformStates)
  const manifest = w.finish({
    collectedAt: to.toISOString(),
    collector: { tool: 'lastmile', version: o.version ?? '0', operator: o.operator ?? 'unknown', ...(o.profile ? { profile: o.profile } : {}) },
    window: { from: from.toISOString(), to: to.toISOString() },
    scopes: o.subscriptions.map((s) => ({ provider: 'azure', subscription: s }))
  })
  return { out: o.out, manifest, files: manifest.files.length, gaps: manifest.gaps?.length ?? 0 }
}
