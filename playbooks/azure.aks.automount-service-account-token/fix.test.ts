// The fix and its rollback, rendered from the fixture's case: the JSON patch is parsed back out of the
// script and applied to the workload as the fixture's workloads.json has it: the template gets
// automountServiceAccountToken: false, and the rollback removes the field again (it was not set),
// giving back the object exactly. A template that said true gets true back.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { hex, k8sWorkload } from '../../test/casegen/world'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { applyJsonPatch, patchesOf } from '../../test/helpers/json-patch'
import { parseWorkloads } from '../../main/semantics/kubernetes-workloads'
import { automountPatch } from './fix'

const FIXTURE = join(__dirname, 'fixtures')
const CONTROL = 'azure.aks.automount-service-account-token'

describe('azure.aks.automount-service-account-token fix', () => {
  let fx: FixtureCase
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('patches automountServiceAccountToken: false onto the template, and the rollback removes it again', () => {
    const cluster = hex('cluster:web-aks', 64)
    const fix = renderFix(fx.c.db, fx.target(CONTROL, cluster), 'P-1')
    const [p] = patchesOf(fix.artefacts[0].content)
    expect(p).toMatchObject({ resource: 'deployment', name: 'frontend', namespace: 'web' })
    const items = JSON.parse(readFileSync(join(FIXTURE, 'bundle', 'kubernetes', cluster, 'workloads.json'), 'utf8')).items as Array<{ kind: string; metadata: { name: string } }>
    const before = items.find((o) => o.kind === 'Deployment' && o.metadata.name === 'frontend')!
    const after = applyJsonPatch(before, p.ops) as unknown as { spec: { template: { spec: Record<string, unknown> } } }
    expect(after.spec.template.spec.automountServiceAccountToken).toBe(false)
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
    expect(() => applyJsonPatch(before, r.ops)).toThrow()
  })

  it('gives back true to a template that said true', () => {
    const r = parseWorkloads(
      JSON.stringify({ kind: 'List', items: k8sWorkload('DaemonSet', 'ops', 'agent', { containers: [{ name: 'agent', image: 'agent:1' }], automount: true }) }),
      'workloads.json'
    )
    if (!r.ok) throw new Error(r.why)
    const w = r.value.workloads[0]
    const p = automountPatch({ workload: w, containers: [], why: '' })
    const after = applyJsonPatch(w.object, p.patch)
    expect((after as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec.automountServiceAccountToken).toBe(false)
    expect(applyJsonPatch(after, p.rollback)).toEqual(w.object)
  })

  it('refuses to plan where the token is the only thing at fault of no workload (stale) or the evidence is missing', () => {
    expect(() => renderFix(fx.c.db, fx.target(CONTROL, hex('cluster:static-aks', 64)), 'P-2')).toThrow(/no workload in the evidence has/)
  })
})
