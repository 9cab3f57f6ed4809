import { describe, expect, it } from 'vitest'
import type { EvidenceFileSummary } from '../../shared/evidence'
import { kubernetesObjectOf, runsNoContainer, workloadScope } from './kubernetes-evidence'

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
})
