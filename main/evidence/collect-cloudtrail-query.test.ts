// `evidence collect --cloudtrail-source lake:…|athena:…` through aws-sdk-client-mock: the engines
// answer in the shapes of their APIs (CloudTrail Lake GetQueryResults rows of one-key objects, paged;
// Athena rows with a header row, paged), and what they answer is what SQLite answers to the same
// SQL over the records the file tests scan — so the facts from the query path can be held equal to
// the facts from the log files.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand as AthenaGetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena'
import { CloudFrontClient } from '@aws-sdk/client-cloudfront'
import {
  CloudTrailClient,
  DescribeQueryCommand,
  DescribeTrailsCommand,
  GetEventDataStoreCommand,
  GetQueryResultsCommand,
  ListEventDataStoresCommand,
  LookupEventsCommand,
  StartQueryCommand
} from '@aws-sdk/client-cloudtrail'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { EC2Client } from '@aws-sdk/client-ec2'
import { ECRClient } from '@aws-sdk/client-ecr'
import { ECSClient } from '@aws-sdk/client-ecs'
import { EKSClient } from '@aws-sdk/client-eks'
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { IAMClient } from '@aws-sdk/client-iam'
import { KMSClient } from '@aws-sdk/client-kms'
import { LambdaClient } from '@aws-sdk/client-lambda'
import { OpenSearchClient } from '@aws-sdk/client-opensearch'
import { RDSClient } from '@aws-sdk/client-rds'
import { S3Client } from '@aws-sdk/client-s3'
import { S3ControlClient } from '@aws-sdk/client-s3-control'
import { SNSClient } from '@aws-sdk/client-sns'
import { SQSClient } from '@aws-sdk/client-sqs'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { mockClient } from 'aws-sdk-client-mock'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { ACCOUNT, ctFile, gz } from '../../test/fixtures/evidence/bundle-builder'
import { cli } from '../../test/helpers/cli'
import { answerWithSqlite, factsOf, questionRecords, type Rows } from '../../test/helpers/cloudtrail-sql'
import { createCaseDb } from '../db/case-db'
import { getCoverage } from '../case/coverage-query'
import { getFacts } from '../case/facts'
import { CaseEvidence } from '../investigate/evidence-view'
import { DEFAULT_LIMITS } from '../semantics/limits'
import { parseQueryDocument, scanFromAnswers } from './cloudtrail-answers'
import { scanCloudTrailFiles } from './cloudtrail-pool'
import type { QuestionName } from './cloudtrail-questions'
import { awsClients } from './clients'
import { runCancellable } from './collect'
import { collectAws } from './collect-aws'
import { askAthena, askLake, parseCloudTrailSource } from './collect-cloudtrail-query'
import { addEvidenceBundle } from './service'

const NOW = new Date('2026-11-20T00:00:00Z')
const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }
const EDS = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:eventdatastore/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab`
const STORE = {
  EventDataStoreArn: EDS,
  Name: 'org-events',
  Status: 'ENABLED' as const,
  MultiRegionEnabled: true,
  OrganizationEnabled: true,
  RetentionPeriod: 2557,
  CreatedTimestamp: new Date('2024-01-10T00:00:00Z'),
  UpdatedTimestamp: new Date('2025-01-01T00:00:00Z'),
  AdvancedEventSelectors: [
    { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
    {
      Name: 'S3 data events',
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: ['AWS::S3::Object'] }
      ]
    }
  ]
}

const ct = mockClient(CloudTrailClient)
const athena = mockClient(AthenaClient)
const sts = mockClient(STSClient)
// every other service refuses: its parts are gaps, which these tests do not look at
const denied = [
  EC2Client,
  S3Client,
  S3ControlClient,
  IAMClient,
  CloudWatchClient,
  ECSClient,
  EKSClient,
  ECRClient,
  CloudFrontClient,
  ElasticLoadBalancingV2Client,
  RDSClient,
  ElasticLoadBalancingClient,
  LambdaClient,
  SQSClient,
  SNSClient,
  KMSClient,
  OpenSearchClient,
  AutoScalingClient,
  CloudWatchLogsClient
].map((c) => mockClient(c as never) as unknown as { onAnyCommand(): { rejects(e: Error): void }; reset(): void; restore(): void })
const all = [ct, athena, sts, ...denied] as unknown as Array<{ reset(): void; restore(): void }>
afterEach(() => all.forEach((m) => m.reset()))
afterAll(() => all.forEach((m) => m.restore()))

function denyOthers(): void {
  for (const m of denied) m.onAnyCommand().rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }))
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Audit/me`, UserId: 'AROA:me' })
  ct.on(DescribeTrailsCommand).resolves({ trailList: [] })
  ct.on(LookupEventsCommand).resolves({ Events: [] })
}

