// The fix and its rollback, rendered from the fixture's case and run with bash against the fake
// cloud's `az` (there is no Azure emulator): public network access is saved, then disabled; a second
// run changes nothing; the rollback sets exactly the saved value again. The firewall rules are not touched.
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { changes, fakeCloud, hasBash } from '../../test/fixtures/remediation/run-script'
import { tempDir } from '../../test/helpers/tmp'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'

const FIXTURE = join(__dirname, 'fixtures')
const SUB = '8c1f4e27-3d5a-4b69-a7e0-2f4d6b8c0e13'
const id = (rg: string, name: string) => `/subscriptions/${SUB}/resourcegroups/${rg}/providers/microsoft.sql/servers/${name}`

describe.runIf(hasBash())('azure.sql.public-network-access fix', () => {
  let fx: FixtureCase
  const target = (resource: string) => fx.target('azure.sql.public-network-access', resource)
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('disables public network access, pinned to the subscription, and the rollback sets the saved value again', () => {
    const server = id('rg-billing', 'sql-billing')
    const fix = renderFix(fx.c.db, target(server), 'P-1')
    const script = fix.artefacts[0].content
    expect(script).toContain(`if [ "$signed_in" != '${SUB}' ]`)
    expect(script).toContain('az sql server update --resource-group "$RG" --name "$SERVER" --enable-public-network false --output none')
    expect(fix.notes).toEqual(['publicNetworkAccess: Enabled -> Disabled', 'firewall rules kept but no longer enforced: AllowAll'])
    const before = { publicNetworkAccess: 'Enabled', minimalTlsVersion: '1.2', firewallRules: { AllowAll: ['0.0.0.0', '255.255.255.255'] } }
    const cloud = fakeCloud(mkdtempSync(join(tempDir(), 'cloud-')), { azure: { subscription: SUB, sqlServers: { [server]: structuredClone(before) } } })
    const r = cloud.run(script)
    expect(r.stderr).not.toContain('fail')
    expect(r.code).toBe(0)
    expect((cloud.state() as any).azure.sqlServers[server]).toEqual({ ...before, publicNetworkAccess: 'Disabled' })
    cloud.clearCalls()
    expect(cloud.run(script).code).toBe(0)
    expect(changes(cloud.calls()).filter((x) => !/sql server show/.test(x))).toEqual([])
    const rb = cloud.run(fix.rollback[0].content)
    expect(rb.stderr).not.toMatch(/did not take effect/)
    expect(rb.code).toBe(0)
    expect((cloud.state() as any).azure.sqlServers[server]).toEqual(before)
  })

  it('the rollback refuses when the fix saved nothing from here, changing nothing', () => {
    const server = id('rg-shop', 'sql-shop-prod')
    const fix = renderFix(fx.c.db, target(server), 'P-2')
    const live = { publicNetworkAccess: 'Disabled' }
    const cloud = fakeCloud(mkdtempSync(join(tempDir(), 'cloud-')), { azure: { subscription: SUB, sqlServers: { [server]: structuredClone(live) } } })
    const rb = cloud.run(fix.rollback[0].content)
    expect(rb.code).toBe(1)
    expect(rb.stderr).toContain('no saved publicNetworkAccess of sql-shop-prod')
    expect((cloud.state() as any).azure.sqlServers[server]).toEqual(live)
  })

  it('refuses to plan a server whose public access the evidence shows off', () => {
    expect(() => renderFix(fx.c.db, target(id('rg-shop', 'sql-internal')), 'P-3')).toThrow(/publicNetworkAccess is Disabled, not Enabled/)
  })
})
