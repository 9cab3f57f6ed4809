import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ctFile, gz, managementEvent, s3DataEvent, sample, writeBundle } from '../../test/fixtures/evidence/bundle-builder'
import { readBundle } from '../semantics/bundle'
import { analyzeBundle } from './analyze'
import { answerWithSqlite } from '../../test/helpers/cloudtrail-sql'
import { BadEvidence } from '../semantics/bad-evidence'
import { DEFAULT_LIMITS } from '../semantics/limits'
import { parseQueryDocument, type QueryDocument, scanFromAnswers } from './cloudtrail-answers'
import { scanCloudTrailFiles } from './cloudtrail-pool'
import { athenaDialect, lakeDialect, QUESTIONS, renderQuestion } from './cloudtrail-questions'
import type { CloudTrailScan } from './cloudtrail-scan'

const REAL = 'cloudtrail/222222222222_CloudTrail_us-east-1_20250306T0230Z_QF6qcgyiaVnSueXa'

/** Records of every kind the questions tell apart, plus the real sample. */
export function questionRecords(): unknown[] {
  const real = (JSON.parse(sample(`${REAL}.pretty.json`).toString('utf8')) as { Records: unknown[] }).Records
  const t = (d: number, h: number, m = 0): string => `2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00Z`
  const ec2 = (o: { time: string; delivery: '1.0' | '2.0'; instance: string; region?: string }): Record<string, unknown> =>
    managementEvent({
      time: o.time,
      source: 'ec2.amazonaws.com',
      name: 'DescribeInstances',
      readOnly: true,
      roleDelivery: o.delivery,
      instanceSession: o.instance,
      region: o.region
    })
  return [
    ...real,
    s3DataEvent({ time: t(1, 10), bucket: 'data', transport: 'tls' }),
    s3DataEvent({ time: t(1, 10, 1), bucket: 'data', transport: 'none' }),
    s3DataEvent({ time: t(1, 10, 2), bucket: 'data', transport: 'none', eventName: 'PutObject' }),
    s3DataEvent({ time: t(1, 10, 3), bucket: 'data', transport: 'service' }),
    { ...s3DataEvent({ time: t(1, 10, 4), bucket: 'data', transport: 'none' }), sessionCredentialFromConsole: 'true' },
    s3DataEvent({ time: t(2, 11), bucket: 'data', anonymous: true }),
    s3DataEvent({ time: t(2, 12), bucket: 'data', role: 'etl', eventName: 'DeleteObject' }),
    { ...s3DataEvent({ time: t(3, 9), bucket: 'data', role: 'etl' }), errorCode: 'AccessDenied' },
    s3DataEvent({ time: t(3, 9, 30), bucket: 'logs-eu', region: 'eu-west-1', account: '444455556666', transport: 'none' }),
    // no bucketName: the bucket comes from the resources
    { ...s3DataEvent({ time: t(4, 1), bucket: 'from-arn' }), requestParameters: { key: 'k' } },
    // a readOnly written as a string, and an event name that says nothing about reading
    { ...s3DataEvent({ time: t(4, 2), bucket: 'data', eventName: 'SelectObjectContent' }), readOnly: 'true' },
    { ...s3DataEvent({ time: t(4, 3), bucket: 'data', eventName: 'RestoreObject' }), readOnly: undefined },
    managementEvent({ time: t(5, 8), source: 's3.amazonaws.com', name: 'PutBucketPolicy', requestParameters: { bucketName: 'data' } }),
    managementEvent({ time: t(5, 8, 5), source: 's3.amazonaws.com', name: 'GetBucketAcl', readOnly: true, requestParameters: { bucketName: 'data' } }),
    ec2({ time: t(6, 0), delivery: '1.0', instance: 'i-0abc123' }),
    ec2({ time: t(6, 1), delivery: '1.0', instance: 'i-0abc123' }),
    ec2({ time: t(6, 2), delivery: '2.0', instance: 'i-0abc123' }),
    ec2({ time: t(7, 2), delivery: '2.0', instance: 'i-0def456', region: 'eu-west-1' }),
    // role credentials whose session is not an instance: not a role delivery
    ec2({ time: t(7, 3), delivery: '1.0', instance: 'not-an-instance' }),
    managementEvent({ time: t(8, 23, 59), source: 'iam.amazonaws.com', name: 'CreateUser', requestParameters: { userName: 'bob' } }),
    // no eventTime: read, but in no stream
    { ...managementEvent({ time: t(8, 1), source: 'iam.amazonaws.com', name: 'ListUsers', readOnly: true }), eventTime: undefined }
  ]
}

