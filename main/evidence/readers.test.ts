import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { accessLogLine, gz, sample } from '../../test/fixtures/evidence/bundle-builder'
import { emptyNsgFlowScan, readNsgFlowLogFile } from './nsg-flow-logs'
import { emptyAzureActivityScan, emptyStorageLogScan, normaliseActivityEvent, readActivityLogFile, readStorageLogFile } from './azure-logs'
import { gapsOf, hoursToRuns, timeInName } from '../semantics/coverage'
import {
  readCredentialReport,
  publicPolicyStatements,
  publicAclGrants,
  parseMetrics,
  bucketOfOriginDomain,
  regionOfAz,
  parseS3Buckets,
  parseCloudFront,
  parseEksClusters
} from '../semantics/inventory-items'
import { DEFAULT_LIMITS, withLimits } from '../semantics/limits'
import { emptyAccessLogScan, readAccessLogFile } from './s3-access-logs'
import { parseAccessLogLine, parseAccessLogTime, transportOf } from '../semantics/s3-access-log'
import { evaluateTrail, s3DataRecording, type TrailItem } from '../semantics/trail-selectors'
import { openDecoded } from './source-stream'
import { isoSecondsAt } from '../semantics/time'
import { emptyFlowLogScan, isSession, readFlowLogFile, servedPortOf } from './vpc-flow-logs'

