import { describe, expect, it } from 'vitest'
import { admittedCallers, domainAuditGaps, httpAction, recordsAdmitted, scanDomainAudit, unsignedAfterFix, type DomainAudit } from './opensearch-audit'
import { readResourcePolicy } from './iam-policy'

const DOMAIN = 'arn:aws:es:eu-west-1:111122223333:domain/logs'
const doc = (o: Record<string, unknown>) => ({
  '@timestamp': '2026-10-01T09:00:00.000+00:00',
  audit_category: 'GRANTED_PRIVILEGES',
  audit_request_layer: 'REST',
  audit_request_remote_address: '198.51.100.7',
  audit_request_effective_user: 'analyst',
  audit_rest_request_method: 'GET',
  audit_rest_request_path: '/logs-*/_search',
  ...o
})
const empty = (): DomainAudit => ({ requests: [], days: new Set(), problems: [], unread: [], files: [] })
const statements = (...s: unknown[]) => {
  const r = readResourcePolicy('opensearch', JSON.stringify({ Version: '2012-10-17', Statement: s }))
  if (!r.ok) throw new Error(r.error)
  return r.statements
}

describe('OpenSearch audit log', () => {
  it('reads audit documents, CloudWatch Logs events carrying them, and filter-log-events output; names the lines it cannot read', () => {
    const a = empty()
    const lines = [
      JSON.stringify(doc({})),
      JSON.stringify({
        timestamp: 1,
        message: JSON.stringify(doc({ '@timestamp': '2026-10-02T10:00:00Z', audit_request_effective_user: 'arn:aws:iam::111122223333:role/indexer' }))
      }),
      'not json',
      JSON.stringify({ hello: 'world' }),
      JSON.stringify(doc({ audit_request_layer: 'TRANSPORT' }))
    ]
    scanDomainAudit(lines.join('\n'), 'a.jsonl', a)
    expect(a.requests.map((r) => r.user)).toEqual(['analyst', 'arn:aws:iam::111122223333:role/indexer'])
    expect([...a.days].sort()).toEqual(['2026-10-01', '2026-10-02'])
    expect(a.problems).toEqual(['a.jsonl:3: not JSON', 'a.jsonl:4: not an audit document (no @timestamp or audit_category)'])
    const b = empty()
    scanDomainAudit(JSON.stringify({ events: [{ timestamp: 1, message: JSON.stringify(doc({ audit_category: 'FAILED_LOGIN' })) }] }), 'b.json', b)
    expect(b.requests).toHaveLength(1)
    // only refused requests: what got in is not recorded
    expect(recordsAdmitted(b)).toBe(false)
    expect(recordsAdmitted(a)).toBe(true)
  })

  it('groups the requests that got in by address and user, with the IAM actions they were authorized as', () => {
    const a = empty()
    scanDomainAudit(
      [doc({}), doc({ audit_rest_request_method: 'POST', audit_rest_request_path: '/_bulk' }), doc({ audit_category: 'FAILED_LOGIN', audit_request_effective_user: 'admin' })]
        .map((d) => JSON.stringify(d))
        .join('\n'),
      'c.jsonl',
      a
    )
    const callers = admittedCallers(a)
    expect(callers).toEqual([
      expect.objectContaining({
        address: '198.51.100.7',
        user: 'analyst',
        signed: false,
        requests: 2,
        actions: ['es:ESHttpGet', 'es:ESHttpPost'],
        uses: [
          { action: 'es:ESHttpGet', path: '/logs-*/_search' },
          { action: 'es:ESHttpPost', path: '/_bulk' }
        ]
      })
    ])
    expect(httpAction('delete')).toBe('es:ESHttpDelete')
  })

  it('keeps an unsigned caller only through a statement for everyone whose aws:SourceIp covers its address; other conditions are unknown', () => {
    const office = statements({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'es:ESHttp*',
      Resource: `${DOMAIN}/*`,
      Condition: { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } }
    })
    expect(unsignedAfterFix(office, '198.51.100.7', 'es:ESHttpGet', `${DOMAIN}/logs/_search`).answer).toBe('kept')
    expect(unsignedAfterFix(office, '203.0.113.9', 'es:ESHttpGet', `${DOMAIN}/logs/_search`).answer).toBe('cut')
    // a role's statement never admits an unsigned request
    const role = statements({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/indexer' }, Action: 'es:*', Resource: `${DOMAIN}/*` })
    expect(unsignedAfterFix(role, '198.51.100.7', 'es:ESHttpGet', `${DOMAIN}/x`).answer).toBe('cut')
    const vpce = statements({ Effect: 'Allow', Principal: '*', Action: 'es:*', Resource: `${DOMAIN}/*`, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0abc' } } })
    expect(unsignedAfterFix(vpce, '198.51.100.7', 'es:ESHttpGet', `${DOMAIN}/x`)).toMatchObject({ answer: 'unknown' })
    // a statement for another action or index does not admit it
    const other = statements({ Effect: 'Allow', Principal: '*', Action: 'es:ESHttpGet', Resource: `${DOMAIN}/public/*` })
    expect(unsignedAfterFix(other, '198.51.100.7', 'es:ESHttpPost', `${DOMAIN}/public/_doc`).answer).toBe('cut')
    expect(unsignedAfterFix(other, '198.51.100.7', 'es:ESHttpGet', `${DOMAIN}/private/_search`).answer).toBe('cut')
    expect(unsignedAfterFix(other, '198.51.100.7', 'es:ESHttpGet', `${DOMAIN}/public/_search`).answer).toBe('kept')
  })

  it('says why the audit log cannot show every request: no fine-grained access control, no file, days without events, only refused requests', () => {
    const w = { from: '2026-10-01T00:00:00Z', to: '2026-10-03T00:00:00Z' }
    expect(domainAuditGaps('logs', 'aws/1/opensearch-audit/logs/', { fgac: false, auditLogs: false }, null, w)).toEqual([
      expect.stringContaining('no fine-grained access control'),
      expect.stringContaining('does not publish its audit log'),
      expect.stringContaining('no audit log of logs is in the evidence')
    ])
    const a = empty()
    scanDomainAudit(JSON.stringify(doc({ audit_category: 'FAILED_LOGIN' })), 'a.jsonl', a)
    expect(domainAuditGaps('logs', 'p/', { fgac: true, auditLogs: true }, a, w)).toEqual([
      'the audit log holds no event on 1 day of the window (from 2026-10-02)',
      expect.stringContaining('no AUTHENTICATED or GRANTED_PRIVILEGES event')
    ])
    scanDomainAudit([doc({}), doc({ '@timestamp': '2026-10-02T01:00:00Z' })].map((d) => JSON.stringify(d)).join('\n'), 'b.jsonl', a)
    expect(domainAuditGaps('logs', 'p/', { fgac: true, auditLogs: true }, a, w)).toEqual([])
  })
})