/** The parts of a scan the facts are made of, with sets sorted. */
function facts(s: CloudTrailScan): unknown {
  const sorted = <T>(x: Iterable<T>): T[] => [...x].sort()
  const act = (a: CloudTrailScan['buckets'] extends Map<string, infer B> ? (B extends { data: infer A } ? A : never) : never): unknown => ({
    ...a,
    principals: sorted(a.principals)
  })
  return {
    streams: [...s.streams.values()]
      .map((x) => ({ account: x.account, region: x.region, records: x.records, first: x.first, last: x.last, hours: sorted(x.hours) }))
      .sort((a, b) => a.region.localeCompare(b.region) || a.account.localeCompare(b.account)),
    buckets: [...s.buckets.values()]
      .map((b) => ({
        bucket: b.bucket,
        regions: sorted(b.regions),
        accounts: sorted(b.accounts),
        data: act(b.data),
        management: act(b.management),
        nonTlsInferred: b.nonTlsInferred,
        nonTlsLast: b.nonTlsLast,
        anonymous: b.anonymous,
        anonymousLast: b.anonymousLast,
        byDay: [...b.byDay.entries()].sort((x, y) => x[0] - y[0])
      }))
      .sort((a, b) => a.bucket.localeCompare(b.bucket)),
    roleDelivery: [...s.roleDelivery.values()].map(({ files: _f, roles, ...r }) => ({ ...r, roles: sorted(roles) })).sort((a, b) => a.instanceId.localeCompare(b.instanceId))
  }
}

const WINDOW = { from: '2025-03-01T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' }

function documentOf(records: readonly unknown[], window = WINDOW): QueryDocument {
  const rows = answerWithSqlite(records, window)
  return {
    format: 'lastmile.cloudtrail-query',
    version: 1,
    engine: 'cloudtrail-lake',
    store: { EventDataStoreArn: 'arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/eds-1' },
    window,
    answers: Object.fromEntries(Object.entries(rows).map(([name, a]) => [name, { queryId: `q-${name}`, ...a }]))
  }
}

