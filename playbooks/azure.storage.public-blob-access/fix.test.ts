// The fix and its rollback, rendered from the fixture's case and run with bash against the fake
// cloud's `az` (there is no Azure emulator): the account's setting goes off, a second run changes
// nothing, and the rollback puts back exactly what was saved.
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { publicBlobAccessFix } from './fix'
import { changes, fakeCloud, hasBash } from '../../test/fixtures/remediation/run-script'
import { tempDir } from '../../test/helpers/tmp'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'

const FIXTURE = join(__dirname, 'fixtures')
const SUB = '3c7e9a12-5b4d-4f6e-8a9b-0c1d2e3f4a5b'
const id = (rg: string, name: string) => `/subscriptions/${SUB}/resourcegroups/${rg}/providers/microsoft.storage/storageaccounts/${name}`

describe.runIf(hasBash())('azure.storage.public-blob-access fix', () => {
  let fx: FixtureCase
  const target = (resource: string) => fx.target('azure.storage.public-blob-access', resource)
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('turns allowBlobPublicAccess off, pinned to the subscription, and the rollback puts back the saved value', () => {
    const account = id('rg-data', 'stacmeexports')
    const fix = renderFix(fx.c.db, target(account), 'P-1')
    const script = fix.artefacts.find((a) => a.name.endsWith('fix.sh'))!.content
    expect(script).toContain(`if [ "$signed_in" != '${SUB}' ]`)
    expect(script).toContain('az storage account update --ids "$ACCOUNT_ID" --allow-blob-public-access false --output none')
    // the containers that stop being public are named in the script's header
    expect(script).toContain('exports:Container')
    expect(fix.artefacts.find((a) => a.name.endsWith('.tf'))!.content).toContain('allowBlobPublicAccess = false')
    const cloud = fakeCloud(mkdtempSync(join(tempDir(), 'cloud-')), {
      azure: { subscription: SUB, accounts: { [account]: { allowBlobPublicAccess: true, minimumTlsVersion: 'TLS1_2' } } }
    })
    expect(cloud.run(script).code).toBe(0)
    expect((cloud.state() as any).azure.accounts[account]).toEqual({ allowBlobPublicAccess: false, minimumTlsVersion: 'TLS1_2' })
    cloud.clearCalls()
    expect(cloud.run(script).code).toBe(0)
    expect(changes(cloud.calls())).toEqual([])
    expect(cloud.run(fix.rollback[0].content).code).toBe(0)
    expect((cloud.state() as any).azure.accounts[account]).toEqual({ allowBlobPublicAccess: true, minimumTlsVersion: 'TLS1_2' })
  })

  it('refuses a signed-in subscription other than the account’s, changing nothing', () => {
    const account = id('rg-data', 'stacmeexports')
    const fix = renderFix(fx.c.db, target(account), 'P-2')
    const cloud = fakeCloud(mkdtempSync(join(tempDir(), 'cloud-')), {
      azure: { subscription: '00000000-0000-4000-8000-000000000000', accounts: { [account]: { allowBlobPublicAccess: true } } }
    })
    const r = cloud.run(fix.artefacts.find((a) => a.name.endsWith('fix.sh'))!.content)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('not 3c7e9a12-5b4d-4f6e-8a9b-0c1d2e3f4a5b')
    expect((cloud.state() as any).azure.accounts[account]).toEqual({ allowBlobPublicAccess: true })
  })

  it("renders no fix for a container's finding (Wiz): closing its account would refuse the readers of the other containers", () => {
    const container = `${id('rg-data', 'stacmeexports')}/blobservices/default/containers/exports`
    const t = fx.target('azure.storage.blob-container-anonymous-access', container)
    expect(() => renderFix(fx.c.db, t, 'P-4')).toThrow(/no fix is known for control azure.storage.blob-container-anonymous-access/)
    // nor does the account's fix take one, should a container's target reach it
    expect(() => publicBlobAccessFix.inputs(fx.c.db, t)).toThrow(/is a blob container; Lastmile computes the account-wide fix .* only for a finding on the account/)
  })

  it('renders no fix for an account that already disallows it', () => {
    expect(() => renderFix(fx.c.db, target(id('rg-data', 'stacmelocked')), 'P-3')).toThrow(/already disallows anonymous blob access/)
  })
})
