// The service account token playbook's fixture world: five AKS clusters as Wiz reports them. orders-aks
// runs an API that reads its ConfigMaps with its token; web-aks a frontend that never calls the API
// server (90 days of audit events, reads included); reports-aks has no audit log in evidence; on
// vault-aks Vault reviews pods' tokens (whose, the log cannot say); on
// static-aks every pod spec says automountServiceAccountToken: false already.
import { at, hex, k8sServiceAccount, k8sWorkload, kubeAudit, wizClusterIssue, type ClusterWorld, type Expected, type World } from '../../test/casegen/world'

const SUBSCRIPTION = 'fee3535b-9616-486f-a476-6a500a08a02b'
const AUTOMOUNT = {
  control: 'e0648231-c3cb-48b1-899e-fe5fee151be5',
  title: 'Kubernetes service account token is automatically mounted in pods',
  id: 'azure.aks.automount-service-account-token'
}

/** The control plane's own requests every day of the window: reads (get, list, watch) are logged. */
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
  const orders = w.cluster(hex('cluster:orders-aks', 64))
  orders.workloads.push(
    ...k8sWorkload('Deployment', 'orders', 'api', { containers: [{ name: 'api', image: 'acme.azurecr.io/orders-api:3.1.0' }], replicas: 2, serviceAccount: 'api' }),
    ...k8sWorkload('Deployment', 'orders', 'web', { containers: [{ name: 'web', image: 'acme.azurecr.io/orders-web:3.1.0' }], replicas: 2, serviceAccount: 'web' }),
    k8sServiceAccount('orders', 'api'),
    k8sServiceAccount('orders', 'web', false)
  )
  controlPlane(orders)
  // the API reloads its feature flags from a ConfigMap every few hours
  for (let k = 0; k < 90; k += 2)
    orders.audit.push(
      kubeAudit(orders.name, { time: at(k, 7), user: 'system:serviceaccount:orders:api', verb: 'get', resource: 'configmaps', namespace: 'orders', name: 'feature-flags' })
    )

  const web = w.cluster(hex('cluster:web-aks', 64))
  web.workloads.push(
    ...k8sWorkload('Deployment', 'web', 'frontend', { containers: [{ name: 'nginx', image: 'nginx:1.27' }], replicas: 3, serviceAccount: 'frontend' }),
    k8sServiceAccount('web', 'frontend')
  )
  controlPlane(web)

  const reports = w.cluster(hex('cluster:reports-aks', 64))
  reports.workloads.push(
    ...k8sWorkload('Deployment', 'reports', 'renderer', { containers: [{ name: 'renderer', image: 'acme.azurecr.io/renderer:1.0.4' }], replicas: 1, serviceAccount: 'renderer' }),
    k8sServiceAccount('reports', 'renderer')
  )

  // vault-aks: the app never calls the API server, but its Vault agent logs in to Vault with the pod's
  // mounted token, and Vault checks it with a TokenReview made as Vault
  const vault = w.cluster(hex('cluster:vault-aks', 64))
  vault.workloads.push(
    ...k8sWorkload('Deployment', 'billing', 'invoicer', { containers: [{ name: 'invoicer', image: 'acme.azurecr.io/invoicer:2.0.1' }], replicas: 2, serviceAccount: 'invoicer' }),
    k8sServiceAccount('billing', 'invoicer')
  )
  controlPlane(vault)
  for (let k = 0; k < 90; k++) vault.audit.push(kubeAudit(vault.name, { time: at(k, 6), user: 'system:serviceaccount:vault:vault', verb: 'create', resource: 'tokenreviews' }))

  const statics = w.cluster(hex('cluster:static-aks', 64))
  statics.workloads.push(
    ...k8sWorkload('Deployment', 'static', 'nginx', { containers: [{ name: 'nginx', image: 'nginx:1.27' }], replicas: 2, automount: false }),
    k8sServiceAccount('static', 'default')
  )

  const cases: Array<[ClusterWorld, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      orders,
      'orders-aks',
      'UNSAFE',
      { which: 'yes', used: 'yes', system: 'no' },
      'the orders API reads its feature flags with its token',
      { which: 'Deployment orders/api', used: 'get configmaps in orders (45)' }
    ],
    [web, 'web-aks', 'SAFE', { which: 'yes', used: 'no', system: 'no' }, 'the frontend never called the API server in 90 days of audit events', { used: 'reads included' }],
    [reports, 'reports-aks', 'RISKY', { which: 'yes', used: 'unknown', system: 'no' }, 'no audit log of the cluster is in evidence', { used: 'no audit log' }],
    [
      vault,
      'vault-aks',
      'RISKY',
      { which: 'yes', used: 'unknown', system: 'no' },
      "the app never calls the API server, but Vault reviews pods' tokens: whose, the log does not say",
      { used: 'system:serviceaccount:vault:vault asked the API server to review tokens 90 times (TokenReview)' }
    ],
    [statics, 'static-aks', 'SAFE', { which: 'no' }, 'every pod spec already says automountServiceAccountToken: false', { which: 'stale' }]
  ]
  for (const [c, clusterName, verdict, steps, why, says] of cases) {
    const row = wizClusterIssue({ ...AUTOMOUNT, subscription: SUBSCRIPTION, clusterId: c.name, clusterName, resourceGroup: 'rg-aks', created: '2026-11-02T08:00:00Z' })
    w.findings.wiz.push(row)
    w.expect({ control: AUTOMOUNT.id, resource: row['Resource external ID'], verdict, steps, why, says })
  }
}
