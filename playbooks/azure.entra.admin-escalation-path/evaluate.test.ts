// The evaluator over the fixture's bundle (every principal with a path FAILs, the former owner PASSes),
// and over the same files with one left out or broken: the tenant is UNKNOWN and nobody PASSes.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadBundle, type LoadedBundle } from '../../main/semantics/inventory'
import { uuidOf } from '../../test/casegen/world'
import { evaluateEscalationPaths } from './evaluate'

const FIXTURE = join(__dirname, 'fixtures', 'bundle')
const SUB = 'c4d2a8e1-6f3b-4d9a-b2e7-1a5c9e3f7d20'
const ctx = (bundle: LoadedBundle) => ({ bundle, at: new Date('2026-11-20T00:00:00Z'), unusedKeyDays: 45, note: () => undefined })
const statusOf = (evs: ReturnType<typeof evaluateEscalationPaths>) => Object.fromEntries(evs.map((e) => [e.resource, e.status]))

describe('azure.entra.admin-escalation-path evaluator', () => {
  it('fails every principal with a path, passes one without, from the bundle alone', async () => {
    const evs = evaluateEscalationPaths(ctx(await loadBundle(FIXTURE)))
    const s = statusOf(evs)
    for (const k of ['dev', 'ana', 'runner:sp', 'app-admin', 'it-ops']) expect(s[uuidOf(`esc:${k}`)], k).toBe('FAIL')
    expect(s[uuidOf('esc:former')]).toBe('PASS')
    expect(s[`/subscriptions/${SUB}`]).toBeUndefined()
    expect(evs.find((e) => e.resource === uuidOf('esc:dev'))?.reason).toMatch(/owns the application .* hr-sync .* GroupMember\.ReadWrite\.All .* sub-owners/)
  })

  it('a file left out or unreadable makes the tenant UNKNOWN and no principal PASS', async () => {
    const full = await loadBundle(FIXTURE)
    const without = (drop: (path: string) => boolean, replace?: unknown): LoadedBundle => ({
      ...full,
      azure: full.azure.map((sub) => ({
        ...sub,
        entra: new Map(
          [...sub.entra].flatMap(([path, f]) => (!drop(path) ? [[path, f]] : replace === undefined ? [] : [[path, { state: 'ok' as const, rel: path, value: replace }]]))
        )
      }))
    })
    const noGroups = evaluateEscalationPaths(ctx(without((p) => p.endsWith('/entra/groups.json'))))
    expect(noGroups.find((e) => e.resource === `/subscriptions/${SUB}`)).toMatchObject({
      status: 'UNKNOWN',
      reason: expect.stringMatching(/entra\/groups\.json is not in the bundle/)
    })
    expect(noGroups.filter((e) => e.status === 'PASS')).toEqual([])
    const broken = evaluateEscalationPaths(ctx(without((p) => p.endsWith('/entra/app-role-assignments.json'), { value: [{ principalId: 'x' }] })))
    expect(broken.find((e) => e.resource === `/subscriptions/${SUB}`)?.reason).toMatch(/app-role-assignments\.json cannot be read: value\[0\]\.id/)
    expect(broken.filter((e) => e.status === 'PASS')).toEqual([])
    // a bundle with no Entra files says nothing about this control
    expect(evaluateEscalationPaths(ctx(without((p) => p.includes('/entra/'))))).toEqual([])
  })
})
