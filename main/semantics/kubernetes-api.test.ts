import { describe, expect, it } from 'vitest'
import { BadEvidence } from './bad-evidence'
import { addressesToKeep, auditGaps, callerKind, callersOf, exposure, parseAksClusters, type ClusterAudit } from './kubernetes-api'
import type { AuditEvent } from './kubernetes-rbac'

const ev = (o: { user: string; ip?: string; verb?: string; code?: number; time?: string; stage?: string }): AuditEvent =>
  ({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    verb: o.verb ?? 'get',
    stage: o.stage ?? 'ResponseComplete',
    user: { username: o.user },
    responseStatus: { code: o.code ?? 200 },
    stageTimestamp: o.time ?? '2026-10-01T10:00:00.000000Z',
    ...(o.ip ? { sourceIPs: [o.ip, '10.0.0.1'] } : {})
  }) as AuditEvent

describe('who calls a Kubernetes API server', () => {
  it("tells the cloud's control plane, the cluster's own nodes and pods, and everyone else apart", () => {
    expect(callerKind('eks:cloud-controller-manager')).toBe('control-plane')
    expect(callerKind('aks-support')).toBe('control-plane')
    expect(callerKind('system:kube-scheduler')).toBe('control-plane')
    expect(callerKind('system:node:ip-10-0-1-2.ec2.internal')).toBe('cluster')
    expect(callerKind('system:serviceaccount:kube-system:coredns')).toBe('cluster')
    expect(callerKind('maria@acme.example')).toBe('outside')
    expect(callerKind('arn:aws:sts::111122223333:assumed-role/deployer/ci')).toBe('outside')
  })

  it('counts allowed, completed, authenticated requests of the window by user and client address (the first sourceIP)', () => {
    const { callers, unplaced } = callersOf(
      [
        ev({ user: 'maria@acme.example', ip: '203.0.113.24', time: '2026-10-01T10:00:00Z' }),
        ev({ user: 'maria@acme.example', ip: '203.0.113.24', time: '2026-10-03T10:00:00Z' }),
        ev({ user: 'maria@acme.example', ip: '203.0.113.24', stage: 'ResponseStarted' }),
        // refused, anonymous, before the window, without an address
        ev({ user: 'mallory', ip: '45.9.148.3', code: 403 }),
        ev({ user: 'system:anonymous', ip: '45.9.148.3', code: 200 }),
        ev({ user: 'old@acme.example', ip: '198.51.100.1', time: '2026-01-01T00:00:00Z' }),
        ev({ user: 'system:node:n1' }),
        ev({ user: 'system:node:n1', ip: '10.0.1.2' }),
        // 404 is authorized, then not found: a use
        ev({ user: 'ci', ip: '192.0.2.77', code: 404 })
      ],
      '2026-08-22T00:00:00Z'
    )
    expect(unplaced).toBe(1)
    expect(callers.map((c) => [c.user, c.address, c.kind, c.public, c.requests, c.last.slice(0, 10)])).toEqual([
      ['maria@acme.example', '203.0.113.24', 'outside', true, 2, '2026-10-03'],
      ['ci', '192.0.2.77', 'outside', true, 1, '2026-10-01'],
      ['system:node:n1', '10.0.1.2', 'cluster', false, 1, '2026-10-01']
    ])
    expect(addressesToKeep([...callers, { user: 'eks:x', kind: 'control-plane', address: '3.248.11.20', public: true, requests: 1, last: '' }])).toEqual([
      '192.0.2.77/32',
      '203.0.113.24/32'
    ])
  })

  it('says why audit files do not show every request: days without events, unread files, bad lines, reads not logged', () => {
    const a: ClusterAudit = {
      events: [ev({ user: 'x', verb: 'create' })],
      days: new Set(['2026-11-18']),
      problems: ['f: line 3: bad'],
      unread: ['kubernetes/c/audit/a.json'],
      files: []
    }
    const gaps = auditGaps(a, { from: '2026-11-18T00:00:00Z', to: '2026-11-20T00:00:00Z' })
    expect(gaps).toEqual([
      'the audit files hold no event on 1 day of the window (from 2026-11-19)',
      '1 audit file kept as a hash only (kubernetes/c/audit/a.json)',
      '1 unreadable audit line (f: line 3: bad)',
      expect.stringMatching(/^no request with the verb get or list is in the audit files/)
    ])
  })
})

describe('AKS managed clusters (aks-clusters.json)', () => {
  const id = '/subscriptions/3c4d5e6f-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/shop'
  it('reads the API server access profile; an absent profile is public with no ranges', () => {
    const [open, narrow, priv] = parseAksClusters(
      {
        value: [
          { id, name: 'shop', location: 'westeurope', properties: { fqdn: 'shop.hcp.westeurope.azmk8s.io' } },
          { id: `${id}2`, name: 'shop2', properties: { apiServerAccessProfile: { authorizedIPRanges: ['198.51.100.0/24'] } } },
          { id: `${id}3`, name: 'shop3', properties: { apiServerAccessProfile: { enablePrivateCluster: true } } }
        ]
      },
      'azure/s/aks-clusters.json'
    )
    expect(open).toEqual({ id: id.toLowerCase(), name: 'shop', location: 'westeurope', fqdn: 'shop.hcp.westeurope.azmk8s.io', privateCluster: false, authorizedIpRanges: [] })
    expect(exposure({ cloud: 'aks', name: 'shop', config: open })).toMatchObject({ open: true, why: expect.stringContaining('no authorized IP ranges') })
    expect(exposure({ cloud: 'aks', name: 'shop2', config: narrow })).toMatchObject({ open: false, why: expect.stringContaining('198.51.100.0/24') })
    expect(exposure({ cloud: 'aks', name: 'shop3', config: priv })).toMatchObject({ open: false, why: expect.stringContaining('private cluster') })
    expect(exposure({ cloud: 'aks', name: 'x', config: { ...narrow, authorizedIpRanges: ['0.0.0.0/0'] } })).toMatchObject({ open: true })
  })
  it('refuses a file that is not a list, and an item without its id, naming the place', () => {
    expect(() => parseAksClusters({ clusters: [] }, 'azure/s/aks-clusters.json')).toThrow(BadEvidence)
    expect(() => parseAksClusters({ value: [{ name: 'x', properties: {} }] }, 'azure/s/aks-clusters.json')).toThrow(/azure\/s\/aks-clusters\.json: value\[0\]\.id/)
  })
})
