// The fix and its rollback, rendered from the fixture's case: the JSON patches are parsed back out of
// the scripts and applied to the workloads as the fixture's workloads.json has them (as the API server
// applies a JSON patch): the fix sets runAsNonRoot true on exactly the containers at fault, a second
// application is refused by its tests, and the rollback gives back the object exactly. The plan is
// refused, changing nothing, for a container the kubelet would refuse to start.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { applyJsonPatch, patchedObject, patchesOf } from '../../test/helpers/json-patch'
import { tempDir } from '../../test/helpers/tmp'

const FIXTURE = join(__dirname, 'fixtures')
const CONTROL = 'kubernetes.pod.run-as-non-root'
const WORKLOADS = join(FIXTURE, 'bundle', 'kubernetes', 'shop', 'workloads.json')
const objectOf = (resource: string, namespace: string, name: string) =>
  patchedObject<{ kind: string; metadata: { name: string; namespace: string } }>(WORKLOADS, resource, namespace, name)
type Template = { spec: { template: { spec: { containers: Array<{ securityContext?: Record<string, unknown> }> } } } }

describe('kubernetes.pod.run-as-non-root fix', () => {
  let fx: FixtureCase
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it('adds runAsNonRoot: true to the container at fault, and the rollback restores the object exactly', () => {
    const fix = renderFix(fx.c.db, fx.target(CONTROL, 'k8s:shop/shop/Deployment/storefront'), 'P-1')
    const [p] = patchesOf(fix.artefacts[0].content)
    expect(p).toMatchObject({ resource: 'deployment', name: 'storefront', namespace: 'shop' })
    const before = objectOf(p.resource, p.namespace, p.name)
    const after = applyJsonPatch(before, p.ops) as unknown as Template
    expect(after.spec.template.spec.containers[0].securityContext).toEqual({ runAsNonRoot: true })
    // the container is tested whole (it had no securityContext, which the patch adds): a second run, or a container changed since, is refused
    expect(() => applyJsonPatch(after, p.ops)).toThrow(/test failed/)
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
    expect(() => applyJsonPatch(before, r.ops)).toThrow(/test failed/)
    expect(fix.notes).toEqual(['Deployment shop/storefront: container web: runAsNonRoot (not set) → true'])
    expect(fix.artefacts[0].content).toContain('CONTEXT="${LASTMILE_KUBE_CONTEXT:-shop}"')
    const dir = mkdtempSync(join(tempDir(), 'k8s-nonroot-'))
    for (const a of [...fix.artefacts, ...fix.rollback]) {
      writeFileSync(join(dir, a.name), a.content)
      expect(spawnSync('bash', ['-n', join(dir, a.name)], { encoding: 'utf8' }).stderr, a.name).toBe('')
    }
  })

  it('is refused for a container the kubelet would refuse to start, a stale finding and the cluster’s own workload', () => {
    expect(() => renderFix(fx.c.db, fx.target(CONTROL, 'k8s:shop/shop/Deployment/legacy-nginx'), 'P-2')).toThrow(
      'Deployment shop/legacy-nginx container nginx: the image sets no USER: it runs as root, and the kubelet refuses to start it with runAsNonRoot (nginx:1.25.4); set runAsUser to a user id other than 0'
    )
    expect(() => renderFix(fx.c.db, fx.target(CONTROL, 'k8s:shop/shop/Deployment/mailer'), 'P-3')).toThrow(/the image's USER is the name mailer, which the kubelet cannot check/)
    expect(() => renderFix(fx.c.db, fx.target(CONTROL, 'k8s:shop/shop/Deployment/checkout'), 'P-4')).toThrow(
      /no workload in the evidence has a container not made to run as non-root/
    )
    expect(() => renderFix(fx.c.db, fx.target(CONTROL, 'k8s:shop/kube-system/DaemonSet/kube-proxy'), 'P-5')).toThrow(/every workload at fault is the cluster's own/)
  })

  it('patches a container whose image user is not in evidence (the investigation said RISKY), saying so in its preconditions', () => {
    const fix = renderFix(fx.c.db, fx.target(CONTROL, 'k8s:shop/shop/StatefulSet/search'), 'P-6')
    const [p] = patchesOf(fix.artefacts[0].content)
    const before = objectOf(p.resource, p.namespace, p.name)
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(applyJsonPatch(before, p.ops), r.ops)).toEqual(before)
    expect(fix.preconditions.join(' ')).toContain('says RISKY when the image’s USER is not in evidence')
  })
})
