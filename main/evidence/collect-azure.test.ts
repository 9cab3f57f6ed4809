import type { AccessToken, TokenCredential } from '@azure/identity'
import { mkdtempSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SUBSCRIPTION } from '../../test/fixtures/evidence/bundle-builder'
import { STORAGE_ID } from '../../test/fixtures/evidence/scenario'
import { createCaseDb } from '../db/case-db'
import { readBundle } from '../semantics/bundle'
import { ArmReader, GRAPH_READS, armReadAllowed, collectAzure } from './collect-azure'
import { addEvidenceBundle } from './service'
import { getCoverage } from '../case/coverage-query'
import { getFacts } from '../case/facts'
import { latestFacet } from '../case/facets'

/** A stand-in for @azure/identity's credentials: what a real one returns, with no network. */
const GUEST = 'e4c2061d-3134-4e8e-9e57-f09433d922fe'
// the application escalation path: hr-sync (owned by the guest) holds GroupMember.ReadWrite.All; sub-owners is Owner of the subscription
const ADMINS = '5a1f0c3e-7b2d-4e8f-9a6c-0d1e2f3a4b5c'
const APP_OBJ = '6b2a1d4f-8c3e-4f90-ab7d-1e2f3a4b5c6d'
const APP_ID = '7c3b2e50-9d4f-4a01-bc8e-2f3a4b5c6d7e'
const APP_SP = '8d4c3f61-ae50-4b12-8d9f-3a4b5c6d7e8f'
const GRAPH_SP = '9e5d4072-bf61-4c23-9ea0-4b5c6d7e8f90'
const SQL_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-shop`
const PE_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/pe-sql-shop`
const VAULT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-data/providers/Microsoft.KeyVault/vaults/kv-shop`
const credential: TokenCredential = { getToken: async (): Promise<AccessToken> => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3600_000 }) }

describe('evidence collect (Azure) against a local ARM stand-in', () => {
  let server: Server
  let base = ''
  const seen: Array<{ method: string; url: string; auth: string | undefined }> = []
  let throttleOnce = true

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization })
      const url = new URL(req.url ?? '/', base)
      const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers })
        res.end(JSON.stringify(body))
      }
      if (url.pathname.endsWith('/providers/Microsoft.Storage/storageAccounts')) {
        if (throttleOnce) {
          throttleOnce = false
          return json(429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'retry-after': '1' })
        }
        if (url.searchParams.get('page') === '2')
          return json(200, { value: [{ id: `${STORAGE_ID}2`, name: 'stdata012', properties: { supportsHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_2' } }] })
        return json(200, {
          value: [
            { id: STORAGE_ID, name: 'stdata01', location: 'westeurope', tags: { Owner: 'data-team' }, properties: { supportsHttpsTrafficOnly: false, minimumTlsVersion: 'TLS1_0' } }
          ],
          nextLink: `${base}${url.pathname}?api-version=2023-05-01&page=2`
        })
      }
      if (url.pathname === `${STORAGE_ID}/blobServices/default/containers`)
        return json(200, { value: [{ id: `${STORAGE_ID}/blobServices/default/containers/public`, name: 'public', properties: { publicAccess: 'Blob' } }] })
      if (url.pathname === `${STORAGE_ID}2/blobServices/default/containers`) return json(403, { error: { code: 'AuthorizationFailed', message: 'no read on stdata012' } })
      if (url.pathname.endsWith('/providers/Microsoft.Network/networkSecurityGroups'))
        return json(200, {
          value: [
            {
              id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-a`,
              name: 'nsg-a',
              properties: {
                securityRules: [
                  { name: 'ssh', properties: { priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '*', destinationPortRange: '22' } }
                ],
                networkInterfaces: [{ id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic-a' }]
              }
            }
          ]
        })
      if (url.pathname.endsWith('/providers/Microsoft.ContainerService/managedClusters'))
        return json(200, {
          value: [
            {
              id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/shop-aks`,
              name: 'shop-aks',
              location: 'westeurope',
              properties: { fqdn: 'shop-aks-dns-1a2b3c4d.hcp.westeurope.azmk8s.io', apiServerAccessProfile: { enablePrivateCluster: false } }
            }
          ]
        })
      // an Azure SQL server (its firewall rules listed; its virtual network rules refused) and a key vault
      if (url.pathname.endsWith('/providers/Microsoft.Sql/servers') && url.searchParams.get('api-version') === '2021-11-01')
        return json(200, {
          value: [
            {
              id: SQL_ID,
              name: 'sql-shop',
              location: 'westeurope',
              properties: {
                publicNetworkAccess: 'Enabled',
                minimalTlsVersion: '1.2',
                privateEndpointConnections: [
                  { id: `${SQL_ID}/privateEndpointConnections/pe-1`, properties: { privateEndpoint: { id: PE_ID }, privateLinkServiceConnectionState: { status: 'Approved' } } }
                ]
              }
            }
          ]
        })
      if (url.pathname === `${SQL_ID}/firewallRules`)
        return json(200, { value: [{ id: `${SQL_ID}/firewallRules/AllowAll`, name: 'AllowAll', properties: { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' } }] })
      if (url.pathname === `${SQL_ID}/virtualNetworkRules`) return json(403, { error: { code: 'AuthorizationFailed', message: 'no read on virtualNetworkRules' } })
      if (url.pathname.endsWith('/providers/Microsoft.KeyVault/vaults') && url.searchParams.get('api-version') === '2023-07-01')
        return json(200, {
          value: [
            {
              id: VAULT_ID,
              name: 'kv-shop',
              properties: { publicNetworkAccess: 'Enabled', networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] } }
            }
          ]
        })
      if (url.pathname.endsWith('/eventtypes/management/values')) {
        if (!/eventTimestamp ge '2026-08-22T00:00:00.000Z' and eventTimestamp le '2026-11-20T00:00:00.000Z'/.test(url.searchParams.get('$filter') ?? ''))
          return json(400, { error: { code: 'BadFilter', message: 'no window' } })
        return json(200, {
          value: [
            {
              caller: 'dana@example.com',
              eventTimestamp: '2026-09-01T10:00:00Z',
              operationName: { value: 'Microsoft.Storage/storageAccounts/write' },
              status: { value: 'Succeeded' },
              resourceId: STORAGE_ID
            }
          ]
        })
      }
      if (url.pathname.endsWith('/providers/Microsoft.Authorization/roleAssignments'))
        return json(200, {
          value: [
            {
              id: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments/7d2f1a3e-4b5c-4d6e-8f70-1a2b3c4d5e6f`,
              properties: {
                roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
                principalId: GUEST,
                principalType: 'User',
                scope: `/subscriptions/${SUBSCRIPTION}`
              }
            },
            {
              id: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments/8e3f2b4f-5c6d-4e7f-9081-2b3c4d5e6f70`,
              properties: {
                roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
                principalId: ADMINS,
                principalType: 'Group',
                scope: `/subscriptions/${SUBSCRIPTION}`
              }
            }
          ]
        })
      // Microsoft Graph (the same stand-in): no Entra ID P1, so no signInActivity; users in two pages
      if (url.pathname === '/v1.0/users') {
        if ((url.searchParams.get('$select') ?? '').includes('signInActivity'))
          return json(403, { error: { code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', message: "Neither tenant is B2C or tenant doesn't have premium license" } })
        if (url.searchParams.get('page') === '2')
          return json(200, { value: [{ id: GUEST, userPrincipalName: 'x_fabrikam.com#EXT#@contoso.onmicrosoft.com', userType: 'Guest', accountEnabled: true }] })
        return json(200, { value: [{ id: '0b1e7c55-2f0e-4a51-9d8e-6c0a3b2f1e11', userType: 'Member' }], '@odata.nextLink': `${base}/v1.0/users?page=2` })
      }
      if (url.pathname === '/v1.0/roleManagement/directory/roleAssignments' && url.searchParams.get('$expand') === 'roleDefinition')
        return json(200, {
          value: [
            {
              id: 'ra-1',
              principalId: GUEST,
              roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
              directoryScopeId: '/',
              roleDefinition: { displayName: 'Global Administrator' }
            }
          ]
        })
      if (url.pathname === '/v1.0/auditLogs/signIns' && url.searchParams.get('$filter') === 'createdDateTime ge 2026-08-22T00:00:00.000Z')
        return json(200, { value: [{ createdDateTime: '2026-11-01T10:00:00Z', userId: GUEST, status: { errorCode: 0 }, appDisplayName: 'Azure Portal' }] })
      // the escalation path's lists (owners expanded, as collect asks)
      const owners = url.searchParams.get('$expand') === 'owners'
      if (url.pathname === '/v1.0/applications' && owners)
        return json(200, {
          value: [
            { id: APP_OBJ, appId: APP_ID, displayName: 'hr-sync', passwordCredentials: [], keyCredentials: [], owners: [{ '@odata.type': '#microsoft.graph.user', id: GUEST }] }
          ]
        })
      if (url.pathname === '/v1.0/servicePrincipals' && owners)
        return json(200, {
          value: [
            { id: GRAPH_SP, appId: '00000003-0000-0000-c000-000000000000', displayName: 'Microsoft Graph', owners: [] },
            { id: APP_SP, appId: APP_ID, displayName: 'hr-sync', owners: [] }
          ]
        })
      if (url.pathname === `/v1.0/servicePrincipals/${APP_SP}/appRoleAssignments`)
        return json(200, { value: [{ id: 'Z4Jf2KWeKZUlrlM7N7-hmw', principalId: APP_SP, resourceId: GRAPH_SP, appRoleId: 'dbaae8cf-10b5-4b86-a4a1-f871c94c6695' }] })
      if (url.pathname === `/v1.0/servicePrincipals/${GRAPH_SP}/appRoleAssignments`) return json(200, { value: [] })
      if (url.pathname === '/v1.0/groups' && owners && url.searchParams.get('$filter') === 'isAssignableToRole eq true') return json(200, { value: [] })
      if (url.pathname === '/v1.0/groups' && owners && url.searchParams.get('$filter') === `id in ('${ADMINS}')`)
        return json(200, { value: [{ id: ADMINS, displayName: 'sub-owners', isAssignableToRole: false, owners: [] }] })
      if (url.pathname === `/v1.0/groups/${ADMINS}/members`) return json(200, { value: [] })
      if (
        url.pathname === '/beta/auditLogs/signIns' &&
        url.searchParams.get('$filter') === "createdDateTime ge 2026-08-22T00:00:00.000Z and signInEventTypes/any(t: t eq 'servicePrincipal')"
      )
        return json(200, {
          value: [{ createdDateTime: '2026-11-02T03:00:00Z', servicePrincipalId: APP_SP, appId: APP_ID, status: { errorCode: 0 }, resourceDisplayName: 'Microsoft Graph' }]
        })
      if (url.pathname === '/v1.0/auditLogs/directoryAudits') return json(403, { error: { code: 'Authorization_RequestDenied', message: 'no AuditLog.Read.All' } })
      json(404, { error: { code: 'NotFound', message: url.pathname } })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const addr = server.address() as { port: number }
    base = `http://127.0.0.1:${addr.port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('pages, waits out a 429, sends only GETs with the bearer token, and writes a bundle that adds to a case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lm-az-'))
    const out = join(dir, 'bundle')
    const r = await collectAzure({
      out,
      credential,
      baseUrl: base,
      graphBaseUrl: base,
      subscriptions: [SUBSCRIPTION],
      days: 90,
      now: new Date('2026-11-20T00:00:00Z'),
      sleep: async () => undefined
    })
    expect(seen.every((s) => s.method === 'GET' && s.auth === 'Bearer test-token')).toBe(true)
    expect(seen.filter((s) => s.url.includes('storageAccounts'))).toHaveLength(3)
    expect(r.manifest.files.map((f) => f.path).sort()).toEqual([
      `azure/${SUBSCRIPTION}/activity-log/page-0001.json`,
      `azure/${SUBSCRIPTION}/aks-clusters.json`,
      `azure/${SUBSCRIPTION}/blob-containers/stdata01.json`,
      `azure/${SUBSCRIPTION}/entra/app-role-assignments.json`,
      `azure/${SUBSCRIPTION}/entra/applications.json`,
      `azure/${SUBSCRIPTION}/entra/directory-role-assignments.json`,
      `azure/${SUBSCRIPTION}/entra/groups.json`,
      `azure/${SUBSCRIPTION}/entra/service-principal-sign-ins.json`,
      `azure/${SUBSCRIPTION}/entra/service-principals.json`,
      `azure/${SUBSCRIPTION}/entra/sign-ins.json`,
      `azure/${SUBSCRIPTION}/entra/users.json`,
      `azure/${SUBSCRIPTION}/key-vaults.json`,
      `azure/${SUBSCRIPTION}/network-security-groups.json`,
      `azure/${SUBSCRIPTION}/role-assignments.json`,
      `azure/${SUBSCRIPTION}/sql-servers.json`,
      `azure/${SUBSCRIPTION}/storage-accounts.json`
    ])
    // the second account's containers could not be listed: a gap naming it, not an empty list
    // the tenant's Entra files come after every subscription's own (they list the groups holding Azure roles)
    expect(r.manifest.gaps?.map((g) => [g.source, g.resource ?? null])).toEqual([
      ['azure.inventory', `${STORAGE_ID}2`],
      ['azure.inventory', SQL_ID.toLowerCase()],
      ['azure.nsg-flow-logs', null],
      ['azure.sql-audit-logs', null],
      ['azure.keyvault-logs', null],
      ['azure.storage-logs', null],
      ['azure.inventory', null],
      ['azure.inventory', null]
    ])
    expect(r.manifest.gaps?.[0].problem).toMatch(/blob containers of stdata012: AuthorizationFailed: no read on stdata012/)
    // the server's virtual network rules could not be listed: a gap naming the server, and the list left out (not said)
    expect(r.manifest.gaps?.[1].problem).toMatch(/virtualNetworkRules of .*sql-shop: AuthorizationFailed/)
    // without Entra ID P1 the users come without signInActivity, said in a gap; a log that cannot be read is a gap and no file
    expect(r.manifest.gaps?.[6].problem).toMatch(/signInActivity could not be read \(Authentication_RequestFromNonPremiumTenantOrB2CTenant/)
    expect(r.manifest.gaps?.[7].problem).toMatch(/reading the directory audit log: Authorization_RequestDenied/)
    await readBundle(out)
    const c = createCaseDb(join(dir, 'c.lmcase'), 'correct horse battery', { now: '2026-11-21T00:00:00Z' })
    try {
      await addEvidenceBundle(c, out, { actor: { kind: 'engine', name: 't' }, threads: 0 })
      const f = getFacts(c.db, STORAGE_ID)
      expect(f.azureStorage).toMatchObject({ supportsHttpsTrafficOnly: false, minimumTlsVersion: 'TLS1_0' })
      expect(f.owner).toMatchObject({ value: 'data-team', basis: 'tag' })
      expect(getFacts(c.db, `${STORAGE_ID}2`).azureStorage?.minimumTlsVersion).toBe('TLS1_2')
      expect(latestFacet(c.db, STORAGE_ID, 'azure.storage.containers')?.value).toEqual({ containers: [{ name: 'public', publicAccess: 'Blob' }] })
      expect(latestFacet(c.db, `${STORAGE_ID}2`, 'azure.storage.containers')).toBeNull()
      const nsg = latestFacet(c.db, `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/nsg-a`, 'azure.nsg.config')?.value
      expect(nsg).toMatchObject({ rules: [{ name: 'ssh', sources: ['*'], ports: ['22'] }], networkInterfaces: [expect.stringMatching(/nic-a$/)], subnets: null })
      // the SQL server: public access on, the whole-internet rule, its private endpoint; the vault's network ACLs
      expect(latestFacet(c.db, SQL_ID.toLowerCase(), 'azure.sql.config')?.value).toMatchObject({
        publicNetworkAccess: 'Enabled',
        firewallRules: [{ name: 'AllowAll', start: '0.0.0.0', end: '255.255.255.255' }],
        virtualNetworkRules: null,
        privateEndpoints: [{ id: PE_ID.toLowerCase(), state: 'Approved' }]
      })
      expect(latestFacet(c.db, VAULT_ID.toLowerCase(), 'azure.keyvault.config')?.value).toMatchObject({
        networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] }
      })
      // the AKS cluster's API server access: public, no authorized ranges (ARM leaves authorizedIPRanges out)
      expect(latestFacet(c.db, `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-aks/providers/microsoft.containerservice/managedclusters/shop-aks`, 'aks.cluster')?.value).toEqual(
        {
          id: `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-aks/providers/microsoft.containerservice/managedclusters/shop-aks`,
          name: 'shop-aks',
          location: 'westeurope',
          fqdn: 'shop-aks-dns-1a2b3c4d.hcp.westeurope.azmk8s.io',
          privateCluster: false,
          authorizedIpRanges: []
        }
      )
      // the Graph and RBAC files are read into the guest's azure.entra.user facet (both pages of users)
      expect(latestFacet(c.db, GUEST, 'azure.entra.user')?.value).toMatchObject({
        user: { userType: 'Guest', signInActivity: null },
        directoryRoles: [{ role: 'Global Administrator', directoryScopeId: '/' }],
        azureRoles: [{ scope: `/subscriptions/${SUBSCRIPTION}` }],
        signIns: { signIns: 1, signInsOk: 1 },
        operations: null
      })
      // the escalation files: the guest owns hr-sync, which adds members to sub-owners (Owner of the subscription); no audit log, so no operations known
      expect(latestFacet(c.db, GUEST, 'azure.entra.escalation')?.value).toMatchObject({
        paths: [
          {
            app: { servicePrincipalId: APP_SP, appId: APP_ID, applicationId: APP_OBJ, name: 'hr-sync' },
            via: { kind: 'owns-application', object: { collection: 'applications', id: APP_OBJ } },
            reach: { kind: 'app-role', assignment: { id: 'Z4Jf2KWeKZUlrlM7N7-hmw', principalId: APP_SP, resourceId: GRAPH_SP } },
            group: { id: ADMINS, name: 'sub-owners', roleAssignable: false, admin: [`Owner on /subscriptions/${SUBSCRIPTION}`] }
          }
        ],
        missing: [],
        credentialOps: null,
        spSignIns: { [APP_SP]: { signIns: 1, last: '2026-11-02T03:00:00Z' } }
      })
      const cov = getCoverage(c.db, 'azure.storage-logs', STORAGE_ID)
      // no storage logs at all: "none", and the gap says why (never "no HTTP requests")
      expect(cov.state).toBe('none')
      expect(cov.gaps[0]).toMatchObject({ reason: 'collection-failed', detail: expect.stringMatching(/not collected through ARM/) })
    } finally {
      c.close()
    }
  })

  it('an endpoint that fails is a gap in the manifest, not a crash', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lm-az2-')), 'bundle')
    const r = await collectAzure({
      out,
      credential,
      baseUrl: base,
      graphBaseUrl: base,
      subscriptions: [SUBSCRIPTION],
      days: 30,
      now: new Date('2026-11-20T00:00:00Z'),
      sleep: async () => undefined
    })
    expect(r.manifest.gaps?.find((g) => g.source === 'azure.activity-log')?.problem).toMatch(/BadFilter: no window/)
  })

  it('never follows a nextLink to another host with the token', async () => {
    const foreign = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ value: [1], nextLink: 'http://evil.example/steal' }))
    })
    await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r))
    try {
      const arm = new ArmReader({ credential, baseUrl: `http://127.0.0.1:${(foreign.address() as { port: number }).port}` })
      const pages: unknown[] = []
      await expect(
        (async () => {
          for await (const p of arm.list(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Storage/storageAccounts`, { 'api-version': '1' })) pages.push(p)
        })()
      ).rejects.toThrow(/refused to follow a nextLink to http:\/\/evil\.example/)
      expect(pages).toEqual([[1]])
    } finally {
      foreign.close()
    }
  })
  it('reads only the ARM paths of its allow-list: anything else is refused before a request is sent', async () => {
    const before = seen.length
    const arm = new ArmReader({ credential, baseUrl: base })
    const read = async (path: string): Promise<void> => {
      for await (const _ of arm.list(path, { 'api-version': '2023-05-01' })) void _
    }
    // an action that returns secrets, a write-shaped path, another provider's list
    await expect(read(`${STORAGE_ID}/listKeys`)).rejects.toThrow(/is not one of the ARM reads evidence collect makes/)
    await expect(read(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/virtualMachines`)).rejects.toThrow(/ARM_READS/)
    expect(seen.length).toBe(before)
    expect(armReadAllowed(`${STORAGE_ID}/blobServices/default/containers`)).toBe(true)
    expect(armReadAllowed(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.ContainerService/managedClusters`)).toBe(true)
    // listClusterAdminCredential & co. are POST actions that return kubeconfigs: never a read of the list
    expect(armReadAllowed(`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/shop-aks/listClusterAdminCredential`)).toBe(
      false
    )
    expect(armReadAllowed(`${STORAGE_ID}/blobServices/default/containers/public`)).toBe(false)
    // a server's rule lists are reads; a vault's secrets and keys (a data-plane read of what the vault guards) never are
    expect(armReadAllowed(`${SQL_ID}/firewallRules`)).toBe(true)
    expect(armReadAllowed(`${SQL_ID}/firewallRules/AllowAll`)).toBe(false)
    expect(armReadAllowed(`${SQL_ID}/databases`)).toBe(false)
    expect(armReadAllowed(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.KeyVault/vaults`)).toBe(true)
    expect(armReadAllowed(`${VAULT_ID}/secrets`)).toBe(false)
    // the Graph reader keeps to its own list: no write-shaped or other path, no ARM path
    const graph = new ArmReader({ credential, baseUrl: base, reads: GRAPH_READS })
    for (const path of [
      '/v1.0/users/' + GUEST,
      `/v1.0/applications/${APP_OBJ}/addPassword`,
      `/v1.0/servicePrincipals/${APP_SP}/owners`,
      '/beta/users',
      `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Storage/storageAccounts`
    ])
      await expect(
        (async () => {
          for await (const _ of graph.list(path, {})) void _
        })()
      ).rejects.toThrow(/not one of the Microsoft Graph reads evidence collect makes/)
    expect(seen.length).toBe(before)
  })
})