/** Which question a statement asks, by its columns. */
function questionOf(sql: string): QuestionName {
  return sql.includes('AS "instance"') ? 'role-delivery' : sql.includes('AS "principal"') ? 's3-principals' : sql.includes('AS "bucket"') ? 's3-days' : 'streams'
}

/** CloudTrail Lake answering `rows` (SQLite's answers), `pageSize` rows a page, each row a list of one-key objects (a NULL cell left out). */
function lakeAnswers(rows: Rows, pageSize: number, status: (q: QuestionName, polls: number) => string = (_q, n) => (n === 0 ? 'RUNNING' : 'FINISHED')): void {
  const polls = new Map<string, number>()
  ct.on(GetEventDataStoreCommand).resolves(STORE)
  ct.on(StartQueryCommand).callsFake(async (input: { QueryStatement: string }) => ({ QueryId: `lake-${questionOf(input.QueryStatement)}` }))
  ct.on(DescribeQueryCommand).callsFake(async (input: { QueryId: string }) => {
    const q = input.QueryId.slice('lake-'.length) as QuestionName
    const n = polls.get(q) ?? 0
    polls.set(q, n + 1)
    const s = status(q, n)
    return { QueryId: input.QueryId, QueryStatus: s, ...(s === 'FAILED' ? { ErrorMessage: 'Query failed:\n  line 3: column "tlsdetails" cannot be resolved' } : {}) }
  })
  ct.on(GetQueryResultsCommand).callsFake(async (input: { QueryId: string; NextToken?: string }) => {
    const a = rows[input.QueryId.slice('lake-'.length) as QuestionName]
    const start = input.NextToken ? Number(input.NextToken) : 0
    const page = a.rows.slice(start, start + pageSize).map((row) => row.flatMap((v, j) => (v === null ? [] : [{ [a.columns[j]]: v }])))
    return { QueryStatus: 'FINISHED', QueryResultRows: page, ...(start + pageSize < a.rows.length ? { NextToken: String(start + pageSize) } : {}) }
  })
}

const ask = (window: { from: string; to: string }) => ({ window, progress: () => undefined, sleep: async () => undefined })
const WINDOW = { from: '2025-03-01T00:00:00.000Z', to: '2026-11-19T00:00:00.000Z' }

async function fileScan(records: unknown[]) {
  const dir = mkdtempSync(join(tmpdir(), 'lm-lake-files-'))
  writeFileSync(join(dir, 'a.json.gz'), gz(ctFile(records)))
  return scanCloudTrailFiles([{ abs: join(dir, 'a.json.gz'), file: 'aws/x/cloudtrail/a.json.gz' }], { source: 'aws.cloudtrail', limits: DEFAULT_LIMITS, threads: 0 })
}

