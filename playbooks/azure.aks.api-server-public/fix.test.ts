// The fix and its rollback, rendered from the fixture's case and run with bash against the fake
// cloud's `az` (there is no Azure emulator): the authorized IP ranges become exactly the public
// addresses seen calling, a second run changes nothing, and the rollback puts back what was there.
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { changes, fakeCloud, hasBash } from '../../test/fixtures/remediation/run-script'
import { tempDir } from '../../test/helpers/tmp'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { wizId } from './fixtures.scenario'

const FIXTURE = join(__dirname, 'fixtures')
const SUB = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
const arm = (name: string) => `/subscriptions/${SUB}/resourcegroups/rg-shop/providers/microsoft.containerservice/managedclusters/${name}`

describe.runIf(hasBash())('azure.aks.api-server-public fix', () => {
  let fx: FixtureCase
  const target = (name: string) => fx.target('azure.aks.api-server-public', wizId(name))
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('authorizes exactly the public addresses seen calling (the outside caller and the egress), pinned to the subscription; the rollback opens it again as it was', () => {
    const fix = renderFix(fx.c.db, target('data-aks'), 'P-1')
    const script = fix.artefacts[0].content
    expect(script).toContain(`if [ "$signed_in" != '${SUB}' ]`)
    expect(script).toContain(`--api-server-authorized-ip-ranges '198.51.100.7/32,20.103.60.2/32'`)
    // the refused anonymous probe's address is not authorized
    expect(script).not.toContain('45.9.148.3')
    const state = { azure: { subscription: SUB, aks: { [arm('data-aks')]: { apiServerAccessProfile: { enablePrivateCluster: false, authorizedIpRanges: null } } } } }
    const cloud = fakeCloud(mkdtempSync(join(tempDir(), 'cloud-')), state)
    const r = cloud.run(script)
    expect(r.stderr).not.toContain('fail')
    expect(r.code).toBe(0)
    expect((cloud.state() as any).azure.aks[arm('data-aks')].apiServerAccessProfile.authorizedIpRanges).toEqual(['198.51.100.7/32', '20.103.60.2/32'])
    cloud.clearCalls()
    expect(cloud.run(script).code).toBe(0)
    expect(changes(cloud.calls()).filter((x) => !/aks show/.test(x))).toEqual([])
    const rb = cloud.run(fix.rollback[0].content)
    expect(rb.code).toBe(0)
    expect((cloud.state() as any).azure.aks[arm('data-aks')].apiServerAccessProfile.authorizedIpRanges).toBeNull()
  })

  it('stops, changing nothing, when the live cluster already has ranges the evidence did not show', () => {
    const fix = renderFix(fx.c.db, target('shop-aks'), 'P-2')
    expect(fix.artefacts[0].content).toContain(`--api-server-authorized-ip-ranges '20.103.52.14/32'`)
    const state = { azure: { subscription: SUB, aks: { [arm('shop-aks')]: { apiServerAccessProfile: { authorizedIpRanges: ['192.0.2.0/24'] } } } } }
    const cloud = fakeCloud(mkdtempSync(join(tempDir(), 'cloud-')), state)
    const r = cloud.run(fix.artefacts[0].content)
    expect(r.code).toBe(1)
    expect(r.stderr + r.stdout).toContain('had authorized IP ranges before the fix')
    expect((cloud.state() as any).azure.aks[arm('shop-aks')].apiServerAccessProfile.authorizedIpRanges).toEqual(['192.0.2.0/24'])
  })

  it('refuses to plan a cluster already restricted', () => {
    expect(() => renderFix(fx.c.db, target('office-aks'), 'P-3')).toThrow(/accepts only its authorized IP ranges \(203\.0\.113\.0\/24\)/)
  })
})
