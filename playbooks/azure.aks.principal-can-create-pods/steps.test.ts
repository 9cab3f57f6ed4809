import { describe, expect, it } from 'vitest'
import { systemIdentity } from './steps'
import { CONCERNS, READ_SECRETS, WILDCARD, windowDays } from './rbac'
import { beyondOtherRoles, clusterAdminHolders, holderText, systemGroup } from './cluster-admin'

describe('Kubernetes RBAC steps', () => {
  it("tells the cluster's own identities from the others", () => {
    expect(systemIdentity({ kind: 'ServiceAccount', namespace: 'kube-system', name: 'replicaset-controller' })).toMatch(/kube-system/)
    expect(systemIdentity({ kind: 'User', name: 'system:kube-scheduler' })).toMatch(/system:/)
    expect(systemIdentity({ kind: 'User', name: 'aks-support' })).toMatch(/AKS/)
    expect(systemIdentity({ kind: 'User', name: 'aks:trustedaccess:/subscriptions/x' })).toMatch(/AKS/)
    expect(systemIdentity({ kind: 'ServiceAccount', namespace: 'argocd', name: 'argocd-server' })).toBeNull()
    expect(systemIdentity({ kind: 'User', name: 'maria@acme.example' })).toBeNull()
  })

  it('counts as a use only the requests the permission covers', () => {
    const ev = (verb: string, resource: string, subresource?: string, apiGroup?: string) =>
      ({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', verb, user: {}, stageTimestamp: '', objectRef: { resource, subresource, apiGroup } }) as never
    const secrets = CONCERNS[READ_SECRETS]
    expect(secrets.uses(ev('list', 'secrets'), [])).toBe(true)
    expect(secrets.uses(ev('create', 'secrets'), [])).toBe(false)
    expect(secrets.uses(ev('get', 'configmaps'), [])).toBe(false)
    const wild = CONCERNS[WILDCARD]
    expect(wild.uses(ev('get', 'pods', 'log'), [{ apiGroups: [''], resources: ['*'], verbs: ['*'] }])).toBe(true)
    expect(wild.uses(ev('get', 'deployments', undefined, 'apps'), [{ apiGroups: [''], resources: ['*'], verbs: ['*'] }])).toBe(false)
  })

  it('lists the days of a window', () => {
    expect(windowDays({ from: '2026-08-22T00:00:00Z', to: '2026-08-25T00:00:00Z' })).toEqual(['2026-08-22', '2026-08-23', '2026-08-24'])
  })
})

describe('cluster-admin-in-use', () => {
  const role = (kind: 'Role' | 'ClusterRole', name: string, rules: unknown[], namespace?: string) => ({ kind, metadata: { name, namespace }, rules }) as never
  const bind = (kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, roleRef: string, subjects: unknown[], namespace?: string) =>
    ({ kind, metadata: { name, namespace }, roleRef: { kind: kind === 'RoleBinding' && roleRef !== 'cluster-admin' ? 'Role' : 'ClusterRole', name: roleRef }, subjects }) as never
  const rbac = {
    roles: [
      role('ClusterRole', 'cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      role('Role', 'deployer', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] }], 'shop')
    ],
    bindings: [
      bind('ClusterRoleBinding', 'cluster-admin', 'cluster-admin', [{ kind: 'Group', name: 'system:masters' }]),
      bind('ClusterRoleBinding', 'ci-admin', 'cluster-admin', [{ kind: 'ServiceAccount', namespace: 'ci', name: 'deployer' }]),
      bind('RoleBinding', 'deployer', 'deployer', [{ kind: 'ServiceAccount', namespace: 'ci', name: 'deployer' }], 'shop')
    ]
  }
  const ev = (verb: string, resource: string | undefined, namespace?: string, apiGroup?: string, requestURI?: string) =>
    ({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      verb,
      stage: 'ResponseComplete',
      user: { username: 'system:serviceaccount:ci:deployer' },
      stageTimestamp: '2026-11-01T10:00:00Z',
      objectRef: resource ? { resource, namespace, apiGroup } : undefined,
      requestURI
    }) as never

  it('finds every holder of cluster-admin, and tells the cluster’s own', () => {
    const h = clusterAdminHolders(rbac)
    expect(h.map(holderText)).toEqual(['group system:masters (ClusterRoleBinding cluster-admin)', 'service account ci/deployer (ClusterRoleBinding ci-admin)'])
    expect(systemGroup('system:masters')).toMatch(/built-in/)
    expect(systemGroup('aks-admins')).toBeNull()
  })

  it('counts as a use only what no other role of the holder allows', () => {
    const audit = {
      days: new Set<string>(),
      problems: [],
      events: [
        ev('patch', 'deployments', 'shop', 'apps'), // its RoleBinding in shop allows it
        ev('patch', 'deployments', 'payments', 'apps'), // not in payments: only cluster-admin
        ev('delete', 'secrets', 'shop'), // not in its role at all
        ev('get', undefined, undefined, undefined, '/version'), // discovery: anyone
        ev('get', undefined, undefined, undefined, '/metrics') // a non-resource URL cluster-admin allows
      ]
    }
    const used = beyondOtherRoles(rbac, audit, { kind: 'ServiceAccount', namespace: 'ci', name: 'deployer' }, null)
    expect(
      used.map((e: { verb: string; objectRef?: { resource?: string; namespace?: string }; requestURI?: string }) =>
        `${e.verb} ${e.objectRef?.resource ?? e.requestURI} ${e.objectRef?.namespace ?? ''}`.trim()
      )
    ).toEqual(['patch deployments payments', 'delete secrets shop', 'get /metrics'])
    expect(beyondOtherRoles(rbac, audit, { kind: 'ServiceAccount', namespace: 'ci', name: 'deployer' }, '2026-12-01T00:00:00Z')).toEqual([])
  })
})
