import { describe, expect, it } from 'vitest'
import { auditEventOfLine, grantsOf, parseRbac, ruleAllows, ruleHasWildcard, scanAudit, subjectOfResourceId, usernameOf, type PolicyRule } from './kubernetes-rbac'

const event = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  stage: 'ResponseComplete',
  verb: 'create',
  user: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts'] },
  objectRef: { resource: 'pods', namespace: 'ci', name: 'build-1', apiVersion: 'v1' },
  responseStatus: { code: 201 },
  stageTimestamp: '2026-10-01T09:12:00.004211Z'
}

const list = (items: unknown[]): string => JSON.stringify({ apiVersion: 'v1', kind: 'List', items })
const role = (kind: string, name: string, namespace: string | null, rules: PolicyRule[]) => ({ kind, metadata: { name, ...(namespace ? { namespace } : {}) }, rules })
const binding = (kind: string, name: string, namespace: string | null, roleRef: { kind: string; name: string }, subjects: unknown[]) => ({
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef,
  subjects
})

describe('Kubernetes RBAC', () => {
  it('matches a rule the way the RBAC authorizer does: "*" anywhere, core group by default, a subresource is its own resource', () => {
    const r: PolicyRule = { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get'] }
    expect(ruleAllows(r, 'create', 'pods', '')).toBe(true)
    expect(ruleAllows(r, 'create', 'pods/exec', '')).toBe(false)
    expect(ruleAllows(r, 'create', 'pods', 'apps')).toBe(false)
    expect(ruleAllows({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, 'delete', 'deployments', 'apps')).toBe(true)
    expect(ruleAllows({ verbs: ['get'], nonResourceURLs: ['/healthz'] }, 'get', 'pods', '')).toBe(false)
    expect(ruleHasWildcard(r)).toBe(false)
    expect(ruleHasWildcard({ resources: ['pods'], verbs: ['*'] })).toBe(true)
  })

  it('resolves a subject to its bindings and roles: by name, namespace of a service account, groups it is always in; a missing role is kept as unknown', () => {
    const r = parseRbac(
      list([
        role('Role', 'pod-runner', 'ci', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]),
        role('ClusterRole', 'view', null, [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
        binding('RoleBinding', 'deployer', 'ci', { kind: 'Role', name: 'pod-runner' }, [{ kind: 'ServiceAccount', name: 'deployer' }]),
        binding('RoleBinding', 'other-ns', 'qa', { kind: 'Role', name: 'pod-runner' }, [{ kind: 'ServiceAccount', name: 'deployer' }]),
        binding('ClusterRoleBinding', 'all-sa', null, { kind: 'ClusterRole', name: 'gone' }, [{ kind: 'Group', name: 'system:serviceaccounts' }]),
        binding('ClusterRoleBinding', 'viewers', null, { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' }])
      ]),
      'kubernetes/c/rbac.json'
    )
    if (!r.ok) throw new Error(r.why)
    const pods = (x: PolicyRule) => ruleAllows(x, 'create', 'pods', '')
    const g = grantsOf(r.value, { kind: 'ServiceAccount', namespace: 'ci', name: 'deployer' }, pods)
    // the qa binding names a service account deployer of qa (a subject's namespace defaults to the binding's)
    expect(g.map((x) => [x.binding.metadata.name, x.role?.metadata.name ?? null, x.rules, x.scope])).toEqual([
      ['deployer', 'pod-runner', [0], 'namespace ci'],
      ['all-sa', null, [], 'every namespace']
    ])
    expect(grantsOf(r.value, { kind: 'User', name: 'deployer' }, pods)).toEqual([])
  })

  it('refuses a file that is not the List kubectl prints, naming the file and place', () => {
    const r = parseRbac(JSON.stringify({ kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'x' } }] }), 'kubernetes/c/rbac.json')
    expect(r.ok).toBe(false)
    expect(!r.ok && r.why).toMatch(/^kubernetes\/c\/rbac\.json: items\.0/)
    expect(parseRbac('{', 'kubernetes/c/rbac.json').ok).toBe(false)
  })

  it('reads an audit event as the API server writes it, as an AKS diagnostic record (properties.log) and as a CloudWatch export (message)', () => {
    const raw = JSON.stringify(event)
    const aks = JSON.stringify({ time: '2026-10-01T09:12:00Z', category: 'kube-audit', properties: { log: raw, stream: 'stdout' } })
    const eks = JSON.stringify({ timestamp: 1, message: raw })
    for (const l of [raw, aks, eks]) {
      const e = auditEventOfLine(l)
      expect(e.ok && [e.value.verb, e.value.objectRef?.resource, e.value.user.username]).toEqual(['create', 'pods', 'system:serviceaccount:ci:deployer'])
    }
    expect(auditEventOfLine(JSON.stringify({ properties: { log: 'I1001 09:12:00 not json' } })).ok).toBe(false)
    const s = scanAudit(`${aks}\n\n{"kind":"Event"}\n${raw}\n`, 'kubernetes/c/audit/a.json')
    expect(s.events.length).toBe(2)
    expect([...s.days]).toEqual(['2026-10-01'])
    expect(s.problems).toEqual([expect.stringMatching(/^kubernetes\/c\/audit\/a\.json: line 3: not an audit\.k8s\.io Event/)])
  })

  it("reads Wiz's subject ids and names the user a subject's requests carry", () => {
    const sa = subjectOfResourceId('k8s/serviceaccount/42cf/kube-system/expand-controller')
    expect(sa).toEqual({ cluster: '42cf', subject: { kind: 'ServiceAccount', namespace: 'kube-system', name: 'expand-controller' } })
    expect(usernameOf(sa!.subject)).toBe('system:serviceaccount:kube-system:expand-controller')
    const long = 'aks:trustedaccess:/subscriptions/fee3/providers/microsoft.security/pricings/cloudposture/securityoperators/defendercsp'
    expect(subjectOfResourceId(`k8s/user/468d/${long}`)).toEqual({ cluster: '468d', subject: { kind: 'User', name: long } })
    expect(subjectOfResourceId('/subscriptions/x/resourceGroups/y')).toBeNull()
  })
})
