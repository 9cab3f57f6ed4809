// azure.aks.api-server-public's fixture world: four AKS clusters of one subscription as Wiz reports
// them, each ending one way the investigation can end. The audit logs are the diagnostic setting's
// kube-audit records (the event in properties.log); the nodes call from the cluster's egress address
// (the load balancer's outbound IP), the pods from the pod network.
import { aksCluster, at, hex, kubeAudit, wizClusterIssue, type Expected, type World } from '../../test/casegen/world'

const SUBSCRIPTION = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
const GROUP = 'rg-shop'
/** Wiz's id of a cluster (a hash; the issues export's resource external id) */
export const wizId = (name: string): string => hex(`wiz-cluster:${SUBSCRIPTION}:${name}`, 64)
const WIZ = { control: '5e029a63-783d-4ce0-b02a-0461c01f3250', title: 'Publicly exposed control plane of an AKS cluster' }

/** Every day of the window: a node renews its lease (from the egress address) and CoreDNS lists endpoints (from the pod network). */
function dailyTraffic(w: World, name: string, egress: string, reads = true): void {
  const c = w.cluster(name)
  for (let k = 0; k < 90; k++) {
    c.audit.push(
      kubeAudit(name, {
        time: at(k, 2),
        user: 'system:node:aks-nodepool1-31718369-vmss000000',
        verb: 'update',
        resource: 'leases',
        namespace: 'kube-node-lease',
        name: 'aks-nodepool1-31718369-vmss000000',
        ip: egress
      })
    )
    // kube-audit-admin leaves reads out: a cluster logging only it has no get or list
    if (reads) c.audit.push(kubeAudit(name, { time: at(k, 3), user: 'system:serviceaccount:kube-system:coredns', verb: 'list', resource: 'endpoints', ip: '10.244.1.9' }))
  }
}

export function scenario(w: World): void {
  const z = w.subscription(SUBSCRIPTION)
  const cluster = (name: string, o: { ranges?: string[]; owner: string }) => {
    const c = aksCluster({ subscription: SUBSCRIPTION, group: GROUP, name, location: 'westeurope', ranges: o.ranges, tags: { Owner: o.owner } })
    z.aksClusters.push(c)
    return c
  }
  // only the nodes and the pods call it
  const shop = cluster('shop-aks', { owner: 'shop' })
  dailyTraffic(w, 'shop-aks', '20.103.52.14')
  // an analyst's kubectl from home, refused probes aside
  const data = cluster('data-aks', { owner: 'data' })
  dailyTraffic(w, 'data-aks', '20.103.60.2')
  for (let k = 2; k < 90; k += 4)
    w.cluster('data-aks').audit.push(
      kubeAudit('data-aks', { time: at(k, 20), user: 'bob@contoso.example', verb: 'get', resource: 'pods', namespace: 'etl', ip: '198.51.100.7' }),
      kubeAudit('data-aks', { time: at(k, 21), user: 'system:anonymous', verb: 'get', resource: 'secrets', namespace: 'default', code: 401, ip: '45.9.148.3' })
    )
  // its diagnostic setting sends kube-audit-admin only: reads are not in the log
  const ops = cluster('ops-aks', { owner: 'platform' })
  dailyTraffic(w, 'ops-aks', '20.103.71.40', false)
  // already restricted to the office range: the finding is stale
  const office = cluster('office-aks', { ranges: ['203.0.113.0/24'], owner: 'platform' })

  const cases: Array<[typeof shop, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      shop,
      'SAFE',
      { public: 'yes', audit: 'yes', 'outside-callers': 'no', 'cluster-path': 'yes' },
      'only the nodes (from the egress address) and the pods call it',
      { 'cluster-path': '20.103.52.14' }
    ],
    [data, 'UNSAFE', { public: 'yes', 'outside-callers': 'yes' }, "an analyst's kubectl calls it from home", { 'outside-callers': 'bob@contoso.example from 198.51.100.7' }],
    [ops, 'RISKY', { public: 'yes', audit: 'no', 'outside-callers': 'unknown' }, 'the log leaves reads out (kube-audit-admin)', { audit: 'get or list' }],
    [office, 'SAFE', { public: 'no' }, 'a stale finding: already restricted to the office range', { public: '203.0.113.0/24' }]
  ]
  for (const [c, verdict, steps, why, says] of cases) {
    // Wiz names the cluster by its own hash (the issue's resource external id), as real exports do
    const clusterId = wizId(c.name as string)
    w.findings.wiz.push(wizClusterIssue({ ...WIZ, subscription: SUBSCRIPTION, clusterId, clusterName: c.name as string, resourceGroup: GROUP, created: '2026-10-14T08:21:44Z' }))
    w.expect({ control: 'azure.aks.api-server-public', resource: clusterId, verdict, steps, why, ...(says ? { says } : {}) })
  }
}
