import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ctFile, gz, writeBundle } from '../../test/fixtures/evidence/bundle-builder'
import { readBundle } from '../semantics/bundle'
import { analyzeBundle } from './analyze'
import { answerWithSqlite, factsOf as facts, questionRecords } from '../../test/helpers/cloudtrail-sql'
import { BadEvidence } from '../semantics/bad-evidence'
import { DEFAULT_LIMITS } from '../semantics/limits'
import { parseQueryDocument, type QueryDocument, scanFromAnswers } from './cloudtrail-answers'
import { scanCloudTrailFiles } from './cloudtrail-pool'
import { athenaDialect, lakeDialect, QUESTIONS, renderQuestion } from './cloudtrail-questions'

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
    // The callers of Lambda functions, SQS queues, SNS topics and KMS keys (activity.aws.cloudtrail.calls)
    // are read from log files only: no question asks them, and the resource-policy steps say so
    // (main/controls/resource-policy.ts) rather than read their absence as "nobody"
    const factsOf = (a: typeof files) =>
      a.facts
        .filter((f) => f.facet !== 'activity.aws.cloudtrail.calls')
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