describe('CloudTrail questions: one shape, two producers', () => {
  it('the grouped rows of the questions fold into the same facts as a scan of the log files holding the same records', async () => {
    const records = questionRecords()
    const dir = mkdtempSync(join(tmpdir(), 'lm-ctq-'))
    const half = Math.floor(records.length / 2)
    const files = [records.slice(0, half), records.slice(half)].map((recs, i) => {
      const abs = join(dir, `f${i}.json.gz`)
      writeFileSync(abs, gz(ctFile(recs)))
      return { abs, file: `aws/111122223333/cloudtrail/f${i}.json.gz` }
    })
    const fromFiles = await scanCloudTrailFiles(files, { source: 'aws.cloudtrail', limits: DEFAULT_LIMITS, threads: 0 })
    const doc = parseQueryDocument(JSON.parse(JSON.stringify(documentOf(records))), 'q.json')
    const fromQuery = scanFromAnswers(doc, 'aws/111122223333/cloudtrail-query/lake.json', DEFAULT_LIMITS)
    expect(facts(fromQuery)).toEqual(facts(fromFiles))
    // and the records did exercise every question
    const f = facts(fromQuery) as { buckets: Array<{ bucket: string; nonTlsInferred: number; anonymous: number }>; roleDelivery: Array<{ v1: number }>; streams: unknown[] }
    expect(f.buckets.map((b) => b.bucket)).toEqual(['data', 'from-arn', 'logs-eu', 'aws-cloudtrail-logs-222222222222-abcdefab'].sort())
    expect(f.buckets.find((b) => b.bucket === 'data')).toMatchObject({ nonTlsInferred: 2, anonymous: 1 })
    expect(f.roleDelivery.map((r) => r.v1).sort()).toEqual([0, 0, 2])
    expect(f.streams).toHaveLength(4)
    expect(fromQuery.files).toEqual([
      { file: 'aws/111122223333/cloudtrail-query/lake.json', records: records.length - 1, first: fromQuery.files[0].first, last: fromQuery.files[0].last, problem: null }
    ])
  })

  it('a bundle holding the answers gives the facts and coverage a bundle holding the log files gives, with the answers as their evidence', async () => {
    // Only the S3 and role-delivery records: management writes also make creators, trail changes
    // and timeline events, which the questions do not ask (Event history brings those).
    const records = questionRecords().filter((r) => {
      const x = r as { eventSource?: string; eventName?: string; readOnly?: unknown }
      return x.eventSource === 's3.amazonaws.com' ? x.eventName !== 'PutBucketPolicy' : x.readOnly === true
    })
    const root = mkdtempSync(join(tmpdir(), 'lm-ctq-bundle-'))
    const window = { from: '2025-03-01T00:00:00Z', to: '2026-11-30T00:00:00Z' }
    const QUERY = 'aws/111122223333/cloudtrail-query/lake.json'
    writeBundle(join(root, 'files'), { window, files: { 'aws/111122223333/cloudtrail/a.json.gz': gz(ctFile(records)) } })
    writeBundle(join(root, 'query'), { window, files: { [QUERY]: JSON.stringify(documentOf(records, window)) } })
    const analyse = async (dir: string) => analyzeBundle(await readBundle(join(root, dir)), { limits: DEFAULT_LIMITS, threads: 0 })
    const [files, query] = [await analyse('files'), await analyse('query')]
    const factsOf = (a: typeof files) =>
      a.facts
        .map((f) => ({ ...f, value: JSON.parse(JSON.stringify(f.value, (k, v) => (k === 'principals' ? [...v].sort() : v))), evidence: undefined }))
        .sort((x, y) => `${x.resourceId}${x.facet}`.localeCompare(`${y.resourceId}${y.facet}`))
    expect(factsOf(query)).toEqual(factsOf(files))
    expect(query.facts.length).toBeGreaterThan(4)
    expect(new Set(query.facts.flatMap((f) => f.evidence))).toEqual(new Set([QUERY]))
    const covOf = (a: typeof files) =>
      a.coverage
        .map((c) => ({ source: c.source, resourceId: c.resourceId, first: c.first, last: c.last, records: c.records, runs: c.detail.runs }))
        .sort((x, y) => x.resourceId.localeCompare(y.resourceId))
    expect(covOf(query)).toEqual(covOf(files))
    expect(query.coverage[0].detail.notes[0]).toMatch(
      /^from CloudTrail Lake event data store arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore\/eds-1: the counts of queries streams q-streams/
    )
    // the one record without an eventTime is read from a file but counted by no question
    expect(query.files.get(QUERY)).toMatchObject({ status: 'read', records: records.length - 1 })
    // the daily summaries of the timeline are made from the same counts
    const daily = (a: typeof files) =>
      a.drafts
        .filter((d) => d.place === 'daily summary')
        .map((d) => d.summary)
        .sort()
    expect(daily(query)).toEqual(daily(files))
  })

  it('an unreadable answers file is a problem of its account, not a crash', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lm-ctq-bad-'))
    const QUERY = 'aws/111122223333/cloudtrail-query/lake.json'
    writeBundle(root, { files: { [QUERY]: JSON.stringify({ format: 'lastmile.cloudtrail-query', version: 1 }) } })
    const a = await analyzeBundle(await readBundle(root), { limits: DEFAULT_LIMITS, threads: 0 })
    expect(a.files.get(QUERY)).toMatchObject({ status: 'problem' })
    expect(a.files.get(QUERY)?.problem).toMatch(/not a Lastmile CloudTrail query result/)
    expect(a.coverage.find((c) => c.source === 'aws.cloudtrail')?.detail.problems[0].file).toBe(QUERY)
    expect(a.facts).toEqual([])
  })

  it('counts only the window', () => {
    const records = questionRecords()
    const doc = documentOf(records, { from: '2026-11-05T00:00:00.000Z', to: '2026-11-06T23:59:59.000Z' })
    const scan = scanFromAnswers(doc, 'x.json', DEFAULT_LIMITS)
    expect([...scan.streams.values()].reduce((n, s) => n + s.records, 0)).toBe(5)
    expect(scan.buckets.get('data')?.management.requests).toBe(2)
    expect(scan.buckets.get('data')?.data.requests).toBe(0)
  })

  it('a document that is not what the questions answer is refused with its place', () => {
    const doc = documentOf(questionRecords()) as unknown as { answers: Record<string, { rows: unknown[][]; columns: string[] }> }
    const broken = structuredClone(doc)
    broken.answers['s3-days'].rows[0] = ['data']
    expect(() => parseQueryDocument(broken, 'q.json')).toThrow(BadEvidence)
    expect(() => parseQueryDocument(broken, 'q.json')).toThrow(/q\.json.*answers\.s3-days\.rows\[0\].*expected 12 values/)
    const missing = structuredClone(doc)
    delete missing.answers['role-delivery']
    expect(() => parseQueryDocument(missing, 'q.json')).toThrow(/answers\.role-delivery.*missing/)
    const notNumber = structuredClone(doc)
    notNumber.answers.streams.rows[0][3] = 'many'
    expect(() => scanFromAnswers(parseQueryDocument(notNumber, 'q.json'), 'q.json', DEFAULT_LIMITS)).toThrow(/answers\.streams\.rows\[0\].*n is not a whole number/)
  })

  it('renders each question for CloudTrail Lake (maps, timestamp) and Athena (JSON strings, partition projection)', () => {
    const s3 = QUESTIONS.find((q) => q.name === 's3-days')!
    const lake = renderQuestion(s3, lakeDialect('eds-1'), { from: '2026-09-01T00:00:00Z', to: '2026-11-30T12:00:00Z' })
    expect(lake).toContain("element_at(requestParameters, 'bucketName')")
    expect(lake).toContain("element_at(additionalEventData, 'CipherSuite')")
    expect(lake).toContain('tlsDetails.tlsVersion')
    expect(lake).toContain('element_at(resources, 1).arn')
    expect(lake).toContain("FROM eds-1\nWHERE eventTime >= '2026-09-01 00:00:00' AND eventTime <= '2026-11-30 12:00:00'")
    const athena = renderQuestion(s3, athenaDialect('db.cloudtrail_logs'), { from: '2026-09-01T00:00:00Z', to: '2026-11-30T12:00:00Z' })
    expect(athena).toContain("json_extract_scalar(requestparameters, '$.bucketName')")
    const principals = renderQuestion(QUESTIONS.find((q) => q.name === 's3-principals')!, athenaDialect('db.cloudtrail_logs'), {
      from: '2026-09-01T00:00:00Z',
      to: '2026-11-30T12:00:00Z'
    })
    expect(principals).toContain('useridentity.sessioncontext.sessionissuer.arn')
    expect(athena).toContain(`"timestamp" >= '2026/09/01' AND "timestamp" <= '2026/11/30' AND eventtime >= '2026-09-01T00:00:00Z'`)
    expect(athena).toContain('from_iso8601_timestamp(eventtime)')
  })
})