const dir = mkdtempSync(join(tmpdir(), 'lm-readers-'))
const file = (name: string, content: string | Buffer): string => {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

describe('S3 server access logs', () => {
  it('reads the AWS documentation examples (real sample): three TLS requests, the last line without a newline', async () => {
    const scan = emptyAccessLogScan(DEFAULT_LIMITS)
    await readAccessLogFile(scan, file('sal.log', sample('s3_access_logs/valid_log_multi.log')), 'sal.log', DEFAULT_LIMITS, null)
    expect(scan.files[0]).toMatchObject({ records: 3, problem: null })
    const b = scan.buckets.get('amzn-s3-demo-bucket1')!
    expect(b.activity).toMatchObject({ requests: 3, reads: 3, errors: 1 })
    expect(b.http).toBe(0)
    expect(b.tlsVersions).toEqual({ 'TLSv1.2': 3 })
    expect(new Date(b.activity.first! * 1000).toISOString()).toBe('2019-02-06T00:00:38.000Z')
  })

  it('plain HTTP is proven by cipher "-" and TLS version "-"; S3 lifecycle operations are not client requests', () => {
    const http = parseAccessLogLine(accessLogLine({ bucket: 'b', time: '2026-11-01T10:00:00Z', http: true }))
    const tls = parseAccessLogLine(accessLogLine({ bucket: 'b', time: '2026-11-01T10:00:00Z' }))
    expect(typeof http !== 'string' && transportOf(http)).toBe('http')
    expect(typeof tls !== 'string' && transportOf(tls)).toBe('tls')
    expect(parseAccessLogLine('too short line')).toMatch(/only 3 fields/)
    expect(parseAccessLogTime('06/Feb/2019:00:00:38 +0130')).toBe(Date.UTC(2019, 1, 6, 0, 0, 38) / 1000 - 5400)
  })

  it('names a malformed line and still reads the others', async () => {
    const text = [
      accessLogLine({ bucket: 'b', time: '2026-11-01T10:00:00Z', http: true }),
      'garbage line here',
      accessLogLine({ bucket: 'b', time: '2026-11-01T11:00:00Z', requester: '-' })
    ].join('\n')
    const scan = emptyAccessLogScan(DEFAULT_LIMITS)
    await readAccessLogFile(scan, file('bad.log', gz(text)), 'bad.log', DEFAULT_LIMITS, 'b')
    expect(scan.files[0].problem).toMatchObject({ place: expect.stringMatching(/^line 2: only 3 fields/) })
    expect(scan.buckets.get('b')).toMatchObject({ http: 1, anonymous: 1 })
  })
})

describe('VPC flow logs, mapped by the header line', () => {
  it('reads the default v2 samples, NODATA as coverage', async () => {
    const scan = emptyFlowLogScan(DEFAULT_LIMITS)
    await readFlowLogFile(scan, file('f1.log', sample('vpcflowlogs/valid_vpc_flow_log_multi.log')), 'f1.log', DEFAULT_LIMITS)
    await readFlowLogFile(scan, file('f2.log', sample('vpcflowlogs/valid_vpc_flow_log_nodata.log')), 'f2.log', DEFAULT_LIMITS)
    expect(scan.files.map((f) => [f.records, f.format, f.problem])).toEqual([
      [2, 'default', null],
      [1, 'default', null]
    ])
    const e = scan.enis.get('eni-1235b8ca123456789')!
    expect(e).toMatchObject({ accepted: 1, rejected: 1 })
    // 172.31.16.139 → :22 ACCEPT, 20 packets, no tcp-flags: a session by packets and bytes
    expect([...scan.admin.values()]).toEqual([expect.objectContaining({ port: 22, src: '172.31.16.139', sessions: 1, synOnly: 0, tcpFlags: false })])
    expect(scan.enis.get('eni-0eb1e4178af74336c')).toMatchObject({ nodata: 1, records: 1 })
  })

  it('maps a custom format by name, whatever the order, and names lines that do not fit', async () => {
    const text = [
      'start end interface-id dstport srcaddr dstaddr action protocol tcp-flags packets bytes log-status account-id srcport version',
      '1700000000 1700000060 eni-9 22 198.51.100.1 10.0.0.1 ACCEPT 6 2 1 44 OK 111122223333 5000 5',
      '1700000100 1700000160 eni-9 22 198.51.100.2 10.0.0.1 ACCEPT 6 19 12 3000 OK 111122223333 5001 5',
      'short line'
    ].join('\n')
    const scan = emptyFlowLogScan(DEFAULT_LIMITS)
    await readFlowLogFile(scan, file('f3.log.gz', gz(text)), 'f3.log.gz', DEFAULT_LIMITS)
    expect(scan.files[0]).toMatchObject({ records: 2, format: 'custom', problem: { place: 'line 4: 2 fields where the header has 15' } })
    const flows = [...scan.admin.values()].map((a) => [a.src, a.synOnly, a.sessions])
    expect(flows).toEqual([
      ['198.51.100.1', 1, 0],
      ['198.51.100.2', 0, 1]
    ])
  })

  it('a probe is never a session: flow logs record no ACK, so a session shows in its packet and byte counts', () => {
    // lone SYN, SYN and retry, SYN then RST (flags 6), connect() and close without data
    expect(isSession(1, 44)).toBe(false)
    expect(isSession(2, 120)).toBe(false)
    expect(isSession(2, 84)).toBe(false)
    expect(isSession(4, 216)).toBe(false)
    expect(isSession(12, 3000)).toBe(true)
    expect(isSession(5, 400, true)).toBe(false)
    expect(isSession(null, null)).toBe(true)
  })

  it('lists the other ports an interface serves, never the replies to its own calls', async () => {
    expect(servedPortOf(6, 443, 41000, 19)).toBeNull()
    expect(servedPortOf(6, 44000, 443, 3)).toBe(443)
    expect(servedPortOf(6, 443, 41000, null)).toBeNull()
    expect(servedPortOf(17, 53, 50000, null)).toBeNull()
    expect(servedPortOf(17, 50000, 53, null)).toBe(53)
    expect(servedPortOf(1, 0, 0, null)).toBe(-1)
    const text = [
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags flow-direction',
      '5 111122223333 eni-7 203.0.113.9 10.0.0.7 44000 443 6 18 7320 1700000000 1700000060 ACCEPT OK 3 ingress',
      '5 111122223333 eni-7 203.0.113.10 10.0.0.7 44001 443 6 1 44 1700000100 1700000160 ACCEPT OK 2 ingress',
      '5 111122223333 eni-7 52.94.0.12 10.0.0.7 443 41000 6 30 40200 1700000200 1700000260 ACCEPT OK 19 ingress',
      '5 111122223333 eni-7 10.0.0.7 52.94.0.12 41000 443 6 30 4000 1700000200 1700000260 ACCEPT OK 3 egress',
      '5 111122223333 eni-7 45.1.2.3 10.0.0.7 40000 22 6 2 84 1700000300 1700000360 ACCEPT OK 6 ingress'
    ].join('\n')
    const scan = emptyFlowLogScan(DEFAULT_LIMITS)
    await readFlowLogFile(scan, file('f4.log.gz', gz(text)), 'f4.log.gz', DEFAULT_LIMITS)
    expect([...scan.served.values()].map((p) => [p.protocol, p.port, p.sessions, p.probes, p.seen.size])).toEqual([[6, 443, 1, 1, 1]])
    expect([...scan.admin.values()].map((a) => [a.port, a.src, a.sessions, a.synOnly])).toEqual([[22, '45.1.2.3', 0, 1]])
    expect(scan.servedUnknown.size).toBe(0)
  })

  it('itemises the sources of every port of a named set (EC2.19 high-risk ports too), and still counts those other than 22/3389 as served ports', async () => {
    const text = [
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags flow-direction',
      // a MySQL session from the internet, a PostgreSQL probe, a private client of 8080, HTTPS (no set names 443)
      '5 111122223333 eni-8 203.0.113.20 10.0.0.8 44000 3306 6 14 5200 1700000000 1700000060 ACCEPT OK 3 ingress',
      '5 111122223333 eni-8 45.1.2.9 10.0.0.8 44001 5432 6 1 44 1700000100 1700000160 ACCEPT OK 2 ingress',
      '5 111122223333 eni-8 10.0.3.4 10.0.0.8 44002 8080 6 9 4000 1700000200 1700000260 ACCEPT OK 3 ingress',
      '5 111122223333 eni-8 198.51.100.7 10.0.0.8 44003 443 6 9 4000 1700000300 1700000360 ACCEPT OK 3 ingress',
      // the interface's own connection out to a remote MySQL is not a source of its 3306
      '5 111122223333 eni-8 10.0.0.8 192.0.2.50 45000 3306 6 9 4000 1700000400 1700000460 ACCEPT OK 3 egress',
      '5 111122223333 eni-8 198.51.100.8 10.0.0.8 44004 22 6 9 4000 1700000500 1700000560 ACCEPT OK 3 ingress'
    ].join('\n')
    const scan = emptyFlowLogScan(DEFAULT_LIMITS)
    await readFlowLogFile(scan, file('f5.log.gz', gz(text)), 'f5.log.gz', DEFAULT_LIMITS)
    expect([...scan.admin.values()].map((a) => [a.port, a.src, a.sessions, a.synOnly]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [22, '198.51.100.8', 1, 0],
      [3306, '203.0.113.20', 1, 0],
      [5432, '45.1.2.9', 0, 1],
      [8080, '10.0.3.4', 1, 0]
    ])
    // the served ports are what they were: every port but 22/3389
    expect([...scan.served.values()].map((p) => [p.port, p.sessions, p.probes, p.publicSessions]).sort((a, b) => a[0] - b[0])).toEqual([
      [443, 1, 0, 1],
      [3306, 1, 0, 1],
      [5432, 0, 1, 0],
      [8080, 1, 0, 0]
    ])
    // each session to an itemised port is on the timeline
    expect(
      scan.drafts
        .all()
        .map((d) => d.action)
        .sort()
    ).toEqual(['ACCEPT tcp/22', 'ACCEPT tcp/3306', 'ACCEPT tcp/8080'])
  })

  it("caps the sources itemised per port: another port's crowd never overflows the admin ports", async () => {
    const lines = ['version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags flow-direction']
    for (let i = 0; i < 1002; i++) lines.push(`5 111122223333 eni-9 100.${64 + (i >> 8)}.${i & 255}.1 10.0.0.9 40000 8080 6 9 4000 1700000000 1700000060 ACCEPT OK 3 ingress`)
    lines.push('5 111122223333 eni-9 198.51.100.9 10.0.0.9 40001 22 6 9 4000 1700000100 1700000160 ACCEPT OK 3 ingress')
    const scan = emptyFlowLogScan(DEFAULT_LIMITS)
    await readFlowLogFile(scan, file('f6.log.gz', gz(lines.join('\n'))), 'f6.log.gz', DEFAULT_LIMITS)
    expect([...scan.admin.values()].filter((a) => a.port === 8080)).toHaveLength(1000)
    expect(scan.adminOverflow.get('eni-9|8080')).toEqual({ flows: 2, sessions: 2, synOnly: 0 })
    expect(scan.adminOverflow.get('eni-9')).toBeUndefined()
    expect([...scan.admin.values()].filter((a) => a.port === 22).map((a) => a.src)).toEqual(['198.51.100.9'])
  })

  it('counts accepted flows by remote address: whom the interface served and whom it reached, sessions apart from probes', async () => {
    const text = [
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags flow-direction',
      // a client's HTTPS session and the instance's reply to it
      '5 111122223333 eni-7 203.0.113.9 10.0.0.7 44000 443 6 18 7320 1700000000 1700000060 ACCEPT OK 3 ingress',
      '5 111122223333 eni-7 10.0.0.7 203.0.113.9 443 44000 6 16 9000 1700000000 1700000060 ACCEPT OK 19 egress',
      // the instance calls an API on 443, and the reply comes back
      '5 111122223333 eni-7 10.0.0.7 52.94.0.12 41000 443 6 30 4000 1700000200 1700000260 ACCEPT OK 3 egress',
      '5 111122223333 eni-7 52.94.0.12 10.0.0.7 443 41000 6 30 40200 1700000200 1700000260 ACCEPT OK 19 ingress',
      // the instance knocks on a remote 3389 (SYN, RST back): a probe out
      '5 111122223333 eni-7 10.0.0.7 198.51.100.4 50001 3389 6 1 44 1700000300 1700000360 ACCEPT OK 2 egress',
      // DNS to a public resolver over UDP
      '5 111122223333 eni-7 10.0.0.7 1.1.1.1 53814 53 17 1 88 1700000400 1700000460 ACCEPT OK 0 egress',
      // rejected: no traffic
      '5 111122223333 eni-7 45.1.2.3 10.0.0.7 40000 22 6 1 44 1700000500 1700000560 REJECT OK 2 ingress'
    ].join('\n')
    const scan = emptyFlowLogScan(DEFAULT_LIMITS)
    await readFlowLogFile(scan, file('f5.log.gz', gz(text)), 'f5.log.gz', DEFAULT_LIMITS)
    const peers = Object.fromEntries([...scan.peers.values()].map((p) => [p.peer, [p.inSessions, p.inProbes, p.outSessions, p.outProbes, p.localPorts, p.remotePorts]]))
    expect(peers).toEqual({
      '203.0.113.9': [2, 0, 0, 0, [443], []],
      '52.94.0.12': [0, 0, 2, 0, [], [443]],
      '198.51.100.4': [0, 0, 0, 1, [], [3389]],
      '1.1.1.1': [0, 0, 1, 0, [], [53]]
    })
    expect(scan.peersUnknown.size).toBe(0)
    // the default format has no flow-direction: who opened a connection cannot be told
    const v2 = emptyFlowLogScan(DEFAULT_LIMITS)
    await readFlowLogFile(v2, file('f1.log', sample('vpcflowlogs/valid_vpc_flow_log_multi.log')), 'f1.log', DEFAULT_LIMITS)
    expect(v2.peers.size).toBe(0)
    expect([...v2.peersUnknown]).toEqual(['eni-1235b8ca123456789'])
  })
})

describe('Azure logs: both Activity Log shapes, storage logs', () => {
  it('normalises REST and diagnostic-setting events; the caller of a diagnostic record is in identity.claims', () => {
    const rest = normaliseActivityEvent({
      eventTimestamp: '2026-09-01T10:00:00Z',
      caller: 'a@x',
      operationName: { value: 'Microsoft.Storage/storageAccounts/write' },
      status: { value: 'Succeeded' },
      resourceId: '/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG'
    })
    const diag = normaliseActivityEvent({
      time: '2026-09-01T10:00:00Z',
      resourceId: '/SUBSCRIPTIONS/S',
      operationName: 'X/WRITE',
      resultType: 'Success',
      identity: { claims: { name: 'Erin' } }
    })
    expect(rest).toMatchObject({ caller: 'a@x', status: 'Succeeded', resourceId: '/subscriptions/s/resourcegroups/rg' })
    expect(diag).toMatchObject({ caller: 'Erin', status: 'Success', operation: 'X/WRITE' })
    expect(normaliseActivityEvent({ time: 'x', resourceId: 'r' })).toMatch(/not a time/)
  })

  it('reads an Event Hub {"records":[…]} file and counts HTTP and old TLS in storage logs', async () => {
    const id = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct'
    const rec = (protocol: string, tls?: string) => ({
      time: '2026-11-01T00:00:00Z',
      resourceId: `${id}/blobServices/default`,
      category: 'StorageRead',
      operationName: 'GetBlob',
      statusCode: 200,
      identity: { type: 'SAS' },
      properties: tls ? { tlsVersion: tls } : {},
      protocol
    })
    const scan = emptyStorageLogScan(DEFAULT_LIMITS)
    await readStorageLogFile(scan, file('st.json', JSON.stringify({ records: [rec('HTTP'), rec('HTTPS', 'TLS 1.1'), rec('HTTPS', 'TLS 1.2')] })), 'st.json', DEFAULT_LIMITS)
    const a = scan.accounts.get(id.toLowerCase())!
    expect(a).toMatchObject({ http: 1, oldTls: 1, tlsVersions: { 'TLS 1.1': 1, 'TLS 1.2': 1 }, protocols: { HTTP: 1, HTTPS: 2 } })
  })

  it('counts successful anonymous blob reads by container, object and address; not failures, not the static website', async () => {
    const id = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct'
    const rec = (o: { anon: boolean; status?: number; key?: string; uri?: string; ip?: string; service?: string }) => ({
      time: '2026-11-01T00:00:00Z',
      resourceId: `${id}/${o.service === 'file' ? 'fileServices' : 'blobServices'}/default`,
      category: 'StorageRead',
      operationName: 'GetBlob',
      statusCode: o.status ?? 200,
      callerIpAddress: o.ip ?? '198.51.100.7:50211',
      identity: o.anon ? { type: 'Anonymous' } : { type: 'OAuth', requester: { upn: 'app@x' } },
      properties: { serviceType: o.service ?? 'blob', ...(o.key ? { objectKey: o.key } : {}) },
      uri: o.uri ?? 'https://acct.blob.core.windows.net/img/a%20b.png',
      protocol: 'HTTPS'
    })
    const lines = [
      rec({ anon: true, key: '/acct/img/logo.png' }),
      rec({ anon: true, key: '/acct/img/logo.png' }),
      // no objectKey: the uri's path, decoded
      rec({ anon: true, ip: '[2001:db8::7]:443' }),
      rec({ anon: true, key: '/acct/private/x', status: 404 }),
      rec({ anon: true, uri: 'https://acct.z6.web.core.windows.net/index.html', key: '/acct/$web/index.html' }),
      rec({ anon: false, key: '/acct/img/logo.png' }),
      rec({ anon: false, service: 'file', uri: 'https://acct.file.core.windows.net/share/x' })
    ]
    const scan = emptyStorageLogScan(DEFAULT_LIMITS)
    await readStorageLogFile(scan, file('st.json', lines.map((l) => JSON.stringify(l)).join('\n')), 'st.json', DEFAULT_LIMITS)
    const a = scan.accounts.get(id.toLowerCase())!
    expect(a).toMatchObject({ anonymous: 5, anonymousOk: 3, blobRequests: 6, anonymousContainers: { img: 3 } })
    expect(a.anonymousReaders).toEqual(['img/logo.png from 198.51.100.7', 'img/a b.png from 2001:db8::7'])
    expect(a.anonymousOkLast).toBe(Date.parse('2026-11-01T00:00:00Z') / 1000)
  })

  it('NSG flow logs: allowed inbound sessions by rule and port, scans and private clients apart, version 1 and 2', async () => {
    const nsg = '/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-A'
    const rec = (version: number, rule: string, tuples: string[]) => ({
      time: '2026-11-01T10:00:00.0000000Z',
      macAddress: '000D3A000001',
      category: 'NetworkSecurityGroupFlowEvent',
      resourceId: nsg,
      operationName: 'NetworkSecurityGroupFlowEvents',
      properties: { Version: version, flows: [{ rule, flows: [{ mac: '000D3A000001', flowTuples: tuples }] }] }
    })
    const doc = {
      records: [
        rec(2, 'UserRule_allow-ssh', [
          // an administrator: begins, ends with data
          '1761991200,203.0.113.50,10.0.0.4,50001,22,T,I,A,B,,,,',
          '1761991800,203.0.113.50,10.0.0.4,50001,22,T,I,A,E,412,61844,530,402113',
          // a scanner: begins, ends with three bare packets
          '1761991300,45.1.17.9,10.0.0.4,40001,22,T,I,A,B,,,,',
          '1761991302,45.1.17.9,10.0.0.4,40001,22,T,I,A,E,3,180,2,120',
          // a client in the virtual network
          '1761991400,10.0.9.7,10.0.0.4,50002,22,T,I,A,E,40,9000,40,12000',
          // outbound: not an inbound flow
          '1761991500,10.0.0.4,52.1.2.3,50003,443,T,O,A,B,,,,'
        ]),
        rec(2, 'DefaultRule_DenyAllInBound', ['1761991600,185.220.101.1,10.0.0.4,30001,3389,T,I,D,B,,,,', '1761991601,185.220.101.1,10.0.0.4,30001,445,T,I,D,B,,,,']),
        // version 1 has no flow state nor counts: every allowed tuple is a session
        rec(1, 'UserRule_allow-rdp', ['1761991700,198.51.100.9,10.0.0.4,50004,3389,T,I,A']),
        rec(2, 'UserRule_allow-ssh', ['not,a,tuple'])
      ]
    }
    const scan = emptyNsgFlowScan(DEFAULT_LIMITS)
    await readNsgFlowLogFile(scan, file('PT1H.json', JSON.stringify(doc)), 'PT1H.json', DEFAULT_LIMITS)
    const s = scan.nsgs.get(nsg.toLowerCase())!
    expect(s.records).toBe(4)
    const row = (rule: string, port: number) => s.ports.get(`${rule}\n${port}\ntcp`)
    expect(row('allow-ssh', 22)).toMatchObject({ allowed: 2, publicSessions: 1, publicSources: ['203.0.113.50'], lastPublic: 1761991800 })
    expect(row('DefaultRule_DenyAllInBound', 3389)).toMatchObject({ denied: 1, allowed: 0, publicSessions: 0 })
    // denied flows to other ports are not kept
    expect(row('DefaultRule_DenyAllInBound', 445)).toBeUndefined()
    expect(row('allow-rdp', 3389)).toMatchObject({ allowed: 1, publicSessions: 1, publicSources: ['198.51.100.9'] })
    expect(scan.files[0].problem?.problem).toMatch(/1 record\(s\) or flow tuple\(s\) could not be read/)
  })

  it('a truncated pretty-printed Activity Log export is refused with its place', async () => {
    const scan = emptyAzureActivityScan(DEFAULT_LIMITS)
    await readActivityLogFile(scan, file('act.json', '{\n  "value": [\n    { "eventTimestamp": "2026'), 'act.json', DEFAULT_LIMITS, 's')
    expect(scan.files[0].problem?.problem).toMatch(/bad JSON/)
  })
})

describe('trails and event selectors', () => {
  const trail = (over: Partial<TrailItem>): TrailItem => ({
    file: 't',
    name: 't',
    arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/t',
    account: '111122223333',
    homeRegion: 'us-east-1',
    multiRegion: true,
    organization: false,
    s3Bucket: null,
    s3KeyPrefix: null,
    basic: null,
    advanced: null,
    isLogging: true,
    startLogging: null,
    stopLogging: null,
    ...over
  })
  const bucket = { name: 'data', region: 'eu-west-1', account: '111122223333' }
  const ev = (t: TrailItem) => evaluateTrail(t, bucket, [])

  it('basic selectors: all buckets, this bucket, a key prefix, read-only', () => {
    expect(ev(trail({ basic: [{ ReadWriteType: 'All', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] }))).toMatchObject({
      reads: 'all',
      writes: 'all',
      inScope: true
    })
    expect(ev(trail({ basic: [{ ReadWriteType: 'ReadOnly', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data/'] }] }] }))).toMatchObject({
      reads: 'all',
      writes: 'none'
    })
    expect(ev(trail({ basic: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data/logs/'] }] }] }))).toMatchObject({ reads: 'some', writes: 'some' })
    expect(ev(trail({ basic: [{ DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] }] }] }))).toMatchObject({ reads: 'none', writes: 'none' })
  })

  it('advanced selectors: prefixes, exclusions, event names, other resource types', () => {
    const adv = (fs: unknown[]) =>
      ev(
        trail({
          advanced: [{ Name: 'x', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, ...fs] as never }]
        })
      )
    expect(adv([])).toMatchObject({ reads: 'all', writes: 'all', selectors: 'advanced' })
    expect(adv([{ Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::data/'] }])).toMatchObject({ reads: 'all' })
    expect(adv([{ Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::other/'] }])).toMatchObject({ reads: 'none' })
    expect(adv([{ Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::data/'] }])).toMatchObject({ reads: 'none' })
    expect(adv([{ Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::data/tmp/'] }])).toMatchObject({ reads: 'some' })
    expect(adv([{ Field: 'eventName', Equals: ['PutObject'] }])).toMatchObject({ reads: 'some', writes: 'some' })
    expect(adv([{ Field: 'readOnly', Equals: ['true'] }])).toMatchObject({ reads: 'all', writes: 'none' })
    expect(
      ev(
        trail({
          advanced: [
            {
              Name: 'l',
              FieldSelectors: [
                { Field: 'eventCategory', Equals: ['Data'] },
                { Field: 'resources.type', Equals: ['AWS::Lambda::Function'] }
              ]
            }
          ]
        })
      )
    ).toMatchObject({ reads: 'none' })
  })

  it('a single-region trail elsewhere, another account, a stopped trail', () => {
    const all = [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }]
    expect(ev(trail({ basic: all, multiRegion: false }))).toMatchObject({ inScope: false, reads: 'none' })
    expect(ev(trail({ basic: all, arn: 'arn:aws:cloudtrail:us-east-1:999988887777:trail/t', account: '999988887777' }))).toMatchObject({ inScope: false })
    expect(ev(trail({ basic: all, arn: 'arn:aws:cloudtrail:us-east-1:999988887777:trail/t', account: '999988887777', organization: true }))).toMatchObject({ inScope: true })
    const stopped = ev(trail({ basic: all, isLogging: false, stopLogging: '2026-10-01T00:00:00Z' }))
    expect(s3DataRecording([stopped], true)).toMatchObject({ recorded: 'none' })
    expect(s3DataRecording([], false)).toMatchObject({ recorded: 'unknown' })
  })

  it('says what a partial recording leaves out: write-only and key-prefix selectors', () => {
    const writeOnly = s3DataRecording([ev(trail({ basic: [{ ReadWriteType: 'WriteOnly', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] }))], true)
    expect(writeOnly).toMatchObject({ recorded: 'some', reads: 'none', writes: 'all' })
    expect(writeOnly.explanation).toBe(
      "only part of the bucket's S3 data events are recorded — reads are not recorded, writes of every object are recorded (t: basic selector (WriteOnly) records writes only of every object)"
    )
    const prefix = s3DataRecording([ev(trail({ basic: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data/logs/'] }] }] }))], true)
    expect(prefix.explanation).toBe(
      'only part of the bucket\'s S3 data events are recorded — reads are recorded for part of the objects or events only, writes are recorded for part of the objects or events only (t: basic selector (All) records reads and writes of objects under "logs/" only)'
    )
  })

  it('the latest selector change bounds the window it is known for', () => {
    const t = trail({ basic: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }], startLogging: '2025-01-01T00:00:00Z' })
    const r = evaluateTrail(t, bucket, [
      { trail: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/t', time: Date.parse('2026-10-15T00:00:00Z') / 1000, eventName: 'PutEventSelectors' }
    ])
    expect(r.since).toBe('2026-10-15T00:00:00Z')
  })
})

describe('inventories', () => {
  it('a policy statement for everyone is public unless a condition ties it to a network or an organisation', () => {
    const p = (cond?: unknown) =>
      JSON.stringify({ Statement: [{ Sid: 'S', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: '*', ...(cond ? { Condition: cond } : {}) }] })
    expect(publicPolicyStatements(p()).statements).toEqual(['statement S allows s3:GetObject to everyone'])
    expect(publicPolicyStatements(p({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })).statements).toEqual([])
    expect(publicPolicyStatements(p({ StringEquals: { 'aws:PrincipalOrgID': 'o-1' } })).statements).toEqual([])
    expect(publicPolicyStatements(p({ Bool: { 'aws:SecureTransport': 'true' } })).statements).toHaveLength(1)
    expect(publicPolicyStatements('{not json').error).toMatch(/not JSON/)
    expect(publicAclGrants({ Grants: [{ Grantee: { URI: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' }, Permission: 'WRITE' }] })).toEqual([
      'ACL grants WRITE to any AWS account (AuthenticatedUsers)'
    ])
  })

  it('credential report: dates, N/A and no_information; refuses a CSV that is not one', () => {
    const rows = readCredentialReport(
      'user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service\n' +
        'bob,arn:aws:iam::1:user/bob,2020-01-01T00:00:00+00:00,true,no_information,false,true,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A\n',
      'r.csv'
    )
    expect(rows[0]).toMatchObject({ user: 'bob', passwordLastUsed: null, keys: [{ slot: 1, active: true, lastUsed: null }] })
    expect(() => readCredentialReport('a,b\n1,2\n', 'r.csv')).toThrow(/r\.csv: line 1: not an IAM credential report/)
    expect(() => readCredentialReport('user,arn\n"bob,arn', 'r.csv')).toThrow(/line 2: a quoted field is not closed/)
    expect(() =>
      readCredentialReport(
        'user,arn,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\nbob,arn\n',
        'r.csv'
      )
    ).toThrow(/^r\.csv: line 2: 2 fields where the header has 8$/)
  })

  it('metrics: timestamps and values pair up; CloudFront origins and AZs', () => {
    expect(() => parseMetrics({ metrics: [{ namespace: 'AWS/EC2', name: 'MetadataNoToken', timestamps: ['2026-01-01T00:00:00Z'], values: [] }] }, 'm.json')).toThrow(
      /metrics\[0\]: 1 timestamps but 0 values/
    )
    expect(bucketOfOriginDomain('my.bucket.s3.eu-west-1.amazonaws.com')).toBe('my.bucket')
    expect(bucketOfOriginDomain('site.s3-website-us-east-1.amazonaws.com')).toBe('site')
    expect(bucketOfOriginDomain('example.com')).toBeNull()
    expect(regionOfAz('us-west-2-lax-1a')).toBe('us-west-2')
  })
})

describe('inventories written by evidence collect', () => {
  it('s3-buckets.json: a missing policy, public access block, ACL, encryption or logging key is unknown (undefined), null is "none"', () => {
    const [gappy, none] = parseS3Buckets(
      {
        buckets: [
          { name: 'gappy', region: 'eu-west-1', tags: {} },
          { name: 'none', policy: null, publicAccessBlock: null, acl: null, encryption: null, logging: null }
        ]
      },
      'b.json',
      '111122223333'
    )
    expect([gappy.policy, gappy.publicAccessBlock, gappy.acl, gappy.encryption, gappy.logging]).toEqual([undefined, undefined, undefined, undefined, undefined])
    expect([none.policy, none.publicAccessBlock, none.acl, none.encryption, none.logging]).toEqual([null, null, null, null, null])
    expect(publicPolicyStatements(gappy.policy)).toEqual({ statements: [], error: null })
  })

  it('cloudfront-distributions.json: an account without distributions reads as none, not as a bad file', () => {
    expect(parseCloudFront({ DistributionList: { Quantity: 0, IsTruncated: false, Items: [] } }, 'cf.json')).toEqual([])
    expect(parseCloudFront({ DistributionList: { Marker: '', MaxItems: 100, IsTruncated: false, Quantity: 0 } }, 'cf.json')).toEqual([])
    expect(() => parseCloudFront({ something: [] }, 'cf.json')).toThrow(/expected/)
  })

  it('eks-clusters.json: DescribeCluster clusters, with endpoint access', () => {
    const [c] = parseEksClusters(
      {
        clusters: [
          {
            name: 'prod',
            arn: 'arn:aws:eks:us-east-1:111122223333:cluster/prod',
            version: '1.31',
            status: 'ACTIVE',
            resourcesVpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'], vpcId: 'vpc-1' }
          }
        ]
      },
      'eks.json'
    )
    expect(c).toMatchObject({ name: 'prod', version: '1.31', endpointPublicAccess: true, endpointPrivateAccess: null, publicAccessCidrs: ['0.0.0.0/0'], vpcId: 'vpc-1' })
    expect(() => parseEksClusters({ clusters: [{ name: 'x' }] }, 'eks.json')).toThrow(/without arn or name/)
  })
})

describe('coverage, time, decompression', () => {
  it('gaps longer than a day, and the window before the first / after the last record', () => {
    const h = (iso: string): number => Date.parse(iso) / 3_600_000
    const runs = hoursToRuns([h('2026-11-01T00:00:00Z'), h('2026-11-01T01:00:00Z'), h('2026-11-03T05:00:00Z')])
    expect(runs).toHaveLength(2)
    const gaps = gapsOf(
      { runs, files: [], problems: [], skipped: [], collectionGaps: [], notes: [] },
      { from: Date.parse('2026-10-01T00:00:00Z') / 1000, to: Date.parse('2026-11-03T12:00:00Z') / 1000 },
      'silence'
    )
    expect(gaps.map((g) => [g.reason, g.from, g.to])).toEqual([
      ['before-first-record', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'],
      ['no-records', '2026-11-01T02:00:00Z', '2026-11-03T05:00:00Z']
    ])
    // a silence of exactly a day is not a gap
    expect(gapsOf({ runs: hoursToRuns([0, 25]), files: [], problems: [], skipped: [], collectionGaps: [], notes: [] }, null, 's')).toEqual([])
    expect(timeInName('x/123_CloudTrail_us-east-1_20250306T0230Z_Q.json.gz')).toBe(Date.UTC(2025, 2, 6, 2, 30) / 1000)
  })

  it('reads CloudTrail times without Date objects, and agrees with Date.parse', () => {
    for (const s of ['2026-11-01T10:00:00Z', '2024-02-29T23:59:59Z', '2026-11-01T10:00:00.123Z', '2026-11-01T10:00:00+02:00']) {
      const b = Buffer.from(s)
      expect(isoSecondsAt(b, 0, b.length)).toBe(Math.floor(Date.parse(s) / 1000))
    }
    expect(isoSecondsAt(Buffer.from('not a time at all'), 0, 17)).toBeNaN()
  })

  it('a gzip bomb is refused past the size limit, without inflating the rest', async () => {
    const bomb = file('bomb.gz', gz(Buffer.alloc(32 * 1024 * 1024)))
    const d = await openDecoded(bomb, 'bomb.gz', withLimits({ maxDecompressedBytes: 4 * 1024 * 1024 }))
    let seen = 0
    await expect(
      (async () => {
        for await (const c of d.chunks) seen += c.length
      })()
    ).rejects.toThrow(/bomb\.gz: decompressed byte 4194304: refused: expands past 4194304 bytes/)
    expect(seen).toBeLessThanOrEqual(4 * 1024 * 1024)
  })

  it('a corrupt second gzip member is reported at the compressed byte where it broke, not at 0 (issue 13)', async () => {
    // two members, as gzip writes when files are appended; the first larger than one 1 MiB read
    const first = gzipSync(randomBytes(1536 * 1024).toString('hex'))
    const second = gzipSync(Buffer.from('{"Records":[]}'.repeat(5000)))
    const bytes = Buffer.concat([first, second])
    // the second member's deflate data starts after its 10-byte header: block type 11 is invalid
    const at = first.length + 10
    bytes[at] = 0x07
    const path = file('two-members.json.gz', bytes)
    expect(spawnSync('gzip', ['-t', path]).status).not.toBe(0)
    const d = await openDecoded(path, 'two-members.json.gz', DEFAULT_LIMITS)
    await expect(
      (async () => {
        for await (const _ of d.chunks) void _
      })()
    ).rejects.toThrow(new RegExp(`two-members\\.json\\.gz: compressed byte ${at}, after \\d+ decompressed bytes: corrupt gzip data \\(invalid block type\\)`))
    // a small file inflated in one read: the place is still where it broke
    const small = Buffer.concat([gzipSync('{"Records":[]}'), gzipSync('{"Records":[]}')])
    const smallAt = small.length / 2 + 10
    small[smallAt] = 0x07
    const s = await openDecoded(file('small.json.gz', small), 'small.json.gz', DEFAULT_LIMITS)
    await expect(
      (async () => {
        for await (const _ of s.chunks) void _
      })()
    ).rejects.toThrow(`small.json.gz: compressed byte ${smallAt}, after`)
  })

  it('corrupt gzip data is named with its compressed offset', async () => {
    const good = gz(Buffer.from('{"Records":[]}'.repeat(1000)))
    good[20] ^= 0xff
    const d = await openDecoded(file('corrupt.gz', good), 'corrupt.gz', DEFAULT_LIMITS)
    await expect(
      (async () => {
        for await (const _ of d.chunks) void _
      })()
    ).rejects.toThrow(/corrupt\.gz: compressed byte \d+, after \d+ decompressed bytes: corrupt gzip data/)
  })
})
