// `evidence collect --provider aws`: load balancer access logs from S3 and OpenSearch audit logs from
// CloudWatch Logs, through aws-sdk-client-mock — only the load balancer's own files of each day of the
// window, newest day first, whole days up to the size cap (then a gap naming the days left), and the
// audit log one file a day, read back by the audit reader.
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs'
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { regionOfLogFile } from '../semantics/load-balancer'
import { scanDomainAudit, type DomainAudit } from '../semantics/opensearch-audit'
import { BundleWriter } from './bundle-writer'
import { awsClients } from './clients'
import type { GapInput } from './collect-aws-services'
import { auditLogTargets, elbAccessLogFiles, elbLogTargets, logGroupOf, openSearchAuditLogs, type UsageLogContext } from './collect-usage-logs'
import { READ_ONLY_OPERATIONS } from './guard'

const ACCOUNT = '111122223333'
const s3 = mockClient(S3Client)
const logs = mockClient(CloudWatchLogsClient)
const TO = new Date('2026-11-20T12:00:00Z')
const FROM = new Date('2026-11-17T12:00:00Z') // days 11-17 … 11-20

function context(dir: string, maxBytes: number): { x: UsageLogContext; gaps: GapInput[] } {
  const gaps: GapInput[] = []
  const x: UsageLogContext = {
    w: new BundleWriter(dir),
    clients: awsClients({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 }),
    base: `aws/${ACCOUNT}`,
    account: ACCOUNT,
    from: FROM,
    to: TO,
    maxBytes,
    gap: (g) => void gaps.push(g),
    progress: () => undefined
  }
  return { x, gaps }
}

const filesUnder = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true, withFileTypes: true }) as Array<{ isFile(): boolean; name: string; parentPath: string }>)
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort()

