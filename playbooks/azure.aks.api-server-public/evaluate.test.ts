import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'

const SUB = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
const FILE = `azure/${SUB}/aks-clusters.json`
const id = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/${name}`

describe('azure.aks.api-server-public evaluator', () => {
  it('FAIL for a public cluster without authorized ranges (or with 0.0.0.0/0), PASS for ranges or a private cluster, UNKNOWN for an item that cannot be read', async () => {
    const doc = {
      value: [
        { id: id('open'), name: 'open', properties: {} },
        { id: id('wide'), name: 'wide', properties: { apiServerAccessProfile: { authorizedIPRanges: ['0.0.0.0/0'] } } },
        { id: id('narrow'), name: 'narrow', properties: { apiServerAccessProfile: { authorizedIPRanges: ['198.51.100.0/24'] } } },
        { id: id('private'), name: 'private', properties: { apiServerAccessProfile: { enablePrivateCluster: true } } },
        { id: id('bad'), name: 'bad', properties: { apiServerAccessProfile: { authorizedIPRanges: '198.51.100.0/24' } } }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc }, manifest: { scopes: [{ provider: 'azure', subscription: SUB }] } }), {
      controls: ['azure.aks.api-server-public']
    })
    const status = (n: string) => findEvaluation(r, 'azure.aks.api-server-public', id(n))?.status
    expect([status('open'), status('wide'), status('narrow'), status('private'), status('bad')]).toEqual(['FAIL', 'FAIL', 'PASS', 'PASS', 'UNKNOWN'])
    expect(findEvaluation(r, 'azure.aks.api-server-public', id('open'))?.reason).toMatch(/no authorized IP ranges/)
  })

  it('a subscription without aks-clusters.json is one UNKNOWN, never "no cluster is public"', async () => {
    const r = await evaluateBundle(
      writeBundle(tempDir(), { files: { [`azure/${SUB}/storage-accounts.json`]: { value: [] } }, manifest: { scopes: [{ provider: 'azure', subscription: SUB }] } }),
      { controls: ['azure.aks.api-server-public'] }
    )
    expect(r.evaluations).toEqual([expect.objectContaining({ resource: `/subscriptions/${SUB}`, status: 'UNKNOWN', reason: expect.stringContaining('aks-clusters.json') })])
  })
})
