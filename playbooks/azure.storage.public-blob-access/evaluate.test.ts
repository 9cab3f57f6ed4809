import { describe, expect, it } from 'vitest'
import { publicBlobVerdict, evaluatePublicBlobAccess } from './evaluate'
import { loadBundle } from '../../main/semantics/inventory'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { tempDir } from '../../test/helpers/tmp'

const SUB = '3c7e9a12-5b4d-4f6e-8a9b-0c1d2e3f4a5b'
const id = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${name}`

describe('azure.storage.public-blob-access', () => {
  it('PASS only when allowBlobPublicAccess is false; FAIL when true; UNKNOWN when absent', () => {
    expect(publicBlobVerdict({ allowBlobPublicAccess: false }).status).toBe('PASS')
    expect(publicBlobVerdict({ allowBlobPublicAccess: true })).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('allowBlobPublicAccess = true') })
    expect(publicBlobVerdict({ allowBlobPublicAccess: undefined })).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('not in the data') })
  })

  it('names the public containers when they were listed, and says so when none is public', () => {
    expect(publicBlobVerdict({ allowBlobPublicAccess: true }, ['images (Blob)']).reason).toContain('containers open to anonymous reads: images (Blob)')
    expect(publicBlobVerdict({ allowBlobPublicAccess: true }, []).reason).toContain('no container is open to anonymous reads today')
  })

  it('reads storage-accounts.json and blob-containers/<account>.json from a bundle', async () => {
    const dir = tempDir()
    const base = `azure/${SUB}`
    writeBundle(dir, {
      manifest: { scopes: [{ provider: 'azure', subscription: SUB }] },
      files: {
        [`${base}/storage-accounts.json`]: {
          value: [
            { id: id('stopen'), name: 'stopen', properties: { allowBlobPublicAccess: true } },
            { id: id('stclosed'), name: 'stclosed', properties: { allowBlobPublicAccess: false } },
            // the Azure CLI's flattened shape
            { id: id('stcli'), name: 'stcli', allowBlobPublicAccess: true },
            { id: id('stunsaid'), name: 'stunsaid', properties: {} }
          ]
        },
        [`${base}/blob-containers/stopen.json`]: {
          value: [
            { id: `${id('stopen')}/blobServices/default/containers/img`, name: 'img', properties: { publicAccess: 'Container' } },
            { name: 'priv', properties: { publicAccess: 'None' } }
          ]
        },
        // az storage container-rm list: a bare array, publicAccess flattened; a level Azure does not have spoils the listing's detail only
        [`${base}/blob-containers/stcli.json`]: [{ name: 'a', publicAccess: 'Public' }]
      }
    })
    const bundle = await loadBundle(dir)
    const notes: string[] = []
    const rows = evaluatePublicBlobAccess({ bundle, at: new Date(bundle.collectedAt), unusedKeyDays: 45, note: (t) => notes.push(t) })
    const by = Object.fromEntries(rows.map((r) => [r.resource, r]))
    expect(by[id('stopen').toLowerCase()]).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('img (Container)') })
    expect(by[id('stclosed').toLowerCase()].status).toBe('PASS')
    expect(by[id('stcli').toLowerCase()]).toMatchObject({ status: 'FAIL' })
    expect(by[id('stcli').toLowerCase()].reason).not.toContain('containers open')
    expect(by[id('stunsaid').toLowerCase()].status).toBe('UNKNOWN')
  })

  it('an absent storage-accounts.json is one UNKNOWN for the subscription, not a PASS', async () => {
    const dir = tempDir()
    writeBundle(dir, { manifest: { scopes: [{ provider: 'azure', subscription: SUB }] }, files: {} })
    const bundle = await loadBundle(dir)
    const rows = evaluatePublicBlobAccess({ bundle, at: new Date(bundle.collectedAt), unusedKeyDays: 45, note: () => undefined })
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ resource: `/subscriptions/${SUB}`, status: 'UNKNOWN', reason: expect.stringContaining('storage-accounts.json is not in the bundle') })
  })
})
