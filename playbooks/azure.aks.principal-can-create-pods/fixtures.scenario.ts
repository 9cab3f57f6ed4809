// The Kubernetes RBAC playbook's fixture world: two AKS clusters as Wiz reports their subjects. The
// bookingapp cluster's audit log (diagnostic setting kube-audit) covers every day of the window; the
// shared cluster's only its last 30 days. Each finding ends one way the investigation can end.
import { at, k8sBinding, k8sRole, kubeAudit, wizClusterIssue, wizSubjectIssue, type Expected, type World } from '../../test/casegen/world'

const SUBSCRIPTION = 'fee3535b-9616-486f-a476-6a500a08a02b'
// Wiz's ids of the clusters (the resource external ids carry them); the evidence folders are named so
const BOOKING = '42cfa6ccd681025c90a26bea65c39fa80ca8837a0bd3b5c7889165217fa4931e'
const SHARED = '28b9b9cef86835ac7de9a9d82c366f2ae9dd26d32de3b9e9893d003a62efeb85'

const CREATE_PODS = {
  control: 'f114d8a8-7e24-4fff-aaf8-69ce385004f4',
  title: 'AKS user/service accounts with the privileges to create pods',
  id: 'azure.aks.principal-can-create-pods'
}
const READ_SECRETS = {
  control: '4a5593c7-a3e1-41b9-8166-009e4bc53a3f',
  title: 'User/service account with get/list/watch permissions on secrets in an AKS cluster',
  id: 'azure.aks.principal-can-read-secrets'
}
// a third cluster, whose audit log covers the window, for cluster-admin-in-use
const TOOLS = '7d3c1f0a9b8e4d2c6a5f3e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b'
const CLUSTER_ADMIN = { control: '9ab37204-39f0-48e9-8c43-dabdb5e0dbfb', title: 'AKS cluster-admin role is used by an account', id: 'azure.aks.cluster-admin-in-use' }
const WILDCARD = { control: '5bd69891-b61f-49c8-85a5-c8f90c3eff80', title: 'AKS role/cluster role assigned permissions that contain wildcards ', id: 'azure.aks.role-wildcard' }

