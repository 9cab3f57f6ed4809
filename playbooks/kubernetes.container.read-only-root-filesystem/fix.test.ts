// The fix and its rollback, rendered from the fixture's case: the JSON patch parsed back out of the
// script and applied to the workload as the fixture's workloads.json has it: it sets
// readOnlyRootFilesystem: true and keeps the rest of the securityContext, a container changed since the
// evidence refuses it, and the rollback gives back the object exactly.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { applyJsonPatch, patchedObject, patchesOf } from '../../test/helpers/json-patch'

const FIXTURE = join(__dirname, 'fixtures')
type Obj = {
  kind: string
  metadata: { name: string; namespace: string }
  spec: { template: { spec: { containers: Array<{ name: string; securityContext?: Record<string, unknown> }> } } }
}
const objectOf = (resource: string, namespace: string, name: string) =>
  patchedObject<Obj>(join(FIXTURE, 'bundle', 'kubernetes', 'blog-prod', 'workloads.json'), resource, namespace, name)

describe('kubernetes.container.read-only-root-filesystem fix', () => {
  let fx: FixtureCase
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('makes nginx’s root filesystem read-only, keeping its securityContext, and the rollback restores the object exactly', () => {
    const fix = renderFix(fx.c.db, fx.target('iac.trivy.ksv-0014', 'k8s:blog-prod/blog/Deployment/nginx'), 'P-1')
    const [p] = patchesOf(fix.artefacts[0].content)
    expect(p).toMatchObject({ resource: 'deployment', name: 'nginx', namespace: 'blog' })
    const before = objectOf(p.resource, p.namespace, p.name)
    const after = applyJsonPatch(before, p.ops) as unknown as Obj
    expect(after.spec.template.spec.containers[0].securityContext).toEqual({ runAsNonRoot: true, readOnlyRootFilesystem: true })
    expect(() => applyJsonPatch(after, p.ops)).toThrow(/test failed/)
    // a container whose securityContext changed since the evidence is refused, not overwritten
    const changed = applyJsonPatch(before, [{ op: 'add', path: '/spec/template/spec/containers/0/securityContext/runAsUser', value: 101 }])
    expect(() => applyJsonPatch(changed, p.ops)).toThrow(/test failed/)
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
    expect(fix.artefacts[0].content).toContain('CONTEXT="${LASTMILE_KUBE_CONTEXT:-blog-prod}"')
  })

  it('gives the image proxy scaled to zero a securityContext it did not have', () => {
    const fix = renderFix(fx.c.db, fx.target('iac.trivy.ksv-0014', 'k8s:blog-prod/blog/Deployment/imgproxy'), 'P-2')
    const [p] = patchesOf(fix.artefacts[0].content)
    const before = objectOf(p.resource, p.namespace, p.name)
    expect(before.spec.template.spec.containers[0].securityContext).toBeUndefined()
    const after = applyJsonPatch(before, p.ops) as unknown as Obj
    expect(after.spec.template.spec.containers[0].securityContext).toEqual({ readOnlyRootFilesystem: true })
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
  })
})
