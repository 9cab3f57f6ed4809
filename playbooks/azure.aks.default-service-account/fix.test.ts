// The fix and its rollback, rendered from the fixture's case: the JSON patches are parsed back out of
// the scripts and applied to the objects of the fixture's workloads.json and rbac.json: the workload
// runs as its own account, the RoleBinding that names the default account names the new one too, and
// the rollback gives back both objects exactly; the account is created first and deleted last.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { hex } from '../../test/casegen/world'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { applyJsonPatch, patchesOf } from '../../test/helpers/json-patch'

const FIXTURE = join(__dirname, 'fixtures')
const CONTROL = 'azure.aks.default-service-account'
type Obj = { kind: string; metadata: { name: string; namespace?: string } }
const items = (cluster: string, file: string): Obj[] => JSON.parse(readFileSync(join(FIXTURE, 'bundle', 'kubernetes', cluster, file), 'utf8')).items

describe('azure.aks.default-service-account fix', () => {
  let fx: FixtureCase
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('creates an account for the workload, binds it as the default one is, runs the workload as it; the rollback restores both objects', () => {
    const cluster = hex('cluster:legacy-aks', 64)
    const fix = renderFix(fx.c.db, fx.target(CONTROL, cluster), 'P-1')
    const script = fix.artefacts[0].content
    expect(script).toContain("k create serviceaccount 'worker' --namespace 'legacy'")
    const patches = patchesOf(script)
    expect(patches.map((p) => `${p.resource} ${p.namespace}/${p.name}`)).toEqual(['rolebinding legacy/pod-reader', 'deployment legacy/worker'])
    const all = [...items(cluster, 'workloads.json'), ...items(cluster, 'rbac.json')]
    const rollbacks = patchesOf(fix.rollback[0].content)
    // the rollback patches the workload back first, then the binding, then deletes the account
    expect(rollbacks.map((p) => p.name)).toEqual(['worker', 'pod-reader'])
    expect(fix.rollback[0].content.indexOf("k delete serviceaccount 'worker'")).toBeGreaterThan(fix.rollback[0].content.lastIndexOf('k patch'))
    for (const p of patches) {
      const before = all.find((o) => o.kind.toLowerCase() === p.resource && o.metadata.name === p.name)!
      const after = applyJsonPatch(before, p.ops) as unknown as { subjects?: Array<{ name: string }>; spec?: { template: { spec: { serviceAccountName: string } } } }
      if (p.resource === 'deployment') expect(after.spec!.template.spec.serviceAccountName).toBe('worker')
      else expect(after.subjects!.map((s) => s.name)).toEqual(['default', 'worker'])
      const r = rollbacks.find((x) => x.name === p.name)!
      expect(applyJsonPatch(after, r.ops)).toEqual(before)
      expect(() => applyJsonPatch(before, r.ops)).toThrow()
    }
  })

  it('refuses to plan a stale finding', () => {
    expect(() => renderFix(fx.c.db, fx.target(CONTROL, hex('cluster:tools-aks', 64)), 'P-2')).toThrow(/no workload in the evidence has/)
  })
})
