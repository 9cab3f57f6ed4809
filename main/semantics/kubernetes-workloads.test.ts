import { describe, expect, it } from 'vitest'
import { k8sServiceAccount, k8sWorkload } from '../../test/casegen/world'
import { automounts, containersOf, parseWorkloads, serviceAccountOf } from './kubernetes-workloads'

const list = (items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items })

describe('workloads.json', () => {
  it('finds each pod’s workload through its owners (Pod → ReplicaSet → Deployment), and stops at an owner not in the file', () => {
    const orphanRs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rollout-5f9', namespace: 'shop', ownerReferences: [{ kind: 'Rollout', name: 'rollout', controller: true }] },
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image: 'app:1' }] } } }
    }
    const r = parseWorkloads(
      list([
        ...k8sWorkload('Deployment', 'shop', 'cart', { containers: [{ name: 'cart', image: 'cart:1', add: ['NET_ADMIN'] }], replicas: 2, serviceAccount: 'cart' }),
        ...k8sWorkload('DaemonSet', 'kube-system', 'cns', { containers: [{ name: 'cns', image: 'cns:1', privileged: true }], pods: 3 }),
        orphanRs,
        k8sServiceAccount('shop', 'cart', false)
      ]),
      'kubernetes/c/workloads.json'
    )
    if (!r.ok) throw new Error(r.why)
    expect(r.value.workloads.map((w) => `${w.kind} ${w.namespace}/${w.name} ${w.pods.length} ${w.specPath}`)).toEqual([
      'DaemonSet kube-system/cns 3 /spec/template/spec',
      'Deployment shop/cart 2 /spec/template/spec',
      'ReplicaSet shop/rollout-5f9 0 /spec/template/spec'
    ])
    const cart = r.value.workloads.find((w) => w.name === 'cart')!
    expect(serviceAccountOf(cart.spec)).toBe('cart')
    expect(containersOf(cart.spec).map((c) => c.container.securityContext?.capabilities?.add)).toEqual([['NET_ADMIN']])
    expect(automounts(cart, r.value.serviceAccounts)).toEqual({ value: false, by: 'ServiceAccount shop/cart' })
    expect(r.value.workloads.find((w) => w.name === 'rollout-5f9')!.ownerMissing).toBe('Rollout shop/rollout')
    // the DaemonSet runs as default, whose ServiceAccount is not in the file: unknown
    expect(automounts(r.value.workloads[0], r.value.serviceAccounts)).toBeNull()
  })

  it('refuses a file that is not the List asked for, naming the file and the place', () => {
    expect(parseWorkloads('{"kind":"List","items":[{"kind":"Secret","metadata":{"name":"x"}}]}', 'kubernetes/c/workloads.json')).toMatchObject({
      ok: false,
      why: expect.stringMatching(/^kubernetes\/c\/workloads\.json: items\.0: not the List of `kubectl get pods,/)
    })
    expect(parseWorkloads('{"kind":', 'kubernetes/c/workloads.json')).toMatchObject({ ok: false, why: expect.stringMatching(/^kubernetes\/c\/workloads\.json: /) })
  })
})
