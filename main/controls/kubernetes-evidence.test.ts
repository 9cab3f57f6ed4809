import { describe, expect, it } from 'vitest'
import type { EvidenceFileSummary } from '../../shared/evidence'
import { hex, k8sWorkload } from '../../test/casegen/world'
import { parseWorkloads } from '../semantics/kubernetes-workloads'
import { kubernetesObjectOf, runsNoContainer, workloadNamedElsewhere, workloadScope, workloadsOf } from './kubernetes-evidence'

const file = (cluster: string): EvidenceFileSummary => ({
  id: `f-${cluster}`,
  kind: 'kubernetes.workloads',
  path: `kubernetes/${cluster}/workloads.json`,
  sha256: '0'.repeat(64),
  bytes: 2,
  addedAt: '2026-12-01T00:00:00Z',
  bundle: 'b1',
  stored: 'blob',
  status: 'read',
  problem: null
})

describe('the scope of a finding on a Kubernetes object', () => {
  it("reads Trivy's k8s ids (main/ingest/resource-id.ts): an EKS ARN or empty cluster, a namespace, a kind by its API name", () => {
    expect(kubernetesObjectOf('k8s:arn:aws:eks:eu-west-1:111122223333:cluster/prod/shop/Deployment/cart')).toEqual({
      cluster: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'cart'
    })
    expect(kubernetesObjectOf('k8s:/monitoring/statefulset/prometheus')).toEqual({ cluster: '', kind: 'StatefulSet', namespace: 'monitoring', name: 'prometheus' })
    expect(kubernetesObjectOf('k8s://ClusterRole/admin')).toEqual({ cluster: '', kind: 'ClusterRole', namespace: '', name: 'admin' })
    expect(kubernetesObjectOf('k8s/pod/aks-prod/web/web-7d9f8c6b5-x2x9q')).toEqual({ cluster: 'aks-prod', kind: 'Pod', namespace: 'web', name: 'web-7d9f8c6b5-x2x9q' })
    expect(kubernetesObjectOf('/subscriptions/x/resourcegroups/rg')).toBeNull()
  })

  it('takes the cluster folder an EKS ARN names, else the only cluster in evidence, and refuses when several could be meant', () => {
    const arn = workloadScope({ id: 'k8s:arn:aws:eks:eu-west-1:111122223333:cluster/prod/shop/Deployment/cart', type: 'kubernetes.deployment' }, [file('prod'), file('dev')])
    expect(arn).toMatchObject({ ok: true, value: { cluster: 'prod', chosen: null, only: { kind: 'Deployment', namespace: 'shop', name: 'cart' } } })
    const empty = workloadScope({ id: 'k8s:/shop/Deployment/cart', type: 'kubernetes.deployment' }, [file('prod')])
    expect(empty).toMatchObject({ ok: true, value: { cluster: 'prod', chosen: 'the only cluster in evidence, kubernetes/prod/' } })
    const two = workloadScope({ id: 'k8s:/shop/Deployment/cart', type: 'kubernetes.deployment' }, [file('prod'), file('dev')])
    expect(two.ok).toBe(false)
    if (!two.ok) expect(two.why).toContain('the clusters are dev, prod')
  })

  it('knows which objects run no container, and does not judge a kind it does not know (a custom resource may template pods)', () => {
    expect(['Service', 'ConfigMap', 'ServiceAccount', 'Role', 'ClusterRoleBinding'].every(runsNoContainer)).toBe(true)
    expect(runsNoContainer('Deployment')).toBe(false)
    const svc = workloadScope({ id: 'k8s:prod/shop/Service/cart', type: 'kubernetes.service' }, [file('prod')])
    expect(svc).toEqual({ ok: false, why: 'Service shop/cart runs no container: it has no pod spec to change', files: [] })
    const crd = workloadScope({ id: 'k8s:prod/shop/Rollout/cart', type: 'kubernetes.rollout' }, [file('prod')])
    expect(crd.ok).toBe(false)
    if (!crd.ok) expect(crd.why).toContain('is a Rollout, neither a workload')
  })

  it("takes a ReplicaSet's finding to its Deployment (Trivy Operator reports a Deployment's checks on its active ReplicaSet): by ownerReferences, or by name when it was replaced", () => {
    const parsed = parseWorkloads(
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: k8sWorkload('Deployment', 'shop', 'cart', { containers: [{ name: 'cart', image: 'cart:1' }], replicas: 1 }) }),
      'kubernetes/prod/workloads.json'
    )
    if (!parsed.ok) throw new Error(parsed.why)
    const of = (kind: string, name: string) => workloadsOf(parsed.value, { cluster: 'prod', chosen: null, only: { kind, namespace: 'shop', name }, text: '' })
    const rs = `cart-${hex('rs:shop:cart', 10)}`
    expect(of('ReplicaSet', rs)).toEqual({
      workloads: [parsed.value.workloads[0]],
      how: `ReplicaSet shop/${rs} is owned by Deployment shop/cart (its ownerReferences): the owner's template is what runs and what is changed`
    })
    expect(of('ReplicaSet', 'cart-5c4b3a2d19')).toMatchObject({ workloads: [{ kind: 'Deployment', name: 'cart' }], how: expect.stringContaining('replaced since the scan') })
    expect(of('ReplicaSet', 'checkout-5c4b3a2d19')).toEqual({ why: 'ReplicaSet shop/checkout-5c4b3a2d19 is not in workloads.json' })
    expect(of('Job', 'cart-29000000')).toEqual({ why: 'Job shop/cart-29000000 is not in workloads.json' })
  })

  it("does not take an object that runs no container for proof when the tool's message names a workload (Trivy puts a Deployment's checks on a Role, aquasecurity/trivy#9170)", () => {
    const role = kubernetesObjectOf('k8s:minikube/default/Role/caas-scanners-role')!
    const misplaced = {
      raw: JSON.stringify({ ID: 'KSV001', Message: "Container 'httpbin' of Deployment 'httpbin' should set 'securityContext.allowPrivilegeEscalation' to false" })
    }
    expect(workloadNamedElsewhere(role, [misplaced])).toContain('names Deployment default/httpbin: the scanner put a workload')
    // a check Trivy runs on every object, whose message names the object itself: it really runs no container
    const svc = kubernetesObjectOf('k8s:minikube/default/Service/vault')!
    const own = { raw: JSON.stringify({ ID: 'KSV116', Message: 'service vault in default namespace should set spec.securityContext.runAsGroup' }) }
    expect(workloadNamedElsewhere(svc, [own])).toBeNull()
  })
})
