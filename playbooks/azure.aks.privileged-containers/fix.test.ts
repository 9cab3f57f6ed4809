// The fix and its rollback, rendered from the fixture's case: the JSON patches are parsed back out of
// the scripts and applied to the workloads as the fixture's workloads.json has them (the way the API
// server applies a JSON patch): the fix turns privileged mode off on exactly the containers at fault,
// a second application is refused by its tests, and the rollback gives back the object exactly.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { hex } from '../../test/casegen/world'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { applyJsonPatch, patchesOf } from '../../test/helpers/json-patch'
import { tempDir } from '../../test/helpers/tmp'

const FIXTURE = join(__dirname, 'fixtures')
const CONTROL = 'azure.aks.privileged-containers'
const objects = (cluster: string): Array<{ kind: string; metadata: { name: string; namespace: string } }> =>
  JSON.parse(readFileSync(join(FIXTURE, 'bundle', 'kubernetes', cluster, 'workloads.json'), 'utf8')).items
const objectOf = (cluster: string, resource: string, namespace: string, name: string) =>
  objects(cluster).find((o) => o.kind.toLowerCase() === resource && o.metadata.namespace === namespace && o.metadata.name === name)!

describe('azure.aks.privileged-containers fix', () => {
  let fx: FixtureCase
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('patches privileged: false onto the containers at fault of the controller, and the rollback restores the object exactly', () => {
    const cluster = hex('cluster:media-aks', 64)
    const fix = renderFix(fx.c.db, fx.target(CONTROL, cluster), 'P-1')
    expect(fix.artefacts[0].kind).toBe('kubectl')
    const [p] = patchesOf(fix.artefacts[0].content)
    expect(p).toMatchObject({ resource: 'statefulset', name: 'transcoder', namespace: 'media' })
    const before = objectOf(cluster, p.resource, p.namespace, p.name)
    const after = applyJsonPatch(before, p.ops) as unknown as { spec: { template: { spec: { containers: Array<{ securityContext: { privileged: boolean } }> } } } }
    expect(after.spec.template.spec.containers[0].securityContext.privileged).toBe(false)
    // nothing else changed
    expect(applyJsonPatch(after, [{ op: 'replace', path: '/spec/template/spec/containers/0/securityContext/privileged', value: true }])).toEqual(before)
    // run twice: the tests of the patch refuse it, the object stays as the fix left it
    expect(() => applyJsonPatch(after, p.ops)).toThrow(/test failed/)
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
    expect(() => applyJsonPatch(before, r.ops)).toThrow(/test failed/)
    // the script pins kubectl to the cluster's context and checks the live object before and after
    expect(fix.artefacts[0].content).toContain('CONTEXT="${LASTMILE_KUBE_CONTEXT:-media-aks}"')
    expect(fix.artefacts[0].content).toContain('--output json > "$ROLLBACK_DIR/statefulset-media-transcoder.json"')
    // both scripts are bash that parses
    const dir = mkdtempSync(join(tempDir(), 'k8s-fix-'))
    for (const a of [...fix.artefacts, ...fix.rollback]) {
      writeFileSync(join(dir, a.name), a.content)
      expect(spawnSync('bash', ['-n', join(dir, a.name)], { encoding: 'utf8' }).stderr, a.name).toBe('')
    }
  })

  it("leaves the cluster's own workloads out, and refuses when only those are at fault", () => {
    const payments = hex('cluster:payments-aks', 64)
    const fix = renderFix(fx.c.db, fx.target(CONTROL, payments), 'P-2')
    expect(patchesOf(fix.artefacts[0].content).map((p) => `${p.resource} ${p.namespace}/${p.name}`)).toEqual(['deployment payments/debug-toolbox'])
    expect(fix.notes).toContain("left as they are (the cluster's own): DaemonSet kube-system/azure-cns")
    const [p] = patchesOf(fix.artefacts[0].content)
    const before = objectOf(payments, p.resource, p.namespace, p.name)
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(applyJsonPatch(before, p.ops), r.ops)).toEqual(before)
  })
})
