// azure.keyvault.firewall's fixture world: seven key vaults of one subscription, one for each way the
// investigation can end, reported by Defender for Cloud. Their AuditEvent logs (where a diagnostic
// setting sends them) hold requests every 12 hours: a CI pipeline from its public address, a VM fetching
// its certificate as a trusted service, applications from virtual network addresses, and a stranger
// refused.
import { at, COLLECTED_AT, defenderRecommendation, keyVault, vaultAuditRecord, type Expected, type Json, type World } from '../../test/casegen/world'

const SUBSCRIPTION = '2e7a9c41-6b3d-4f58-9a1c-7d0e3b5f8a26'
const idOf = (rg: string, name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`
const peOf = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/${name}`
const PIPELINE_APP = '4f1d2c3b-5a69-4e87-b0c1-d2e3f4a5b6c7'

/** AuditEvent records every 12 hours from `fromDay` to the window's end, each with what `calls` puts in it. */
function log(w: World, vault: string, calls: (time: string, k: number) => Json[], fromDay = 0): void {
  const list: Json[] = []
  for (let k = fromDay * 2; k < 180; k++) list.push(...calls(at(Math.floor(k / 2), (k % 2) * 12 + 3), k))
  w.subscription(SUBSCRIPTION).vaultLogs.set(vault, list)
}

export function scenario(w: World): void {
  const z = w.subscription(SUBSCRIPTION)
  // the shop's vault: the CI pipeline reads a secret from its public address, the VMs fetch their
  // certificate as a trusted service; a stranger is refused (not use)
  const shop = idOf('rg-shop', 'kv-shop-prod')
  z.keyVaults.push(keyVault({ id: shop, acls: { defaultAction: 'Allow', bypass: 'AzureServices' }, tags: { Owner: 'shop-team' } }))
  log(w, shop, (time, k) => [
    vaultAuditRecord({ vault: shop, time, caller: '198.51.100.20', operation: 'SecretGet', appId: PIPELINE_APP }),
    ...(k % 4 === 0
      ? [vaultAuditRecord({ vault: shop, time, caller: '52.178.10.4', operation: 'SecretGet', appId: 'ce3c9d2f-0d3e-4c31-9d45-2f6f2b1e6b9a', trustedService: 'Microsoft.Compute' })]
      : []),
    ...(k % 9 === 0 ? [vaultAuditRecord({ vault: shop, time, caller: `192.0.2.${k % 200}`, operation: 'SecretList', status: 403 })] : [])
  ])
  // payments: no private endpoint; the payment service reads keys from its subnet's service endpoint
  const payments = idOf('rg-pay', 'kv-payments')
  z.keyVaults.push(keyVault({ id: payments, acls: null, tags: { Owner: 'payments' } }))
  log(w, payments, (time) => [vaultAuditRecord({ vault: payments, time, caller: '10.50.1.9', operation: 'KeyUnwrap', appId: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })])
  // the diagnostic setting was turned on 60 days into the window
  const legacy = idOf('rg-legacy', 'kv-legacy')
  z.keyVaults.push(keyVault({ id: legacy, acls: { defaultAction: 'Allow', bypass: 'AzureServices' }, tags: { Owner: 'legacy-apps' } }))
  log(w, legacy, (time) => [vaultAuditRecord({ vault: legacy, time, caller: '203.0.113.40', operation: 'SecretGet', upn: 'ops@example.com' })], 60)
  // the firewall is on already: a stale finding
  const locked = idOf('rg-shop', 'kv-shop-certs')
  z.keyVaults.push(keyVault({ id: locked, acls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: ['198.51.100.20/32'] }, tags: { Owner: 'shop-team' } }))
  // apps: a private endpoint, and callers from private addresses — through it, or a service endpoint?
  const apps = idOf('rg-apps', 'kv-apps')
  z.keyVaults.push(keyVault({ id: apps, acls: { defaultAction: 'Allow', bypass: 'AzureServices' }, privateEndpoints: [peOf('pe-kv-apps')], tags: { Owner: 'apps' } }))
  log(w, apps, (time) => [vaultAuditRecord({ vault: apps, time, caller: '10.60.0.4', operation: 'SecretGet', appId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' })])

  // builds: a hosted CI agent reads a secret from whichever public address its pool gives it
  const builds = idOf('rg-builds', 'kv-builds')
  z.keyVaults.push(keyVault({ id: builds, acls: { defaultAction: 'Allow', bypass: 'AzureServices' }, tags: { Owner: 'platform' } }))
  log(w, builds, (time, k) => [
    vaultAuditRecord({ vault: builds, time, caller: `203.0.113.${60 + (k % 3)}`, operation: 'SecretGet', appId: '7c6b5a49-3e2d-4c1b-9a08-f7e6d5c4b3a2' })
  ])

  // partner: the partner's gateway calls from two addresses of a range the vault's IP rules already
  // admit (its owner wrote them before turning the firewall on): the fix pins nothing for it
  const partner = idOf('rg-partner', 'kv-partner')
  z.keyVaults.push(keyVault({ id: partner, acls: { defaultAction: 'Allow', bypass: 'AzureServices', ipRules: ['203.0.113.64/28'] }, tags: { Owner: 'partners' } }))
  log(w, partner, (time, k) => [
    vaultAuditRecord({ vault: partner, time, caller: `203.0.113.${70 + (k % 2)}`, operation: 'SecretGet', appId: '0d9c8b7a-6f5e-4d3c-8b2a-19f0e8d7c6b5' })
  ])

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      shop,
      'SAFE',
      { open: 'yes', 'callers-kept': 'yes' },
      'the pipeline gets an IP rule and the VMs keep fetching their certificate through the trusted-service bypass',
      { 'callers-kept': 'trusted Azure services (Microsoft.Compute) keep working only because the fix sets bypass AzureServices' }
    ],
    [
      payments,
      'UNSAFE',
      { open: 'yes', 'callers-kept': 'no' },
      "the payment service comes through its subnet's service endpoint and there is no private endpoint",
      { 'callers-kept': '10.50.1.9' }
    ],
    [legacy, 'RISKY', { open: 'yes', 'callers-kept': 'unknown' }, 'its AuditEvent log covers only the last 30 days'],
    [
      builds,
      'RISKY',
      { open: 'yes', 'callers-kept': 'unknown' },
      "the CI agent's address changes: IP rules for the three seen would not admit the next",
      { 'callers-kept': 'called from 3 public addresses (203.0.113.60, 203.0.113.61, 203.0.113.62)' }
    ],
    [locked, 'SAFE', { open: 'no' }, 'a stale finding: the firewall is already on'],
    [
      partner,
      'SAFE',
      { open: 'yes', 'callers-kept': 'yes' },
      "the partner's two addresses are in a range the vault's IP rules already admit",
      { 'callers-kept': '2 public addresses already in the IP rules (203.0.113.70, 203.0.113.71)' }
    ],
    [
      apps,
      'RISKY',
      { open: 'yes', 'callers-kept': 'unknown' },
      'private callers may come through the private endpoint or a service endpoint',
      { 'callers-kept': 'the log gives the address, not which path' }
    ]
  ]
  for (const [id, verdict, steps, why, says] of cases) {
    w.findings.defender.push(
      defenderRecommendation({
        resourceId: id,
        key: '52f7826a-ace7-3107-dd0d-4875853c1576',
        title: 'Firewall should be enabled on Key Vault',
        severity: 'Medium',
        time: COLLECTED_AT
      })
    )
    w.expect({ control: 'azure.keyvault.firewall', resource: id.toLowerCase(), verdict, steps, why, ...(says ? { says } : {}) })
  }
}
