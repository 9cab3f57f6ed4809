// The fix and its rollback, rendered from the fixture's case: the JSON patches are parsed back out of
// the scripts and applied to the workloads as the fixture's workloads.json has them (the way the API
// server applies a JSON patch): seccompProfile RuntimeDefault on exactly the containers at fault —
// added where there was no securityContext, replacing Unconfined where it was set — and the rollback
// gives back the object exactly.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { applyJsonPatch, patchedObject, patchesOf } from '../../test/helpers/json-patch'

const FIXTURE = join(__dirname, 'fixtures')
type Obj = { kind: string; metadata: { name: string; namespace: string }; spec: { template: { spec: { containers: Array<{ securityContext?: Record<string, unknown> }> } } } }
const objectOf = (resource: string, namespace: string, name: string) =>
  patchedObject<Obj>(join(FIXTURE, 'bundle', 'kubernetes', 'media', 'workloads.json'), resource, namespace, name)

describe('kubernetes.pod.seccomp-runtime-default fix', () => {
  let fx: FixtureCase
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it.each([
    ['kubernetes.pod.seccomp-runtime-default', 'transcoder', { seccompProfile: { type: 'RuntimeDefault' } }, 'seccompProfile (not set: Unconfined) → RuntimeDefault'],
    ['iac.trivy.ksv-0104', 'renderer', { seccompProfile: { type: 'RuntimeDefault' }, runAsUser: 999 }, 'seccompProfile Unconfined → RuntimeDefault']
  ])('%s on %s: RuntimeDefault on the container, nothing else changed, and the rollback restores it', (control, name, want, change) => {
    const fix = renderFix(fx.c.db, fx.target(control, `k8s:media/media/Deployment/${name}`), 'P-1')
    const [p] = patchesOf(fix.artefacts[0].content)
    const before = objectOf(p.resource, p.namespace, p.name)
    const after = applyJsonPatch(before, p.ops)
    expect(after.spec.template.spec.containers[0].securityContext).toEqual(want)
    const put = structuredClone(after)
    put.spec.template.spec.containers[0].securityContext = before.spec.template.spec.containers[0].securityContext
    if (put.spec.template.spec.containers[0].securityContext === undefined) delete put.spec.template.spec.containers[0].securityContext
    expect(put).toEqual(before)
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
    expect(() => applyJsonPatch(before, r.ops)).toThrow(/test failed/)
    expect(fix.notes.some((n) => n.endsWith(change))).toBe(true)
  })

  it('refuses the cluster’s own workloads, and a finding with nothing at fault any more', () => {
    expect(() => renderFix(fx.c.db, fx.target('iac.trivy.ksv-0104', 'k8s:media/kube-system/DaemonSet/fluent-bit'), 'P-2')).toThrow(/the cluster's own/)
    expect(() => renderFix(fx.c.db, fx.target('kubernetes.pod.seccomp-runtime-default', 'k8s:media/media/Deployment/thumbnailer'), 'P-3')).toThrow(/validate the finding/)
  })
})
