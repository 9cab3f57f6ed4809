// The default service account playbook's fixture world: three AKS clusters as Wiz reports them.
// shop-aks runs its cart on the default account, which never called the API server (90 days of audit
// events, reads included); on legacy-aks the default account lists pods every day; on tools-aks every
// workload has an account of its own already.
import { at, hex, k8sBinding, k8sRole, k8sServiceAccount, k8sWorkload, kubeAudit, wizClusterIssue, type ClusterWorld, type Expected, type World } from '../../test/casegen/world'

const SUBSCRIPTION = 'fee3535b-9616-486f-a476-6a500a08a02b'
const DEFAULT_SA = {
  control: '5ad273f6-379c-4fa8-91c6-cec8763b1b87',
  title: 'AKS cluster contains a pod that uses the default service account',
  id: 'azure.aks.default-service-account'
}

function controlPlane(c: ClusterWorld): void {
  for (let k = 0; k < 90; k++) {
    c.audit.push(
      kubeAudit(c.name, { time: at(k, 1), user: 'system:kube-controller-manager', verb: 'get', resource: 'leases', namespace: 'kube-system', name: 'kube-controller-manager' })
    )
    c.audit.push(kubeAudit(c.name, { time: at(k, 1, 20), user: 'system:kube-scheduler', verb: 'list', resource: 'nodes' }))
    c.audit.push(kubeAudit(c.name, { time: at(k, 1, 40), user: 'system:node:aks-nodepool1-31045-vmss000000', verb: 'watch', resource: 'configmaps', namespace: 'kube-system' }))
  }
}

export function scenario(w: World): void {
  const shop = w.cluster(hex('cluster:shop-aks', 64))
  shop.workloads.push(
    ...k8sWorkload('Deployment', 'shop', 'cart', { containers: [{ name: 'cart', image: 'acme.azurecr.io/cart:5.0.2' }], replicas: 2 }),
    k8sServiceAccount('shop', 'default')
  )
  controlPlane(shop)

  const legacy = w.cluster(hex('cluster:legacy-aks', 64))
  legacy.workloads.push(
    ...k8sWorkload('Deployment', 'legacy', 'worker', { containers: [{ name: 'worker', image: 'acme.azurecr.io/legacy-worker:0.9' }], replicas: 1 }),
    k8sServiceAccount('legacy', 'default')
  )
  controlPlane(legacy)
  // what lets the default account list pods: a RoleBinding naming it (the new account must get it too)
  legacy.rbac.push(
    k8sRole('pod-reader', 'legacy', [{ resources: ['pods'], verbs: ['get', 'list'] }]),
    k8sBinding('pod-reader', 'legacy', { kind: 'Role', name: 'pod-reader' }, [{ sa: 'legacy/default' }])
  )
  for (let k = 0; k < 90; k++)
    legacy.audit.push(kubeAudit(legacy.name, { time: at(k, 5), user: 'system:serviceaccount:legacy:default', verb: 'list', resource: 'pods', namespace: 'legacy' }))

  const tools = w.cluster(hex('cluster:tools-aks', 64))
  tools.workloads.push(
    ...k8sWorkload('Deployment', 'tools', 'backup', { containers: [{ name: 'backup', image: 'acme.azurecr.io/backup:2.2' }], replicas: 1, serviceAccount: 'backup' }),
    k8sServiceAccount('tools', 'backup'),
    k8sServiceAccount('tools', 'default')
  )

  const cases: Array<[ClusterWorld, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [shop, 'shop-aks', 'SAFE', { which: 'yes', used: 'no', system: 'no' }, 'the default account of shop never called the API server in 90 days', { which: 'Deployment shop/cart' }],
    [
      legacy,
      'legacy-aks',
      'RISKY',
      { which: 'yes', used: 'yes', system: 'no' },
      'the default account of legacy lists pods every day: the new account needs that',
      { used: 'system:serviceaccount:legacy:default made 90 requests' }
    ],
    [tools, 'tools-aks', 'SAFE', { which: 'no' }, 'every workload runs as an account of its own', { which: 'stale' }]
  ]
  for (const [c, clusterName, verdict, steps, why, says] of cases) {
    const row = wizClusterIssue({ ...DEFAULT_SA, subscription: SUBSCRIPTION, clusterId: c.name, clusterName, resourceGroup: 'rg-aks', created: '2026-11-02T08:00:00Z' })
    w.findings.wiz.push(row)
    w.expect({ control: DEFAULT_SA.id, resource: row['Resource external ID'], verdict, steps, why, says })
  }
}