describe('CloudTrail Lake', () => {
  it('asks each question, polls until FINISHED, reads every page, and the answers give the facts the log files give', async () => {
    const records = questionRecords()
    const rows = answerWithSqlite(records, WINDOW)
    lakeAnswers(rows, 2)
    const doc = await askLake((r) => awsClients({ credentials: creds, region: r }).cloudTrail(r), 'us-east-1', EDS, ask(WINDOW))
    // the store's Region, from its ARN
    expect(await (ct.commandCalls(GetEventDataStoreCommand)[0].thisValue as CloudTrailClient).config.region()).toBe('eu-west-1')
    // the SQL asks the store by its id, over the window
    const sql = ct.commandCalls(StartQueryCommand).map((c) => c.args[0].input.QueryStatement ?? '')
    expect(sql).toHaveLength(4)
    for (const s of sql) expect(s).toMatch(/\nFROM 0f1e2d3c-aaaa-bbbb-cccc-0123456789ab\nWHERE eventTime >= '2025-03-01 00:00:00' AND eventTime <= '2026-11-19 00:00:00'/)
    expect(ct.commandCalls(DescribeQueryCommand)).toHaveLength(8)
    const pages = ct.commandCalls(GetQueryResultsCommand).length
    expect(pages).toBe(Object.values(rows).reduce((n, a) => n + Math.max(1, Math.ceil(a.rows.length / 2)), 0))
    expect(pages).toBeGreaterThan(8)
    const parsed = parseQueryDocument(JSON.parse(JSON.stringify(doc)), 'lake.json')
    expect(parsed.store).toMatchObject({ EventDataStoreArn: EDS, RetentionPeriod: 2557, CreatedTimestamp: '2024-01-10T00:00:00.000Z' })
    expect(factsOf(scanFromAnswers(parsed, 'lake.json', DEFAULT_LIMITS))).toEqual(factsOf(await fileScan(records)))
  })

  it('a failed, cancelled or timed-out query is one line and nothing is written', async () => {
    for (const [state, message] of [
      ['FAILED', /^CloudTrail Lake query s3-days lake-s3-days FAILED: Query failed: line 3: column "tlsdetails" cannot be resolved; no bundle was written$/],
      ['CANCELLED', /^CloudTrail Lake query s3-days lake-s3-days CANCELLED; no bundle was written$/]
    ] as const) {
      ct.reset()
      denyOthers()
      lakeAnswers(answerWithSqlite(questionRecords(), WINDOW), 50, (q) => (q === 's3-days' ? state : 'FINISHED'))
      const out = join(mkdtempSync(join(tmpdir(), 'lm-lake-fail-')), 'bundle')
      const run = runCancellable(out, undefined, undefined, (progress) =>
        collectAws({
          out,
          clients: awsClients({ credentials: creds }),
          regions: ['us-east-1'],
          days: 30,
          now: NOW,
          cloudTrailSource: { kind: 'lake', eventDataStore: EDS },
          sleep: async () => undefined,
          onProgress: progress
        })
      )
      await expect(run).rejects.toThrow(message)
      expect(existsSync(out)).toBe(false)
      // the questions after the failed one were not asked
      expect(ct.commandCalls(StartQueryCommand).map((c) => questionOf(c.args[0].input.QueryStatement ?? ''))).toEqual(['streams', 's3-days'])
    }
    ct.reset()
    lakeAnswers(answerWithSqlite(questionRecords(), WINDOW), 50, () => 'RUNNING')
    await expect(askLake((r) => awsClients({ credentials: creds, region: r }).cloudTrail(r), 'us-east-1', EDS, { ...ask(WINDOW), maxWaitMs: 3000 })).rejects.toThrow(
      /^CloudTrail Lake query streams lake-streams still RUNNING after 0 minutes; no bundle was written$/
    )
    ct.reset()
    ct.on(GetEventDataStoreCommand).rejects(Object.assign(new Error('User is not authorized to perform: cloudtrail:GetEventDataStore'), { name: 'AccessDeniedException' }))
    await expect(askLake((r) => awsClients({ credentials: creds, region: r }).cloudTrail(r), 'us-east-1', EDS, ask(WINDOW))).rejects.toThrow(
      `CloudTrail Lake GetEventDataStore ${EDS}: AccessDeniedException: User is not authorized to perform: cloudtrail:GetEventDataStore; no bundle was written`
    )
  })

  it('"lake" alone takes the profile\'s only enabled store, and names them all when there are several', async () => {
    lakeAnswers(answerWithSqlite([], WINDOW), 10)
    ct.on(ListEventDataStoresCommand)
      .resolvesOnce({ EventDataStores: [{ EventDataStoreArn: EDS, Status: 'ENABLED' }], NextToken: 't' })
      .resolvesOnce({ EventDataStores: [{ EventDataStoreArn: EDS.replace('0f1e', 'dead'), Status: 'PENDING_DELETION' }] })
    const doc = await askLake((r) => awsClients({ credentials: creds, region: r }).cloudTrail(r), 'us-east-1', null, ask(WINDOW))
    expect(doc.store.EventDataStoreArn).toBe(EDS)
    ct.on(ListEventDataStoresCommand).resolves({ EventDataStores: [{ EventDataStoreArn: EDS }, { EventDataStoreArn: EDS.replace('0f1e', 'beef') }] })
    await expect(askLake((r) => awsClients({ credentials: creds, region: r }).cloudTrail(r), 'us-east-1', null, ask(WINDOW))).rejects.toThrow(
      /^--cloudtrail-source lake: name the event data store \(lake:ARN\); this profile sees arn:.*0f1e2d3c.*, arn:.*beef2d3c/
    )
  })

  it("collect writes the answers instead of the log files; the case gets the facts, coverage from the store's actual range, and the store as what records S3 data events", async () => {
    denyOthers()
    // the window of a 30-day collection: the records of the last days
    const records = questionRecords()
      .filter((r) => (r as { eventTime?: string }).eventTime?.startsWith('2026-11'))
      .map((r) => ({ ...(r as object), recipientAccountId: ACCOUNT }))
    const window = { from: '2026-10-21T00:00:00.000Z', to: NOW.toISOString() }
    lakeAnswers(answerWithSqlite(records, window), 3)
    const dir = mkdtempSync(join(tmpdir(), 'lm-lake-collect-'))
    const out = join(dir, 'bundle')
    const r = await collectAws({
      out,
      clients: awsClients({ credentials: creds }),
      regions: ['us-east-1'],
      days: 30,
      now: NOW,
      operator: 'tester',
      cloudTrailSource: { kind: 'lake', eventDataStore: EDS },
      sleep: async () => undefined
    })
    expect(r.cloudTrail).toMatch(
      /^CloudTrail from CloudTrail Lake event data store arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore\/0f1e2d3c-.* \(\d+ grouped rows, no log file downloaded\)$/
    )
    expect(r.manifest.collector).toMatchObject({ tool: 'lastmile', cloudTrailSource: `lake:${EDS}` })
    expect(r.manifest.files.map((f) => f.path).filter((p) => /cloudtrail(-query)?\//.test(p))).toEqual([`aws/${ACCOUNT}/cloudtrail-query/lake.json`])
    const trails = JSON.parse(readFileSync(join(out, `aws/${ACCOUNT}/trails.json`), 'utf8')) as { trails: Array<Record<string, unknown>> }
    expect(trails.trails).toEqual([
      expect.objectContaining({ TrailARN: EDS, EventDataStore: true, IsOrganizationTrail: true, status: { IsLogging: true, StartLoggingTime: '2025-01-01T00:00:00.000Z' } })
    ])
    const c = createCaseDb(join(dir, 'c.lmcase'), 'correct horse battery', { now: NOW.toISOString() })
    try {
      const added = await addEvidenceBundle(c, out, { actor: { kind: 'engine', name: 'test' }, threads: 0 })
      expect(added.unreadable).toEqual([])
      // the stream's range is the one the store actually holds for the account and Region
      const times = records
        .map((x) => x as unknown as { eventTime?: string; awsRegion?: string })
        .filter((x) => x.awsRegion === 'us-east-1' && x.eventTime)
        .map((x) => Date.parse(x.eventTime!))
        .sort((a, b) => a - b)
      const cov = getCoverage(c.db, 'aws.cloudtrail.s3-data', 'arn:aws:s3:::data')
      // the store's selectors record every S3 object event, since its last update
      expect(cov.recording).toMatchObject({ recorded: 'all', since: '2025-01-01T00:00:00Z' })
      expect(cov.notes.join(' ')).toMatch(
        /from CloudTrail Lake event data store .*0f1e2d3c.* \(multi-Region, organization, keeps 2557 days\): the counts of queries streams lake-streams/
      )
      const stream = getCoverage(c.db, 'aws.cloudtrail', `aws-stream:${ACCOUNT}:us-east-1`)
      expect(stream.records).toBeGreaterThan(0)
      expect([Date.parse(stream.first!), Date.parse(stream.last!)]).toEqual([times[0], times[times.length - 1]])
      expect(stream.records).toBe(times.length)
      expect(stream.evidence).toHaveLength(1)
      const f = getFacts(c.db, 'arn:aws:s3:::data')
      expect(f.s3?.cloudTrailData).toMatchObject({ nonTlsInferred: 2, anonymous: 1 })
      // A step looking for single events (a snapshot shared, a key's calls) finds none in counts: for
      // this account and any other of the organisation the store may hold, that is unknown, not "none".
      const view = new CaseEvidence(c.db)
      for (const account of [ACCOUNT, '444455556666']) {
        const idx = view.cloudTrail(account)
        expect(idx.records).toEqual([])
        expect(idx.unreadable).toEqual([
          expect.objectContaining({ path: `aws/${ACCOUNT}/cloudtrail-query/lake.json`, why: expect.stringMatching(/counts, not the single events/) })
        ])
      }
    } finally {
      c.close()
    }
  })
})

describe('Athena', () => {
  /** Athena answering `rows`: a header row first, `pageSize` rows a page, a NULL cell without VarCharValue. */
  function athenaAnswers(rows: Rows, pageSize: number, failOn?: QuestionName): void {
    athena.on(StartQueryExecutionCommand).callsFake(async (input: { QueryString: string }) => ({ QueryExecutionId: `ath-${questionOf(input.QueryString)}` }))
    athena.on(GetQueryExecutionCommand).callsFake(async (input: { QueryExecutionId: string }) => {
      const q = input.QueryExecutionId.slice('ath-'.length)
      return {
        QueryExecution: {
          Status:
            q === failOn
              ? { State: 'FAILED', StateChangeReason: 'TABLE_NOT_FOUND: line 2:6: Table awsdatacatalog.security.cloudtrail_logs does not exist' }
              : { State: 'SUCCEEDED' }
        }
      }
    })
    athena.on(AthenaGetQueryResultsCommand).callsFake(async (input: { QueryExecutionId: string; NextToken?: string }) => {
      const a = rows[input.QueryExecutionId.slice('ath-'.length) as QuestionName]
      const all = [a.columns, ...a.rows]
      const start = input.NextToken ? Number(input.NextToken) : 0
      return {
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: a.columns.map((Name) => ({ Name, Type: 'varchar' })) },
          Rows: all.slice(start, start + pageSize).map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) }))
        },
        ...(start + pageSize < all.length ? { NextToken: String(start + pageSize) } : {})
      }
    })
  }

  it('runs each question in the named workgroup and database, skips the header row, reads every page: the same facts as the log files', async () => {
    const records = questionRecords()
    athenaAnswers(answerWithSqlite(records, WINDOW), 3)
    const source = parseCloudTrailSource('athena:security.cloudtrail_logs', { workgroup: 'audit', outputLocation: 's3://athena-results-111122223333/lastmile/' })
    if (source.kind !== 'athena') throw new Error('athena')
    const doc = await askAthena(awsClients({ credentials: creds }).athena('us-east-1'), source, ask(WINDOW))
    const starts = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)
    expect(starts).toHaveLength(4)
    for (const s of starts) {
      expect(s).toMatchObject({
        WorkGroup: 'audit',
        QueryExecutionContext: { Database: 'security' },
        ResultConfiguration: { OutputLocation: 's3://athena-results-111122223333/lastmile/' }
      })
      expect(s.QueryString).toContain('FROM security.cloudtrail_logs')
    }
    expect(doc.store).toEqual({ database: 'security', table: 'cloudtrail_logs', workgroup: 'audit', outputLocation: 's3://athena-results-111122223333/lastmile/' })
    const parsed = parseQueryDocument(JSON.parse(JSON.stringify(doc)), 'athena.json')
    expect(factsOf(scanFromAnswers(parsed, 'athena.json', DEFAULT_LIMITS))).toEqual(factsOf(await fileScan(records)))
  })

  it('a failed query is one line naming the query and the reason', async () => {
    athenaAnswers(answerWithSqlite(questionRecords(), WINDOW), 100, 'streams')
    const source = parseCloudTrailSource('athena:security.cloudtrail_logs')
    if (source.kind !== 'athena') throw new Error('athena')
    await expect(askAthena(awsClients({ credentials: creds }).athena('us-east-1'), source, ask(WINDOW))).rejects.toThrow(
      /^Athena query streams ath-streams FAILED: TABLE_NOT_FOUND: line 2:6: Table awsdatacatalog\.security\.cloudtrail_logs does not exist; no bundle was written$/
    )
    expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input).toMatchObject({ WorkGroup: 'primary' })
    expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input.ResultConfiguration).toBeUndefined()
  })
})

