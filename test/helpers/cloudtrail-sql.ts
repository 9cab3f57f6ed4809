// The tests' query engine: the questions of main/evidence/cloudtrail-questions.ts rendered for
// SQLite and run over CloudTrail records, answering rows the way CloudTrail Lake and Athena do.
import Database from 'better-sqlite3-multiple-ciphers'
import { QUESTIONS, type QuestionName, renderQuestion, resultColumns, sqliteDialect } from '../../main/evidence/cloudtrail-questions'
import type { CloudTrailScan } from '../../main/evidence/cloudtrail-scan'
import { managementEvent, s3DataEvent, sample } from '../fixtures/evidence/bundle-builder'

export type Rows = Record<QuestionName, { sql: string; columns: string[]; rows: Array<Array<string | null>> }>

/** Run every question over `records` within `window`: the rows, as strings (as engines return them). */
export function answerWithSqlite(records: readonly unknown[], window: { from: string; to: string }): Rows {
  const db = new Database(':memory:')
  try {
    db.function('regexp_like', { deterministic: true }, (s: unknown, re: unknown) => (s === null ? null : new RegExp(String(re)).test(String(s)) ? 1 : 0))
    db.function('regexp_extract', { deterministic: true }, (s: unknown, re: unknown, g: unknown) =>
      s === null ? null : (new RegExp(String(re)).exec(String(s))?.[Number(g)] ?? null)
    )
    db.exec('CREATE TABLE events (e TEXT NOT NULL)')
    const ins = db.prepare('INSERT INTO events (e) VALUES (?)')
    for (const r of records) ins.run(JSON.stringify(r))
    const out = {} as Rows
    for (const q of QUESTIONS) {
      const sql = renderQuestion(q, sqliteDialect(), window)
      const columns = resultColumns(q)
      const rows = (db.prepare(sql).raw().all() as unknown[][]).map((row) => row.map((v) => (v === null ? null : String(v))))
      out[q.name] = { sql, columns, rows }
    }
    return out
  } finally {
    db.close()
  }
}

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
export function factsOf(s: CloudTrailScan): unknown {
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
