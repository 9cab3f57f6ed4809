// The SQL audit and Key Vault AuditEvent readers on records in the shapes Microsoft documents: callers
// by address (private or not), what succeeded apart from what failed, the database counted for its
// server, and records that are not of the source said with their place.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS } from '../semantics/limits'
import { callersFacet, emptyCallerScan, readCallerLogFile } from './azure-resource-logs'

const dir = mkdtempSync(join(tmpdir(), 'lm-azlogs-'))
const file = (name: string, content: string): string => {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}
const t = (iso: string): number => Date.parse(iso) / 1000
const SERVER = '/subscriptions/8c1f4e27-3d5a-4b69-a7e0-2f4d6b8c0e13/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-a'
const VAULT = '/subscriptions/8c1f4e27-3d5a-4b69-a7e0-2f4d6b8c0e13/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a'

describe('Azure resource logs: who called a SQL server or a key vault', () => {
  it('reads SQL audit records (storage and Log Analytics field names), per server, failed logins apart', async () => {
    const rec = (time: string, p: Record<string, unknown>) => ({ time, resourceId: `${SERVER}/DATABASES/SHOP`.toUpperCase(), category: 'SQLSecurityAuditEvents', properties: p })
    const lines = [
      rec('2026-11-01T10:00:00Z', {
        event_time: '2026-11-01T10:00:00Z',
        client_ip: '203.0.113.7',
        server_principal_name: 'bi',
        application_name: 'PowerBI',
        succeeded: 'true',
        action_name: 'DATABASE AUTHENTICATION SUCCEEDED'
      }),
      rec('2026-11-02T10:00:00Z', { event_time: '2026-11-02T10:00:00Z', client_ip: '203.0.113.7', server_principal_name: 'bi', application_name: 'PowerBI', succeeded: 'true' }),
      rec('2026-11-02T11:00:00Z', { event_time: '2026-11-02T11:00:00Z', client_ip: '45.155.1.11', server_principal_name: 'sa', succeeded: 'false' }),
      // the Log Analytics export: columns with their type suffix, no properties
      {
        time: '2026-11-03T10:00:00Z',
        ResourceId: `${SERVER}/DATABASES/MASTER`,
        client_ip_s: '10.30.1.4',
        server_principal_name_s: 'app',
        application_name_s: 'SqlClient',
        succeeded_s: 'true'
      },
      // the server's own events: no client address
      rec('2026-11-03T12:00:00Z', { event_time: '2026-11-03T12:00:00Z', client_ip: 'local machine', server_principal_name: 'dbo', succeeded: 'true' }),
      { time: '2026-11-03T13:00:00Z', resourceId: VAULT, properties: {} }
    ]
    const scan = emptyCallerScan('azure.sql-audit-logs', DEFAULT_LIMITS)
    await readCallerLogFile(scan, file('sql.json', lines.map((l) => JSON.stringify(l)).join('\n')), 'sql.json', DEFAULT_LIMITS)
    const s = scan.resources.get(SERVER.toLowerCase())!
    expect(s.records).toBe(5)
    const f = callersFacet(s)
    expect(f.noAddress).toBe(1)
    expect(f.callers).toEqual([
      {
        address: '203.0.113.7',
        private: false,
        principals: ['bi'],
        applications: ['PowerBI'],
        trustedService: null,
        succeeded: 2,
        failed: 0,
        first: t('2026-11-01T10:00:00Z'),
        last: t('2026-11-02T10:00:00Z')
      },
      {
        address: '10.30.1.4',
        private: true,
        principals: ['app'],
        applications: ['SqlClient'],
        trustedService: null,
        succeeded: 1,
        failed: 0,
        first: t('2026-11-03T10:00:00Z'),
        last: t('2026-11-03T10:00:00Z')
      },
      { address: '45.155.1.11', private: false, principals: [], applications: [], trustedService: null, succeeded: 0, failed: 1, first: null, last: null }
    ])
    expect(scan.files[0].problem?.problem).toMatch(/1 record\(s\) could not be read/)
  })

  it('reads Key Vault AuditEvent records: the caller from identity.claim, the trusted service, refusals apart', async () => {
    const rec = (caller: string, status: number, extra: Record<string, unknown> = {}, claim: Record<string, string> = { upn: 'dana@example.com' }) => ({
      time: '2026-11-01T10:00:00Z',
      resourceId: VAULT.toUpperCase(),
      operationName: 'SecretGet',
      category: 'AuditEvent',
      resultType: status < 400 ? 'Success' : 'Forbidden',
      resultSignature: status < 400 ? 'OK' : 'Forbidden',
      callerIpAddress: caller,
      identity: { claim },
      properties: { httpStatusCode: status, clientInfo: 'azsdk-net', ...extra }
    })
    const doc = {
      records: [
        rec('198.51.100.20', 200),
        rec('52.178.10.4', 200, { trustedService: 'Microsoft.Compute' }, { appid: '7c3b2e50-9d4f-4a01-bc8e-2f3a4b5c6d7e' }),
        rec('192.0.2.99', 403, {})
      ]
    }
    const scan = emptyCallerScan('azure.keyvault-logs', DEFAULT_LIMITS)
    await readCallerLogFile(scan, file('kv.json', JSON.stringify(doc)), 'kv.json', DEFAULT_LIMITS)
    const f = callersFacet(scan.resources.get(VAULT.toLowerCase())!)
    expect(f.callers.map((c) => [c.address, c.principals, c.trustedService, c.succeeded, c.failed])).toEqual([
      ['198.51.100.20', ['dana@example.com'], null, 1, 0],
      ['52.178.10.4', ['app 7c3b2e50-9d4f-4a01-bc8e-2f3a4b5c6d7e'], 'Microsoft.Compute', 1, 0],
      ['192.0.2.99', [], null, 0, 1]
    ])
  })
})