describe('--cloudtrail-source', () => {
  it('the command line refuses a bad source in one line with exit 2, before any folder is made', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lm-lake-cli-')), 'bundle')
    for (const [args, message] of [
      [['--cloudtrail-source', 's3'], /^lastmile evidence collect: --cloudtrail-source s3: files, lake:EVENT-DATA-STORE-ARN or athena:DATABASE.TABLE$/],
      [['--provider', 'azure', '--cloudtrail-source', 'lake'], /^lastmile evidence collect: --cloudtrail-source, --athena-workgroup and --athena-output are for --provider aws$/],
      [['--cloudtrail-source', 'lake', '--athena-output', 's3://b/'], /--athena-workgroup and --athena-output go with --cloudtrail-source athena:DATABASE.TABLE$/]
    ] as const) {
      // investigate --profile gathers with the same flags, refused the same way before anything is read
      if (args[0] === '--cloudtrail-source') {
        const inv = await cli(['investigate', join(out, 'missing.lmcase'), '--profile', 'audit', ...args], {})
        expect(inv.code).toBe(2)
        expect(inv.stderr).toMatch(/--cloudtrail-source s3: files, lake:EVENT-DATA-STORE-ARN or athena:DATABASE.TABLE|--athena-workgroup and --athena-output go with/)
      }
      const r = await cli(['evidence', 'collect', '--out', out, ...args], {})
      expect(r.code).toBe(2)
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)])
      expect(existsSync(out)).toBe(false)
    }
  })

  it('a collection cancelled while a query runs keeps nothing', async () => {
    denyOthers()
    const signal = { aborted: false }
    lakeAnswers(answerWithSqlite(questionRecords(), WINDOW), 50, (q, n) => {
      if (q === 's3-days') signal.aborted = true
      return n === 0 ? 'RUNNING' : 'FINISHED'
    })
    const out = join(mkdtempSync(join(tmpdir(), 'lm-lake-cancel-')), 'bundle')
    const r = await runCancellable(out, signal, undefined, (progress) =>
      collectAws({
        out,
        clients: awsClients({ credentials: creds }),
        regions: ['us-east-1'],
        days: 30,
        now: NOW,
        cloudTrailSource: { kind: 'lake', eventDataStore: EDS },
        sleep: async () => undefined,
        onProgress: progress
      })
    )
    expect(r).toEqual({ out, files: 0, gaps: 0, cancelled: true })
    expect(existsSync(out)).toBe(false)
    expect(ct.commandCalls(StartQueryCommand)).toHaveLength(2)
  })

  it('files by default; lake[:ARN|id]; athena:DB.TABLE with its own flags; anything else one line naming the flag', () => {
    expect(parseCloudTrailSource(undefined)).toEqual({ kind: 'files' })
    expect(parseCloudTrailSource(`lake:${EDS}`)).toEqual({ kind: 'lake', eventDataStore: EDS })
    expect(parseCloudTrailSource('lake')).toEqual({ kind: 'lake', eventDataStore: null })
    expect(() => parseCloudTrailSource("lake:x' OR 1=1")).toThrow(/^--cloudtrail-source lake:x' OR 1=1: not an event data store ARN/)
    expect(() => parseCloudTrailSource('athena:db.t; DROP TABLE x')).toThrow(/^--cloudtrail-source athena:db.t; DROP TABLE x: athena:DATABASE.TABLE/)
    expect(() => parseCloudTrailSource('athena:db.t', { outputLocation: 'https://x' })).toThrow(/^--athena-output https:\/\/x: an S3 URI/)
    expect(() => parseCloudTrailSource('lake', { workgroup: 'w' })).toThrow(/^--athena-workgroup and --athena-output go with --cloudtrail-source athena:DATABASE.TABLE$/)
    expect(() => parseCloudTrailSource('s3')).toThrow(/^--cloudtrail-source s3: files, lake:EVENT-DATA-STORE-ARN or athena:DATABASE.TABLE$/)
  })
})
