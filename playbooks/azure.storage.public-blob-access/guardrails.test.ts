// The policy judges storage accounts: an exception for a container that must stay public (a Wiz
// finding on the container) exempts its account, once, whatever how many of its containers are excepted.
import { describe, expect, it } from 'vitest'
import { publicBlobGuardrails } from './guardrails'

const SUB = '3c7e9a12-5b4d-4f6e-8a9b-0c1d2e3f4a5b'
const account = `/subscriptions/${SUB}/resourcegroups/rg-web/providers/microsoft.storage/storageaccounts/stacmewebassets`

describe('azure.storage.public-blob-access guardrails', () => {
  it("exempt a public container's account, once", () => {
    const exception = (finding: string, resourceId: string) => ({ finding, resourceId, account: SUB, region: 'westeurope', why: 'read anonymously' })
    const views = publicBlobGuardrails({
      control: 'azure.storage.public-blob-access',
      exceptions: [exception('F-1', `${account}/blobservices/default/containers/images`), exception('F-2', `${account}/blobservices/default/containers/logos`)],
      subscriptions: [SUB]
    } as unknown as Parameters<typeof publicBlobGuardrails>[0])
    expect(views.length).toBeGreaterThan(0)
    for (const v of views) expect(v.exceptions).toEqual([account])
  })
})
