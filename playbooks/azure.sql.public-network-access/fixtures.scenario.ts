// azure.sql.public-network-access's fixture world: five Azure SQL servers of one subscription, one for
// each way the investigation can end, reported by Defender for Cloud. Their SQL audit logs (where
// auditing is on) hold logins every 12 hours: the applications' own, a reporting tool's from an
// office address, and an internet scanner's failed attempts.
import { at, COLLECTED_AT, defenderRecommendation, sqlAuditRecord, sqlServer, type Expected, type Json, type World } from '../../test/casegen/world'

const SUBSCRIPTION = '8c1f4e27-3d5a-4b69-a7e0-2f4d6b8c0e13'
const idOf = (rg: string, name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.Sql/servers/${name}`
const peOf = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/${name}`
const subnetOf = (vnet: string, name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${name}`

const ALLOW_ALL = { name: 'AllowAll', start: '0.0.0.0', end: '255.255.255.255' }
const AZURE_SERVICES = { name: 'AllowAllWindowsAzureIps', start: '0.0.0.0', end: '0.0.0.0' }

/** Audit records every 12 hours from `fromDay` to the window's end, each with what `logins` puts in it. */
function audit(w: World, server: string, logins: (time: string, k: number) => Json[], fromDay = 0): void {
  const list: Json[] = []
  for (let k = fromDay * 2; k < 180; k++) list.push(...logins(at(Math.floor(k / 2), (k % 2) * 12 + 2), k))
  w.subscription(SUBSCRIPTION).sqlAudit.set(server, list)
}

export function scenario(w: World): void {
  const z = w.subscription(SUBSCRIPTION)
  const app =
    (server: string, client: string, principal = 'shop_app', app = 'Core Microsoft SqlClient Data Provider') =>
    (time: string) =>
      sqlAuditRecord({ server, time, client, principal, app })
  const scanner = (server: string) => (time: string, k: number) => sqlAuditRecord({ server, time, client: `45.155.${k % 200}.11`, principal: 'sa', app: '', succeeded: false })

  // the shop's database: the application comes through the private endpoint, a reporting tool from the office over the public endpoint
  const shop = idOf('rg-shop', 'sql-shop-prod')
  z.sqlServers.push(
    sqlServer({
      id: shop,
      publicNetworkAccess: 'Enabled',
      firewall: [ALLOW_ALL, AZURE_SERVICES, { name: 'office', start: '198.51.100.0', end: '198.51.100.15' }],
      privateEndpoints: [peOf('pe-sql-shop')],
      tags: { Owner: 'shop-team' }
    })
  )
  audit(w, shop, (t, k) => [
    app(shop, '10.30.1.4')(t),
    ...(k % 14 === 0 ? [sqlAuditRecord({ server: shop, time: t, client: '198.51.100.7', principal: 'bi_reader', app: 'PowerBI' })] : [])
  ])
  // billing: only the application, through the private endpoint; scanners knock on the public endpoint and fail
  const billing = idOf('rg-billing', 'sql-billing')
  z.sqlServers.push(sqlServer({ id: billing, publicNetworkAccess: 'Enabled', firewall: [ALLOW_ALL], privateEndpoints: [peOf('pe-sql-billing')], tags: { Owner: 'billing' } }))
  audit(w, billing, (t, k) => [app(billing, '10.30.2.5', 'billing_svc')(t), ...(k % 3 === 0 ? [scanner(billing)(t, k)] : [])])
  // auditing turned on 60 days into the window
  const legacy = idOf('rg-legacy', 'sql-legacy')
  z.sqlServers.push(
    sqlServer({ id: legacy, publicNetworkAccess: 'Enabled', firewall: [AZURE_SERVICES], privateEndpoints: [peOf('pe-sql-legacy')], tags: { Owner: 'legacy-apps' } })
  )
  audit(w, legacy, (t) => [app(legacy, '10.30.3.6', 'legacy_app')(t)], 60)
  // public access already off: a stale finding
  const internal = idOf('rg-shop', 'sql-internal')
  z.sqlServers.push(sqlServer({ id: internal, publicNetworkAccess: 'Disabled', firewall: [], privateEndpoints: [peOf('pe-sql-internal')], tags: { Owner: 'shop-team' } }))
  // analytics: no private endpoint; its jobs come from a subnet through a virtual network rule
  const analytics = idOf('rg-data', 'sql-analytics')
  z.sqlServers.push(
    sqlServer({
      id: analytics,
      publicNetworkAccess: 'Enabled',
      firewall: [],
      vnetRules: [{ name: 'allow-snet-jobs', subnet: subnetOf('vnet-data', 'snet-jobs') }],
      privateEndpoints: [],
      tags: { Owner: 'data-team' }
    })
  )
  audit(w, analytics, (t) => [app(analytics, '10.40.0.8', 'etl_runner', 'SSIS')(t)])

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      shop,
      'UNSAFE',
      { public: 'yes', 'private-endpoint': 'yes', 'clients-cut': 'yes' },
      'a reporting tool logs in from the office over the public endpoint',
      { 'clients-cut': 'delete the firewall rules they do not need (AllowAll 0.0.0.0–255.255.255.255)' }
    ],
    [
      billing,
      'SAFE',
      { public: 'yes', 'private-endpoint': 'yes', 'clients-cut': 'no' },
      'every login comes through the private endpoint; the scanners only fail',
      { 'clients-cut': 'every login came from a private address through the private endpoint' }
    ],
    [legacy, 'RISKY', { public: 'yes', 'clients-cut': 'unknown' }, 'its audit log covers only the last 30 days'],
    [internal, 'SAFE', { public: 'no' }, 'a stale finding: public network access is already disabled'],
    [
      analytics,
      'UNSAFE',
      { 'private-endpoint': 'no', 'clients-cut': 'yes' },
      'its jobs come through a virtual network rule and there is no private endpoint',
      { 'clients-cut': 'allow-snet-jobs' }
    ]
  ]
  for (const [id, verdict, steps, why, says] of cases) {
    w.findings.defender.push(
      defenderRecommendation({
        resourceId: id,
        key: '22e93e92-4a31-b4cd-d640-3ef908430aa6',
        title: 'Public network access on Azure SQL Database should be disabled',
        severity: 'Medium',
        time: COLLECTED_AT
      })
    )
    w.expect({ control: 'azure.sql.public-network-access', resource: id.toLowerCase(), verdict, steps, why, ...(says ? { says } : {}) })
  }
}
