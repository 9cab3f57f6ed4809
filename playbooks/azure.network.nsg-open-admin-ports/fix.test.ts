// The fix and its rollback, rendered from the fixture's case and run with bash against the fake
// cloud's `az` (there is no Azure emulator): the open rules are deleted after their live copy is
// saved, a second run changes nothing, and the rollback creates each rule again exactly as it was.
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { changes, fakeCloud, hasBash } from '../../test/fixtures/remediation/run-script'
import { tempDir } from '../../test/helpers/tmp'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'

const FIXTURE = join(__dirname, 'fixtures')
const SUB = '5d8e2f31-7a4b-4c6d-9e0f-1a2b3c4d5e6f'
const id = (rg: string, name: string) => `/subscriptions/${SUB}/resourcegroups/${rg}/providers/microsoft.network/networksecuritygroups/${name}`

const live = (o: Record<string, unknown>) => ({
  direction: 'Inbound',
  access: 'Allow',
  protocol: 'Tcp',
  sourceAddressPrefix: '*',
  sourceAddressPrefixes: [],
  sourcePortRange: '*',
  sourcePortRanges: [],
  destinationAddressPrefix: '*',
  destinationAddressPrefixes: [],
  ...o
})

describe.runIf(hasBash())('azure.network.nsg-open-admin-ports fix', () => {
  let fx: FixtureCase
  const target = (resource: string) => fx.target('azure.network.nsg-open-admin-ports', resource)
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('deletes the open rules only, pinned to the subscription, and the rollback creates them again exactly', () => {
    const nsg = id('rg-legacy', 'nsg-legacy-app')
    const fix = renderFix(fx.c.db, target(nsg), 'P-1')
    const script = fix.artefacts[0].content
    expect(script).toContain(`if [ "$signed_in" != '${SUB}' ]`)
    expect(script).toContain(`az network nsg rule delete --resource-group "$RG" --nsg-name "$NSG" --name 'ssh-any' --output none`)
    const before = {
      'ssh-any': live({ priority: 200, sourceAddressPrefix: '0.0.0.0/0', destinationPortRange: null, destinationPortRanges: ['22', '3389'], description: 'legacy admin access' }),
      'allow-https': live({ priority: 100, sourceAddressPrefix: 'Internet', destinationPortRange: '443', destinationPortRanges: [] })
    }
    const state = { azure: { subscription: SUB, nsgs: { [nsg]: { rules: structuredClone(before) } } } }
    const cloud = fakeCloud(mkdtempSync(join(tempDir(), 'cloud-')), state)
    const r = cloud.run(script)
    expect(r.stderr).not.toContain('fail')
    expect(r.code).toBe(0)
    expect(Object.keys((cloud.state() as any).azure.nsgs[nsg].rules)).toEqual(['allow-https'])
    cloud.clearCalls()
    expect(cloud.run(script).code).toBe(0)
    expect(changes(cloud.calls()).filter((x) => !/rule show/.test(x))).toEqual([])
    const rb = cloud.run(fix.rollback[0].content)
    expect(rb.stderr).not.toMatch(/did not take effect/)
    expect(rb.code).toBe(0)
    expect((cloud.state() as any).azure.nsgs[nsg].rules).toEqual(before)
  })

  it('stops, changing nothing, when the live rule no longer allows what the evidence showed', () => {
    const nsg = id('rg-ops', 'nsg-jumphost')
    const fix = renderFix(fx.c.db, target(nsg), 'P-2')
    const rules = { 'allow-ssh-internet': live({ priority: 100, access: 'Deny', destinationPortRange: '22', destinationPortRanges: [] }) }
    const cloud = fakeCloud(mkdtempSync(join(tempDir(), 'cloud-')), { azure: { subscription: SUB, nsgs: { [nsg]: { rules: structuredClone(rules) } } } })
    const r = cloud.run(fix.artefacts[0].content)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('no longer allows inbound traffic as the evidence showed')
    expect((cloud.state() as any).azure.nsgs[nsg].rules).toEqual(rules)
  })

  it('refuses to plan a rule that opens more than SSH/RDP, and an NSG already closed', () => {
    expect(() => renderFix(fx.c.db, target(id('rg-web', 'nsg-wide-open')), 'P-3')).toThrow(/allow-all-internet opens \* — more than SSH\/RDP/)
    expect(() => renderFix(fx.c.db, target(id('rg-ops', 'nsg-bastion')), 'P-4')).toThrow(/admits the internet to no administration port/)
  })
})
