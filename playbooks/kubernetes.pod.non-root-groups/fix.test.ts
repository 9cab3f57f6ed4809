// The fix and its rollback, rendered from the fixture's case: the JSON patches are parsed back out of
// the scripts and applied to the workloads as the fixture's workloads.json has them (as the API server
// applies a JSON patch): the fix takes group 0 away exactly where the pod spec gave it, a second
// application is refused by its tests, and the rollback gives back the object exactly. The plan is
// refused, changing nothing, where the evidence gives no group to use or nothing runs a container.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderFix } from '../../main/remediate'
import { fixtureCase, type FixtureCase } from '../../test/helpers/fixture-case'
import { applyJsonPatch, patchesOf } from '../../test/helpers/json-patch'
import { tempDir } from '../../test/helpers/tmp'
import { nonRootGroupsPatch } from './fix'
import { parseWorkloads } from '../../main/semantics/kubernetes-workloads'

const FIXTURE = join(__dirname, 'fixtures')
const CONTROL = 'kubernetes.pod.non-root-groups'
const ARN = 'arn:aws:eks:eu-west-1:111122223333:cluster/ledger'
const WORKLOADS = join(FIXTURE, 'bundle', 'kubernetes', 'ledger', 'workloads.json')
const objects = (): Array<{ kind: string; metadata: { name: string; namespace: string } }> => JSON.parse(readFileSync(WORKLOADS, 'utf8')).items
const objectOf = (resource: string, namespace: string, name: string) =>
  objects().find((o) => o.kind.toLowerCase() === resource && o.metadata.namespace === namespace && o.metadata.name === name)!
type PodTemplate = { spec: { template: { spec: { securityContext: Record<string, unknown> } } } }

describe('kubernetes.pod.non-root-groups fix', () => {
  let fx: FixtureCase
  beforeAll(async () => {
    fx = await fixtureCase(FIXTURE)
  })
  afterAll(() => fx.close())

  it("sets the pod's runAsGroup 0 to its user id and removes fsGroup 0; the rollback restores the object exactly", () => {
    const fix = renderFix(fx.c.db, fx.target(CONTROL, `k8s:${ARN}/ledger/Deployment/ledger-api`), 'P-1')
    expect(fix.artefacts[0].kind).toBe('kubectl')
    const [p] = patchesOf(fix.artefacts[0].content)
    expect(p).toMatchObject({ resource: 'deployment', name: 'ledger-api', namespace: 'ledger' })
    const before = objectOf(p.resource, p.namespace, p.name)
    const after = applyJsonPatch(before, p.ops) as unknown as PodTemplate
    expect(after.spec.template.spec.securityContext).toEqual({ runAsUser: 1000, runAsGroup: 1000 })
    expect(() => applyJsonPatch(after, p.ops)).toThrow(/test failed/)
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
    expect(() => applyJsonPatch(before, r.ops)).toThrow(/test failed/)
    expect(fix.notes).toEqual([
      'Deployment ledger/ledger-api: pod: runAsGroup 0 → 1000 (its runAsUser)',
      'Deployment ledger/ledger-api: pod: fsGroup 0 removed (volumes are no longer made group-owned by root at mount)'
    ])
    // kubectl runs against the context aws eks update-kubeconfig names after the cluster's ARN
    expect(fix.artefacts[0].content).toContain(`CONTEXT="\${LASTMILE_KUBE_CONTEXT:-${ARN}}"`)
    const dir = mkdtempSync(join(tempDir(), 'k8s-groups-'))
    for (const a of [...fix.artefacts, ...fix.rollback]) {
      writeFileSync(join(dir, a.name), a.content)
      expect(spawnSync('bash', ['-n', join(dir, a.name)], { encoding: 'utf8' }).stderr, a.name).toBe('')
    }
  })

  it('takes 0 out of supplementalGroups and puts it back where it was', () => {
    const fix = renderFix(fx.c.db, fx.target(CONTROL, `k8s:${ARN}/ledger/StatefulSet/reports-archive`), 'P-2')
    const [p] = patchesOf(fix.artefacts[0].content)
    const before = objectOf(p.resource, p.namespace, p.name)
    const after = applyJsonPatch(before, p.ops) as unknown as PodTemplate
    expect(after.spec.template.spec.securityContext).toEqual({ runAsUser: 2000, supplementalGroups: [2000] })
    const [r] = patchesOf(fix.rollback[0].content)
    expect(applyJsonPatch(after, r.ops)).toEqual(before)
  })

  it("refuses, naming the reason, for an object that runs no container, a stale finding, or the cluster's own workload", () => {
    expect(() => renderFix(fx.c.db, fx.target(CONTROL, `k8s:${ARN}/ledger/Service/ledger-api`), 'P-3')).toThrow(
      'Service ledger/ledger-api runs no container: there is nothing to patch; validate the finding instead'
    )
    expect(() => renderFix(fx.c.db, fx.target(CONTROL, `k8s:${ARN}/ledger/Deployment/ledger-worker`), 'P-4')).toThrow(
      /no workload in the evidence has a process running with group 0/
    )
    expect(() => renderFix(fx.c.db, fx.target(CONTROL, `k8s:${ARN}/kube-system/Deployment/coredns`), 'P-5')).toThrow(
      /every workload at fault is the cluster's own \(Deployment kube-system\/coredns\)/
    )
  })

  it('gives no group when the evidence names none: runAsGroup 0 without a runAsUser other than 0 is refused', () => {
    const list = JSON.parse(readFileSync(WORKLOADS, 'utf8'))
    const coredns = parseWorkloads(JSON.stringify(list), 'workloads.json')
    if (!coredns.ok) throw new Error(coredns.why)
    const w = coredns.value.workloads.find((x) => x.name === 'coredns')!
    expect(() => nonRootGroupsPatch({ workload: w, containers: [], why: '' })).toThrow(
      "Deployment kube-system/coredns: runAsGroup 0 (the pod's, for coredns), and no runAsUser other than 0 on the pod to take a group id from"
    )
  })
})
