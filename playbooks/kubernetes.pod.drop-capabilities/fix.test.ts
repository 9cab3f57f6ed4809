// The fix and its rollback, rendered from the fixture's case: the JSON patches are parsed back out of
// the scripts and applied to the workloads as the fixture's workloads.json has them (the way the API
// server applies a JSON patch): drop becomes [ALL] on exactly the containers at fault, what each keeps
// is added back (NET_BIND_SERVICE for a container that serves port 80; nothing but it under KSV-0106),
// and the rollback gives back the object exactly.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { applyJsonPatch, patchedObject, patchesOf } from '../../test/helpers/json-patch'

const FIXTURE = join(__dirname, 'fixtures')
type Obj = { kind: string; metadata: { name: string; namespace: string }; spec: { template: { spec: { containers: Array<{ securityContext?: Record<string, unknown> }> } } } }
const objectOf = (resource: string, namespace: string, name: string) =>
  patchedObject<Obj>(join(FIXTURE, 'bundle', 'kubernetes', 'analytics', 'workloads.json'), resource, namespace, name)

describe('kubernetes.pod.drop-capabilities fix', () => {
  let fx: FixtureCase
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  const roundTrip = (control: string, resource: string, want: Record<string, unknown>): string[] => {
    const fix = renderFix(fx.c.db, fx.target(control, resource), 'P-1')
    const [p] = patchesOf(fix.artefacts[0].content)
    const before = objectOf(p.resource, p.namespace, p.name)
    const after = applyJsonPatch(before, p.ops)
    expect(after.spec.template.spec.containers[0].securityContext).toEqual(want)
    // nothing but the securityContext changed
    const put = structuredClone(after)
    put.spec.template.spec.containers[0].securityContext = before.spec.template.spec.containers[0].securityContext
    expect(put).toEqual(before)
    expect(() => applyJsonPatch(after, p.ops)).toThrow(/test failed/)
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
    expect(() => applyJsonPatch(before, r.ops)).toThrow(/test failed/)
    return fix.notes
  }

  it('drops ALL on a root nginx and keeps NET_BIND_SERVICE for the ports below 1024 it declares', () => {
    const notes = roundTrip('kubernetes.pod.drop-capabilities', 'k8s:analytics/reports/Deployment/gateway', {
      runAsUser: 0,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }
    })
    expect(notes).toContain('Deployment reports/gateway: container nginx: capabilities.drop (none) → [ALL], add (none) → [NET_BIND_SERVICE] (it declares port 80, 443)')
  })

  it('under KSV-0106, removes the capabilities added beyond NET_BIND_SERVICE', () => {
    roundTrip('iac.trivy.ksv-0106', 'k8s:analytics/reports/Deployment/packet-capture', { runAsUser: 0, capabilities: { drop: ['ALL'] } })
  })

  it('gives a non-root container without privilege escalation drop ALL and nothing back, its port 8080 needing nothing', () => {
    roundTrip('kubernetes.pod.drop-capabilities', 'k8s:analytics/reports/Deployment/reports-api', { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } })
  })

  it('refuses the cluster’s own workloads', () => {
    expect(() => renderFix(fx.c.db, fx.target('kubernetes.pod.drop-capabilities', 'k8s:analytics/kube-system/DaemonSet/kube-proxy'), 'P-2')).toThrow(/the cluster's own/)
  })
})