export function scenario(w: World): void {
  const booking = w.cluster(BOOKING)
  booking.rbac.push(
    // the CI deployer creates its job pods in ci
    k8sRole('pod-runner', 'ci', [{ resources: ['pods'], verbs: ['create', 'get', 'list', 'delete'] }]),
    k8sBinding('deployer-pods', 'ci', { kind: 'Role', name: 'pod-runner' }, [{ sa: 'ci/deployer' }]),
    // the reporting job was given the secrets of its namespace and never reads them
    k8sRole('report-reader', 'reports', [
      { resources: ['configmaps'], verbs: ['get', 'list'] },
      { resources: ['secrets'], verbs: ['get', 'list', 'watch'] }
    ]),
    k8sBinding('report-reader', 'reports', { kind: 'Role', name: 'report-reader' }, [{ sa: 'reports/report-job' }]),
    // a controller of the cluster: it creates pods for replica sets
    k8sRole('system:controller:replicaset-controller', null, [{ resources: ['pods'], verbs: ['create', 'delete', 'list', 'watch'] }]),
    k8sBinding('system:controller:replicaset-controller', null, { kind: 'ClusterRole', name: 'system:controller:replicaset-controller' }, [
      { sa: 'kube-system/replicaset-controller' }
    ]),
    // the expand controller reads secrets (storage class credentials) and did not in the window
    k8sRole('system:controller:expand-controller', null, [{ resources: ['secrets'], verbs: ['get'] }]),
    k8sBinding('system:controller:expand-controller', null, { kind: 'ClusterRole', name: 'system:controller:expand-controller' }, [{ sa: 'kube-system/expand-controller' }]),
    // AKS's support user holds a wildcard role
    k8sRole('aks-service', null, [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    k8sBinding('aks-service-rolebinding', null, { kind: 'ClusterRole', name: 'aks-service' }, [{ user: 'aks-support' }]),
    // a developer's wildcard on the dev namespace, used to read pods and logs there
    k8sRole('dev-all', 'dev', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    k8sBinding('dev-all', 'dev', { kind: 'Role', name: 'dev-all' }, [{ user: 'maria@acme.example' }]),
    // a cleanup job that deletes finished pods was given create too, and never created one
    k8sRole('pod-janitor', 'batch', [{ resources: ['pods'], verbs: ['create', 'delete', 'list'] }]),
    k8sBinding('pod-janitor', 'batch', { kind: 'Role', name: 'pod-janitor' }, [{ sa: 'batch/cleanup' }]),
    // the platform team's Entra ID group holds the wildcard role too (who is in it, Entra ID says)
    k8sBinding('platform-admins', null, { kind: 'ClusterRole', name: 'aks-service' }, [{ group: '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f' }])
    // the old worker's binding was deleted: nothing binds reports/old-worker any more
  )
  for (let k = 0; k < 90; k++) {
    // the controller manager renews its lease every day (and every day has events: the log covers it)
    booking.audit.push(
      kubeAudit(BOOKING, { time: at(k, 1), user: 'system:kube-controller-manager', verb: 'get', resource: 'leases', namespace: 'kube-system', name: 'kube-controller-manager' })
    )
    booking.audit.push(kubeAudit(BOOKING, { time: at(k, 1, 30), user: 'system:node:aks-nodepool1-3104-vmss000000', verb: 'watch', resource: 'configmaps', namespace: 'booking' }))
    if (k % 3 === 0)
      booking.audit.push(
        kubeAudit(BOOKING, { time: at(k, 9, 12), user: 'system:serviceaccount:ci:deployer', verb: 'create', resource: 'pods', namespace: 'ci', name: `build-${k}` })
      )
    if (k % 2 === 0)
      booking.audit.push(
        kubeAudit(BOOKING, {
          time: at(k, 4),
          user: 'system:serviceaccount:kube-system:replicaset-controller',
          verb: 'create',
          resource: 'pods',
          namespace: 'booking',
          name: `web-7f9c-${k}`
        })
      )
    if (k % 5 === 0)
      booking.audit.push(
        kubeAudit(BOOKING, { time: at(k, 3), user: 'system:serviceaccount:batch:cleanup', verb: 'delete', resource: 'pods', namespace: 'batch', name: `job-${k}` })
      )
    // the report job reads its configmaps, not the secrets
    booking.audit.push(
      kubeAudit(BOOKING, { time: at(k, 6), user: 'system:serviceaccount:reports:report-job', verb: 'get', resource: 'configmaps', namespace: 'reports', name: 'report-settings' })
    )
    if (k % 7 === 0) {
      booking.audit.push(kubeAudit(BOOKING, { time: at(k, 15), user: 'maria@acme.example', verb: 'list', resource: 'pods', namespace: 'dev' }))
      booking.audit.push(kubeAudit(BOOKING, { time: at(k, 15, 2), user: 'maria@acme.example', verb: 'get', resource: 'pods', subresource: 'log', namespace: 'dev', name: 'api-0' }))
    }
    // a refused attempt of the report job on another namespace's secrets is no use of its grant
    if (k === 40)
      booking.audit.push(
        kubeAudit(BOOKING, { time: at(k, 11), user: 'system:serviceaccount:reports:report-job', verb: 'list', resource: 'secrets', namespace: 'payments', code: 403 })
      )
  }

  const shared = w.cluster(SHARED)
  shared.rbac.push(
    k8sRole('argocd-server', 'argocd', [{ resources: ['pods'], verbs: ['create', 'delete', 'get'] }]),
    k8sBinding('argocd-server', 'argocd', { kind: 'Role', name: 'argocd-server' }, [{ sa: 'argocd/argocd-server' }])
  )
  for (let k = 60; k < 90; k++)
    shared.audit.push(kubeAudit(SHARED, { time: at(k, 2), user: 'system:kube-scheduler', verb: 'get', resource: 'leases', namespace: 'kube-system', name: 'kube-scheduler' }))

  const cases: Array<
    [typeof CREATE_PODS, string, string, { sa: string } | { user: string }, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]
  > = [
    [
      CREATE_PODS,
      BOOKING,
      'bookingapp',
      { sa: 'ci/deployer' },
      'UNSAFE',
      { holds: 'yes', used: 'yes', system: 'no' },
      'the CI deployer creates its build pods',
      { used: 'create pods in ci (30)', holds: 'RoleBinding ci/deployer-pods → Role ci/pod-runner' }
    ],
    [
      READ_SECRETS,
      BOOKING,
      'bookingapp',
      { sa: 'reports/report-job' },
      'SAFE',
      { holds: 'yes', used: 'no', system: 'no' },
      'the report job never read a secret in 90 days of audit events (one refused attempt elsewhere)',
      { used: 'cover every day' }
    ],
    [
      CREATE_PODS,
      BOOKING,
      'bookingapp',
      { sa: 'kube-system/replicaset-controller' },
      'UNSAFE',
      { holds: 'yes', used: 'yes', system: 'yes' },
      'the replica set controller creates pods all the time',
      { used: 'create pods in booking (45)' }
    ],
    [
      READ_SECRETS,
      BOOKING,
      'bookingapp',
      { sa: 'kube-system/expand-controller' },
      'RISKY',
      { holds: 'yes', used: 'no', system: 'yes' },
      'unused in the window, but a controller of the cluster',
      { system: 'kube-system' }
    ],
    [WILDCARD, BOOKING, 'bookingapp', { user: 'aks-support' }, 'RISKY', { holds: 'yes', used: 'no', system: 'yes' }, "AKS's own support account"],
    [
      WILDCARD,
      BOOKING,
      'bookingapp',
      { user: 'maria@acme.example' },
      'UNSAFE',
      { holds: 'yes', used: 'yes', system: 'no' },
      'the wildcard is how the developer reads pods and their logs in dev',
      { used: 'get pods/log in dev (13)' }
    ],
    [
      CREATE_PODS,
      BOOKING,
      'bookingapp',
      { sa: 'batch/cleanup' },
      'SAFE',
      { holds: 'yes', used: 'no', system: 'no' },
      'the cleanup job deletes pods and never created one in 90 days of audit events',
      { used: 'cover every day' }
    ],
    [
      WILDCARD,
      BOOKING,
      'bookingapp',
      { user: 'dmitri@acme.example' },
      'RISKY',
      { holds: 'unknown', system: 'no' },
      'no binding names the user, but a group binding gives the wildcard and the user may be in the group',
      { holds: 'platform-admins' }
    ],
    [READ_SECRETS, BOOKING, 'bookingapp', { sa: 'reports/old-worker' }, 'SAFE', { holds: 'no' }, 'its binding was deleted: a stale finding'],
    [
      CREATE_PODS,
      SHARED,
      'shared-aks-01-aks',
      { sa: 'argocd/argocd-server' },
      'RISKY',
      { holds: 'yes', used: 'unknown', system: 'no' },
      'the audit log covers only the last 30 days',
      { used: '60 days' }
    ]
  ]
  for (const [c, clusterId, clusterName, subject, verdict, steps, why, says] of cases) {
    const row = wizSubjectIssue({ control: c.control, title: c.title, subscription: SUBSCRIPTION, clusterId, clusterName, subject, created: '2026-11-02T08:00:00Z' })
    w.findings.wiz.push(row)
    w.expect({ control: c.id, resource: row['Resource external ID'], verdict, steps, why, ...(says ? { says } : {}) })
  }

  clusterAdmin(w)
}

/**
 * azure.aks.cluster-admin-in-use, reported on the cluster: every cluster has Kubernetes's own
 * cluster-admin binding to system:masters; the holders the fix would take it from are the others.
 */
function clusterAdmin(w: World): void {
  const wildcard = k8sRole('cluster-admin', null, [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])
  const masters = k8sBinding('cluster-admin', null, { kind: 'ClusterRole', name: 'cluster-admin' }, [{ group: 'system:masters' }])
  // bookingapp: the on-call engineer reads pods through a viewer role, and once deleted a namespace with cluster-admin
  const booking = w.cluster(BOOKING)
  booking.rbac.push(
    wildcard,
    masters,
    k8sRole('ops-viewer', null, [{ resources: ['pods', 'namespaces'], verbs: ['get', 'list'] }]),
    k8sBinding('ops-viewer', null, { kind: 'ClusterRole', name: 'ops-viewer' }, [{ user: 'oncall@acme.example' }]),
    k8sBinding('oncall-admin', null, { kind: 'ClusterRole', name: 'cluster-admin' }, [{ user: 'oncall@acme.example' }])
  )
  for (let k = 1; k < 90; k += 4) booking.audit.push(kubeAudit(BOOKING, { time: at(k, 10), user: 'oncall@acme.example', verb: 'list', resource: 'pods', namespace: 'booking' }))
  booking.audit.push(kubeAudit(BOOKING, { time: at(50, 22, 5), user: 'oncall@acme.example', verb: 'delete', resource: 'namespaces', name: 'booking-staging' }))
  // shared: a CI bot holds cluster-admin; the audit log covers only the last 30 days
  const shared = w.cluster(SHARED)
  shared.rbac.push(wildcard, masters, k8sBinding('ci-bot-admin', null, { kind: 'ClusterRole', name: 'cluster-admin' }, [{ user: 'ci-bot' }]))
  // tools: the backup job was given cluster-admin, and everything it did in 90 days its own role allows
  const tools = w.cluster(TOOLS)
  tools.rbac.push(
    wildcard,
    masters,
    k8sRole('backup', null, [
      { resources: ['secrets', 'configmaps', 'persistentvolumeclaims'], verbs: ['get', 'list'] },
      { apiGroups: ['snapshot.storage.k8s.io'], resources: ['volumesnapshots'], verbs: ['create', 'delete', 'get', 'list'] }
    ]),
    k8sBinding('backup', null, { kind: 'ClusterRole', name: 'backup' }, [{ sa: 'tools/backup' }]),
    k8sBinding('backup-admin', null, { kind: 'ClusterRole', name: 'cluster-admin' }, [{ sa: 'tools/backup' }])
  )
  for (let k = 0; k < 90; k++) {
    tools.audit.push(
      kubeAudit(TOOLS, { time: at(k, 1), user: 'system:kube-controller-manager', verb: 'get', resource: 'leases', namespace: 'kube-system', name: 'kube-controller-manager' })
    )
    tools.audit.push(kubeAudit(TOOLS, { time: at(k, 2), user: 'system:serviceaccount:tools:backup', verb: 'list', resource: 'persistentvolumeclaims', namespace: 'shop' }))
    tools.audit.push(
      kubeAudit(TOOLS, { time: at(k, 2, 5), user: 'system:serviceaccount:tools:backup', verb: 'get', resource: 'secrets', namespace: 'shop', name: 'db-credentials' })
    )
    if (k % 10 === 0) {
      tools.audit.push(
        kubeAudit(TOOLS, {
          time: at(k, 3),
          user: 'system:serviceaccount:kube-system:replicaset-controller',
          verb: 'create',
          resource: 'pods',
          namespace: 'shop',
          name: `shop-${k}`
        })
      )
      tools.audit.push(
        kubeAudit(TOOLS, {
          time: at(k, 3, 30),
          user: 'system:serviceaccount:kube-system:pod-garbage-collector',
          verb: 'delete',
          resource: 'pods',
          namespace: 'shop',
          name: `shop-${k}`
        })
      )
    }
  }
  const cases: Array<[string, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      BOOKING,
      'bookingapp',
      'UNSAFE',
      { holds: 'yes', used: 'yes', system: 'no' },
      'the on-call engineer deleted a namespace, which only cluster-admin allows them',
      { used: 'delete namespaces (1)', system: 'oncall@acme.example' }
    ],
    [SHARED, 'shared-aks-01-aks', 'RISKY', { holds: 'yes', used: 'unknown', system: 'no' }, 'the audit log covers only the last 30 days', { used: '60 days' }],
    [
      TOOLS,
      'tools-aks',
      'SAFE',
      { holds: 'yes', used: 'no', system: 'no' },
      "everything the backup job did in 90 days of audit events its own role allows; system:masters keeps Kubernetes's own binding",
      { used: 'none needed cluster-admin', system: 'system:masters' }
    ]
  ]
  for (const [clusterId, clusterName, verdict, steps, why, says] of cases) {
    const row = wizClusterIssue({ ...CLUSTER_ADMIN, subscription: SUBSCRIPTION, clusterId, clusterName, resourceGroup: 'rg-aks', created: '2026-11-02T08:00:00Z' })
    w.findings.wiz.push(row)
    w.expect({ control: CLUSTER_ADMIN.id, resource: row['Resource external ID'], verdict, steps, why, says })
  }
}
