// The fix and its rollback, rendered from the fixture's case: the JSON patches are parsed back out of
// the scripts and applied to the workloads as the fixture's workloads.json has them (as the API server
// applies a JSON patch): the fix sets exactly the values chosen from the containers' use, a second
// application is refused by its tests, and the rollback gives back the object exactly. A plan whose
// values cannot be chosen from evidence, or whose pods would be refused, is refused, saying why.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { applyJsonPatch, patchesOf } from '../../test/helpers/json-patch'
import { tempDir } from '../../test/helpers/tmp'
import { resourcesGuardrails } from './guardrails'

const FIXTURE = join(__dirname, 'fixtures')
type Obj = {
  kind: string
  metadata: { name: string; namespace: string }
  spec: { template: { spec: { containers: Array<{ name: string; resources: Record<string, unknown> }> } } }
}
const objects = (): Obj[] => JSON.parse(readFileSync(join(FIXTURE, 'bundle', 'kubernetes', 'shop-prod', 'workloads.json'), 'utf8')).items
const objectOf = (resource: string, namespace: string, name: string): Obj =>
  objects().find((o) => o.kind.toLowerCase() === resource && o.metadata.namespace === namespace && o.metadata.name === name)!

describe('kubernetes.container.resources fix', () => {
  let fx: FixtureCase
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('sets a CPU limit twice the highest peak on the API, keeps its requests, and the rollback restores the object exactly', () => {
    const fix = renderFix(fx.c.db, fx.target('iac.trivy.ksv-0011', 'k8s:shop-prod/shop/Deployment/api'), 'P-1')
    expect(fix.artefacts[0].kind).toBe('kubectl')
    const [p] = patchesOf(fix.artefacts[0].content)
    expect(p).toMatchObject({ resource: 'deployment', name: 'api', namespace: 'shop' })
    const before = objectOf(p.resource, p.namespace, p.name)
    const after = applyJsonPatch(before, p.ops) as unknown as Obj
    expect(after.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi', cpu: '1100m' } })
    // run twice: the tests of the patch refuse it
    expect(() => applyJsonPatch(after, p.ops)).toThrow(/test failed/)
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
    expect(() => applyJsonPatch(before, r.ops)).toThrow(/test failed/)
    // kubectl is pinned to the cluster Trivy named, and the plan says which statistic chose the value
    expect(fix.artefacts[0].content).toContain('CONTEXT="${LASTMILE_KUBE_CONTEXT:-shop-prod}"')
    expect(fix.notes.join('\n')).toContain('limits.cpu 1100m (2 × its highest hourly peak (550m))')
    const dir = mkdtempSync(join(tempDir(), 'k8s-res-fix-'))
    for (const a of [...fix.artefacts, ...fix.rollback]) {
      writeFileSync(join(dir, a.name), a.content)
      expect(spawnSync('bash', ['-n', join(dir, a.name)], { encoding: 'utf8' }).stderr, a.name).toBe('')
    }
  })

  it('gives Postgres, which sets no resources, only the CPU request its use calls for', () => {
    const fix = renderFix(fx.c.db, fx.target('iac.trivy.ksv-0015', 'k8s:shop-prod/shop/StatefulSet/postgres'), 'P-2')
    const [p] = patchesOf(fix.artefacts[0].content)
    const before = objectOf(p.resource, p.namespace, p.name)
    const after = applyJsonPatch(before, p.ops) as unknown as Obj
    expect(after.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '380m' } })
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
  })

  it('refuses when the values cannot be chosen, when the quota would refuse the pods, and for the cluster’s own', () => {
    expect(() => renderFix(fx.c.db, fx.target('iac.trivy.ksv-0016', 'k8s:shop-prod/shop/StatefulSet/postgres'), 'P-3')).toThrow(
      /the values cannot be chosen from evidence — StatefulSet shop\/postgres: postgres: no memory sample on 10 of 90 days/
    )
    expect(() => renderFix(fx.c.db, fx.target('iac.trivy.ksv-0018', 'k8s:shop-prod/analytics/Deployment/spark-driver'), 'P-4')).toThrow(
      /ResourceQuota analytics\/analytics-quota allows requests\.memory/
    )
    expect(() => renderFix(fx.c.db, fx.target('iac.trivy.ksv-0011', 'k8s:shop-prod/kube-system/Deployment/coredns'), 'P-5')).toThrow(/the cluster's own/)
  })

  it('guards with a LimitRange script that parses and the two AKS built-ins in Audit', () => {
    const g = resourcesGuardrails({
      control: 'kubernetes.container.resources',
      exceptions: [],
      opts: {},
      policy: () => '',
      subscriptions: ['fee3535b-9616-486f-a476-6a500a08a02b']
    })
    expect(g[0].kind).toBe('kubectl')
    const dir = mkdtempSync(join(tempDir(), 'k8s-res-guard-'))
    writeFileSync(join(dir, g[0].name), g[0].content)
    expect(spawnSync('bash', ['-n', join(dir, g[0].name)], { encoding: 'utf8' }).stderr).toBe('')
    expect(g[0].content).toContain('LASTMILE_DEFAULT_MEMORY_LIMIT')
    const all = g.map((x) => x.content).join('\n')
    expect(all).toContain('/providers/Microsoft.Authorization/policyDefinitions/e345eecc-fa47-480f-9e88-67dcc122b164')
    expect(all).toContain('/providers/Microsoft.Authorization/policyDefinitions/03a4ecdb-0684-4039-be91-2762979e1bc8')
  })
})
