import { describe, expect, it } from 'vitest'
import { systemIdentity } from './steps'
import { CONCERNS, READ_SECRETS, WILDCARD, windowDays } from './rbac'

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