describe('evidence collect (AWS): usage logs for the window (mocked SDK)', () => {
  afterEach(() => {
    s3.reset()
    logs.reset()
  })
  afterAll(() => {
    s3.restore()
    logs.restore()
  })

  it('copies only each load balancer’s own access log files, newest day first, whole days up to the cap, then names the days left', async () => {
    const alb = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/web/50dc6c495c0c9188`
    const targets = elbLogTargets(
      [
        {
          LoadBalancerArn: alb,
          Type: 'application',
          Attributes: [
            { Key: 'access_logs.s3.enabled', Value: 'true' },
            { Key: 'access_logs.s3.bucket', Value: 'lb-logs' },
            { Key: 'access_logs.s3.prefix', Value: 'alb' }
          ]
        },
        { LoadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/quiet/1`, Attributes: [{ Key: 'access_logs.s3.enabled', Value: 'false' }] }
      ],
      [{ LoadBalancerName: 'legacy', AvailabilityZones: ['us-east-1a'], Attributes: { AccessLog: { Enabled: true, S3BucketName: 'lb-logs', EmitInterval: 60 } } }],
      ACCOUNT
    )
    expect(targets.map((t) => [t.arn, t.prefix, t.fileToken])).toEqual([
      [alb, 'alb', 'app.web.50dc6c495c0c9188'],
      [`arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/legacy`, '', 'legacy']
    ])
    // one 100-byte file a day for web (and for another load balancer in the same folder), one for legacy on the 20th
    const objects = new Map<string, string>()
    const day = (d: string) => `AWSLogs/${ACCOUNT}/elasticloadbalancing/us-east-1/2026/11/${d}/${ACCOUNT}_elasticloadbalancing_us-east-1_`
    for (const d of ['17', '18', '19', '20']) {
      objects.set(`alb/${day(d)}app.web.50dc6c495c0c9188_202611${d}T0005Z_10.0.1.20_a1.log.gz`, 'w'.repeat(100))
      objects.set(`alb/${day(d)}app.other.9f8e7d6c5b4a3f21_202611${d}T0005Z_10.0.1.21_b2.log.gz`, 'o'.repeat(100))
    }
    objects.set(`${day('20')}legacy_20261120T0005Z_10.0.2.9_c3.log`, 'l'.repeat(40))
    s3.on(ListObjectsV2Command).callsFake(async (input: { Bucket: string; Prefix: string }) => ({
      Contents: [...objects].filter(([k]) => input.Bucket === 'lb-logs' && k.startsWith(input.Prefix)).map(([Key, v]) => ({ Key, Size: v.length }))
    }))
    s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => ({ Body: Readable.from([Buffer.from(objects.get(input.Key)!)]) as never }))

    const dir = tempDir()
    const { x, gaps } = context(dir, 250)
    await elbAccessLogFiles(x, targets)
    const files = filesUnder(dir)
    // web: the 20th and 19th fit (200 bytes), the 18th would pass 250; never the other load balancer's files
    expect(files).toEqual([
      `aws/${ACCOUNT}/elb-access-logs/${day('19')}app.web.50dc6c495c0c9188_20261119T0005Z_10.0.1.20_a1.log.gz`,
      `aws/${ACCOUNT}/elb-access-logs/${day('20')}app.web.50dc6c495c0c9188_20261120T0005Z_10.0.1.20_a1.log.gz`,
      `aws/${ACCOUNT}/elb-access-logs/${day('20')}legacy_20261120T0005Z_10.0.2.9_c3.log`
    ])
    // the readers place each file by the Region its delivered name carries
    for (const f of files) expect(regionOfLogFile(f)).toBe('us-east-1')
    expect(gaps).toEqual([
      {
        source: 'aws.elb-access-logs',
        resource: alb,
        from: '2026-11-17T00:00:00.000Z',
        to: '2026-11-18T23:59:59.999Z',
        problem: expect.stringMatching(/size cap of 250 bytes \(200 bytes copied, newest days first\): 2 older days \(2026-11-17 … 2026-11-18\) not collected/)
      }
    ])
    // only the prefixes of the window's days, with the load balancer's file name: never the bucket or a whole day of all load balancers
    const prefixes = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix)
    expect(prefixes.every((p) => /_(app\.web\.50dc6c495c0c9188|legacy)_$/.test(p ?? ''))).toBe(true)
  })

  it('copies an OpenSearch audit log from its log group one day a file, keeps a day only whole, and the audit reader reads the days back', async () => {
    const domain = { DomainName: 'orders', ARN: `arn:aws:es:us-east-1:${ACCOUNT}:domain/orders` }
    const group = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/OpenSearchService/domains/orders/audit-logs:*`
    expect(logGroupOf(group)).toEqual({ region: 'us-east-1', name: '/aws/OpenSearchService/domains/orders/audit-logs' })
    const targets = auditLogTargets([
      { ...domain, LogPublishingOptions: { AUDIT_LOGS: { Enabled: true, CloudWatchLogsLogGroupArn: group } } } as never,
      { DomainName: 'quiet', ARN: 'x', LogPublishingOptions: {} } as never
    ])
    expect(targets).toEqual([{ domain: 'orders', arn: domain.ARN, region: 'us-east-1', logGroup: '/aws/OpenSearchService/domains/orders/audit-logs' }])
    const event = (iso: string) => ({
      timestamp: Date.parse(iso),
      logStreamName: 'audit',
      eventId: iso,
      message: JSON.stringify({
        '@timestamp': iso,
        audit_category: 'GRANTED_PRIVILEGES',
        audit_request_layer: 'REST',
        audit_request_remote_address: '203.0.113.9',
        audit_request_effective_user: 'app',
        audit_rest_request_method: 'GET',
        audit_rest_request_path: '/orders/_search'
      })
    })
    // each day two events on two pages; the 17th has fifty (it will not fit a small cap)
    logs.on(FilterLogEventsCommand).callsFake(async (input: { logGroupName: string; startTime: number; endTime: number; nextToken?: string }) => {
      expect(input.logGroupName).toBe('/aws/OpenSearchService/domains/orders/audit-logs')
      const d = new Date(input.startTime).toISOString().slice(0, 10)
      expect(input.endTime - input.startTime).toBeLessThan(86400_000)
      if (d === '2026-11-17') return { events: Array.from({ length: 50 }, (_, i) => event(`${d}T10:${String(i).padStart(2, '0')}:00.000Z`)) }
      return input.nextToken ? { events: [event(`${d}T11:00:00.000Z`)] } : { events: [event(`${d}T09:00:00.000Z`)], nextToken: 'n2' }
    })

    const all = tempDir()
    const one = context(all, 1024 * 1024)
    await openSearchAuditLogs(one.x, targets)
    expect(one.gaps).toEqual([])
    const audit: DomainAudit = { requests: [], days: new Set(), problems: [], unread: [], files: [] }
    const days = filesUnder(all)
    expect(days).toEqual(['17', '18', '19', '20'].map((d) => `aws/${ACCOUNT}/opensearch-audit/orders/2026-11-${d}.jsonl`))
    for (const f of days) scanDomainAudit(readFileSync(join(all, f), 'utf8'), f, audit)
    expect(audit.problems).toEqual([])
    expect([...audit.days].sort()).toEqual(['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'])
    expect(audit.requests).toHaveLength(56)

    // a cap the 17th's fifty events pass: the three newest days whole, the 17th not at all, and a gap naming it
    const capped = tempDir()
    const two = context(capped, 3000)
    await openSearchAuditLogs(two.x, targets)
    expect(filesUnder(capped)).toEqual(['18', '19', '20'].map((d) => `aws/${ACCOUNT}/opensearch-audit/orders/2026-11-${d}.jsonl`))
    expect(two.gaps).toMatchObject([{ source: 'aws.opensearch.audit', resource: domain.ARN, from: '2026-11-17T00:00:00.000Z', to: '2026-11-17T23:59:59.999Z' }])
    expect(two.gaps[0].problem).toContain('1 older day (2026-11-17 … 2026-11-17) not collected')

    const sent = [...new Set(logs.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, '')))]
    expect(sent).toEqual([...READ_ONLY_OPERATIONS.CloudWatchLogsClient])
  })

  it('a day the log group cannot be read on is a gap naming the day; the other days are copied', async () => {
    logs.on(FilterLogEventsCommand).callsFake(async (input: { startTime: number }) => {
      const d = new Date(input.startTime).toISOString().slice(0, 10)
      if (d === '2026-11-19') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })
      return {
        events: [{ timestamp: input.startTime + 1000, message: JSON.stringify({ '@timestamp': new Date(input.startTime + 1000).toISOString(), audit_category: 'AUTHENTICATED' }) }]
      }
    })
    const dir = tempDir()
    const { x, gaps } = context(dir, 1024 * 1024)
    await openSearchAuditLogs(x, [{ domain: 'orders', arn: 'arn:aws:es:us-east-1:1:domain/orders', region: 'us-east-1', logGroup: 'g' }])
    expect(filesUnder(dir).map((f) => f.slice(-16))).toEqual(['2026-11-17.jsonl', '2026-11-18.jsonl', '2026-11-20.jsonl'])
    expect(gaps).toMatchObject([{ operation: 'FilterLogEvents', from: '2026-11-19T00:00:00.000Z', problem: expect.stringContaining('on 2026-11-19: ThrottlingException') }])
  })
})
