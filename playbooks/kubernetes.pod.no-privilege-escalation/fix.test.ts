// The fix and its rollback, rendered from the fixture's case: the JSON patches are parsed back out of
// the scripts and applied to the workloads as the fixture's workloads.json has them (the way the API
// server applies a JSON patch): allowPrivilegeEscalation becomes false on exactly the containers at
// fault, nothing else changes, and the rollback gives back the object exactly. A privileged container
// is refused, since the API server would refuse the patch.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { applyJsonPatch, patchedObject, patchesOf } from '../../test/helpers/json-patch'
import { tempDir } from '../../test/helpers/tmp'

const FIXTURE = join(__dirname, 'fixtures')
const CONTROL = 'kubernetes.pod.no-privilege-escalation'
const ARN = 'arn:aws:eks:eu-west-1:210987654321:cluster/checkout'
type Obj = { kind: string; metadata: { name: string; namespace: string }; spec: { template: { spec: { containers: Array<{ securityContext?: Record<string, unknown> }> } } } }
const objectOf = (resource: string, namespace: string, name: string) =>
  patchedObject<Obj>(join(FIXTURE, 'bundle', 'kubernetes', 'checkout', 'workloads.json'), resource, namespace, name)

describe('kubernetes.pod.no-privilege-escalation fix', () => {
  let fx: FixtureCase
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('gives a container without a securityContext allowPrivilegeEscalation: false, and the rollback removes it again', () => {
    const fix = renderFix(fx.c.db, fx.target(CONTROL, `k8s:${ARN}/shop/Deployment/storefront`), 'P-1')
    const [p] = patchesOf(fix.artefacts[0].content)
    expect(p).toMatchObject({ resource: 'deployment', name: 'storefront', namespace: 'shop' })
    const before = objectOf(p.resource, p.namespace, p.name)
    const after = applyJsonPatch(before, p.ops)
    expect(after.spec.template.spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false })
    // nothing else changed
    const { securityContext, ...rest } = after.spec.template.spec.containers[0]
    expect(securityContext).toBeDefined()
    expect({ ...after, spec: { ...after.spec, template: { ...after.spec.template, spec: { ...after.spec.template.spec, containers: [rest] } } } }).toEqual(before)
    // a second run leaves it as it is
    expect(applyJsonPatch(after, p.ops)).toEqual(after)
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
    expect(() => applyJsonPatch(before, r.ops)).toThrow(/test failed/)
    // another image rolled out since the evidence: the patch is refused
    const rolled = structuredClone(before) as unknown as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }
    rolled.spec.template.spec.containers[0].image = 'registry.acme.io/shop/storefront:5.4.0'
    expect(() => applyJsonPatch(rolled, p.ops)).toThrow(/test failed/)
    expect(fix.notes).toContain('Deployment shop/storefront: container web: allowPrivilegeEscalation (not set) → false')
    const dir = mkdtempSync(join(tempDir(), 'k8s-fix-'))
    for (const a of [...fix.artefacts, ...fix.rollback]) {
      writeFileSync(join(dir, a.name), a.content)
      expect(spawnSync('bash', ['-n', join(dir, a.name)], { encoding: 'utf8' }).stderr, a.name).toBe('')
    }
  })

  it('keeps the rest of an existing securityContext, refuses a second application, and the rollback restores it exactly', () => {
    const fix = renderFix(fx.c.db, fx.target(CONTROL, `k8s:${ARN}/shop/Deployment/payments-worker`), 'P-2')
    const [p] = patchesOf(fix.artefacts[0].content)
    const before = objectOf(p.resource, p.namespace, p.name)
    const after = applyJsonPatch(before, p.ops)
    expect(after.spec.template.spec.containers[0].securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false })
    expect(() => applyJsonPatch(after, p.ops)).toThrow(/test failed/)
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
  })

  it('refuses a privileged container, and leaves the cluster’s own workloads out', () => {
    expect(() => renderFix(fx.c.db, fx.target(CONTROL, `k8s:${ARN}/ci/Deployment/buildkitd`), 'P-3')).toThrow(
      /Deployment ci\/buildkitd: container buildkitd: privileged: true \(the API server refuses allowPrivilegeEscalation: false beside it\): turn privileged mode or SYS_ADMIN off first/
    )
    expect(() => renderFix(fx.c.db, fx.target(CONTROL, `k8s:${ARN}/kube-system/DaemonSet/ebs-csi-node`), 'P-4')).toThrow(/the cluster's own/)
  })
})
