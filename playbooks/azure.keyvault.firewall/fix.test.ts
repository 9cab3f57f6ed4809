// The fix and its rollback, rendered from the fixture's case and run with bash against the fake
// cloud's `az` (there is no Azure emulator): the networkAcls are saved, the public caller seen gets an
// IP rule, the default action becomes Deny with trusted services bypassing; a second run changes
// nothing; the rollback puts the saved networkAcls back exactly.
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { changes, fakeCloud, hasBash } from '../../test/fixtures/remediation/run-script'
import { tempDir } from '../../test/helpers/tmp'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'

const FIXTURE = join(__dirname, 'fixtures')
const SUB = '2e7a9c41-6b3d-4f58-9a1c-7d0e3b5f8a26'
const id = (rg: string, name: string) => `/subscriptions/${SUB}/resourcegroups/${rg}/providers/microsoft.keyvault/vaults/${name}`
const OPEN = { bypass: 'None', defaultAction: 'Allow', ipRules: [{ value: '203.0.113.99/32' }], virtualNetworkRules: [] }

describe.runIf(hasBash())('azure.keyvault.firewall fix', () => {
  let fx: FixtureCase
  const target = (resource: string) => fx.target('azure.keyvault.firewall', resource)
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('allows the public caller seen, turns the firewall on with the trusted-service bypass, and the rollback restores the networkAcls exactly', () => {
    const vault = id('rg-shop', 'kv-shop-prod')
    const fix = renderFix(fx.c.db, target(vault), 'P-1')
    const script = fix.artefacts[0].content
    expect(script).toContain(`if [ "$signed_in" != '${SUB}' ]`)
    expect(script).toContain(`az keyvault network-rule add --resource-group "$RG" --name "$VAULT" --ip-address '198.51.100.20' --output none`)
    expect(script).toContain('az keyvault update --resource-group "$RG" --name "$VAULT" --default-action Deny --bypass AzureServices --output none')
    // the trusted service and the refused stranger get no rule
    expect(script).not.toContain('52.178.10.4')
    expect(script).not.toMatch(/192\.0\.2\./)
    const before = { enableRbacAuthorization: true, networkAcls: structuredClone(OPEN) }
    const cloud = fakeCloud(mkdtempSync(join(tempDir(), 'cloud-')), { azure: { subscription: SUB, keyVaults: { [vault]: structuredClone(before) } } })
    const r = cloud.run(script)
    expect(r.stderr).not.toContain('fail')
    expect(r.code).toBe(0)
    expect((cloud.state() as any).azure.keyVaults[vault].networkAcls).toEqual({
      bypass: 'AzureServices',
      defaultAction: 'Deny',
      ipRules: [{ value: '203.0.113.99/32' }, { value: '198.51.100.20/32' }],
      virtualNetworkRules: []
    })
    cloud.clearCalls()
    expect(cloud.run(script).code).toBe(0)
    expect(changes(cloud.calls()).filter((x) => !/keyvault show/.test(x))).toEqual([])
    const rb = cloud.run(fix.rollback[0].content)
    expect(rb.stderr).not.toMatch(/did not take effect|differ/)
    expect(rb.code).toBe(0)
    expect((cloud.state() as any).azure.keyVaults[vault]).toEqual(before)
  })

  it('a vault that had no networkAcls gets Azure defaults back, which is what none means', () => {
    const vault = id('rg-pay', 'kv-payments')
    const fix = renderFix(fx.c.db, target(vault), 'P-2')
    const cloud = fakeCloud(mkdtempSync(join(tempDir(), 'cloud-')), { azure: { subscription: SUB, keyVaults: { [vault]: {} } } })
    expect(cloud.run(fix.artefacts[0].content).code).toBe(0)
    expect((cloud.state() as any).azure.keyVaults[vault].networkAcls).toMatchObject({ defaultAction: 'Deny', bypass: 'AzureServices', ipRules: [] })
    const rb = cloud.run(fix.rollback[0].content)
    expect(rb.code).toBe(0)
    expect((cloud.state() as any).azure.keyVaults[vault].networkAcls).toEqual({ bypass: 'AzureServices', defaultAction: 'Allow', ipRules: [], virtualNetworkRules: [] })
  })

  it('stops, changing nothing, when the live firewall is already on', () => {
    const vault = id('rg-shop', 'kv-shop-prod')
    const fix = renderFix(fx.c.db, target(vault), 'P-3')
    const live = { networkAcls: { ...structuredClone(OPEN), defaultAction: 'Deny' } }
    const cloud = fakeCloud(mkdtempSync(join(tempDir(), 'cloud-')), { azure: { subscription: SUB, keyVaults: { [vault]: structuredClone(live) } } })
    const r = cloud.run(fix.artefacts[0].content)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('the firewall of kv-shop-prod is already on; nothing was changed')
    expect((cloud.state() as any).azure.keyVaults[vault]).toEqual(live)
  })

  it('refuses to plan a vault whose firewall the evidence shows on', () => {
    expect(() => renderFix(fx.c.db, target(id('rg-shop', 'kv-shop-certs')), 'P-4')).toThrow(/firewall is already on in the evidence/)
  })
})
