// What a CloudTrail Lake or Athena query run brings back (a bundle's cloudtrail-query/*.json): the
// grouped rows of each question of cloudtrail-questions.ts, with the store they were asked of. They
// fold into the CloudTrailScan a file scan yields, so the facts, coverage and evidence records made
// from them are made by the same code (analyze.ts cloudTrail) whichever producer ran.
import { z } from 'zod'
import { countRequest, emptyActivity, mergeActivity } from '../semantics/activity'
import { BadEvidence } from '../semantics/bad-evidence'
import type { EvidenceLimits } from '../semantics/limits'
import { maxTime, minTime } from '../semantics/time'
import { type BucketTrailActivity, type CloudTrailScan, emptyBucketActivity, emptyScan, type StreamCoverage } from './cloudtrail-scan'
import { QUESTIONS, type QuestionName, resultColumns } from './cloudtrail-questions'

const cell = z.union([z.string(), z.null()])

const answerSchema = z.object({
  /** the engine's id of the query (CloudTrail Lake QueryId, Athena QueryExecutionId) */
  queryId: z.string(),
  sql: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(cell))
})

export const queryDocumentSchema = z
  .object({
    format: z.literal('lastmile.cloudtrail-query'),
    version: z.literal(1),
    engine: z.enum(['cloudtrail-lake', 'athena']),
    /** the event data store (GetEventDataStore) or the Athena table, as named by the user */
    store: z.record(z.string(), z.unknown()),
    window: z.object({ from: z.string(), to: z.string() }),
    answers: z.record(z.string(), answerSchema)
  })
  .passthrough()
export type QueryDocument = z.infer<typeof queryDocumentSchema>
export type QueryAnswer = z.infer<typeof answerSchema>

/** A short name of where the answers came from, for coverage notes and the collect summary. */
export function storeLabel(doc: Pick<QueryDocument, 'engine' | 'store'>): string {
  const s = doc.store
  if (doc.engine === 'cloudtrail-lake') return `CloudTrail Lake event data store ${String(s.EventDataStoreArn ?? s.Name ?? 'unknown')}`
  return `Athena table ${String(s.database ?? '?')}.${String(s.table ?? '?')} (workgroup ${String(s.workgroup ?? 'primary')})`
}

/** Read and check a cloudtrail-query document; a bad one is a BadEvidence naming the place. */
export function parseQueryDocument(value: unknown, file: string): QueryDocument {
  const r = queryDocumentSchema.safeParse(value)
  if (!r.success) {
    const i = r.error.issues[0]
    throw new BadEvidence(file, i.path.join('.'), `not a Lastmile CloudTrail query result: ${i.message}`)
  }
  for (const q of QUESTIONS) {
    const a = r.data.answers[q.name]
    if (!a) throw new BadEvidence(file, `answers.${q.name}`, 'the answer to this question is missing')
    const want = resultColumns(q)
    if (a.columns.join(',') !== want.join(',')) throw new BadEvidence(file, `answers.${q.name}.columns`, `expected the columns ${want.join(', ')}`)
    a.rows.forEach((row, i) => {
      if (row.length !== want.length) throw new BadEvidence(file, `answers.${q.name}.rows[${i}]`, `expected ${want.length} values, found ${row.length}`)
    })
  }
  return r.data
}

/** Rows of one answer as records keyed by column, with numbers checked. */
function rowsOf(doc: QueryDocument, name: QuestionName, file: string): Array<Record<string, string | null> & { at: string }> {
  const a = doc.answers[name]
  return a.rows.map((row, i) => {
    const rec: Record<string, string | null> & { at: string } = { at: `answers.${name}.rows[${i}]` }
    a.columns.forEach((c, j) => (rec[c] = row[j] === '' ? null : row[j]))
    for (const c of ['n', 'first_time', 'last_time', 'hour', 'day']) {
      const v = rec[c]
      if (v !== undefined && v !== null && !/^-?\d+(\.0+)?$/.test(v)) throw new BadEvidence(file, rec.at, `${c} is not a whole number: ${v}`)
    }
    return rec
  })
}

const num = (v: string | null | undefined): number | null => (v === null || v === undefined ? null : Math.trunc(Number(v)))
const int = (v: string | null | undefined): number => num(v) ?? 0
const flagOf = (v: string | null | undefined): boolean | null => (v === null || v === undefined ? null : Number(v) !== 0)

/**
 * The CloudTrailScan a file scan of the same records yields: streams (coverage), S3 activity per
 * bucket, IMDS role deliveries. `file` (the bundle path of the document) is the evidence of every
 * fact and the one "file" of the scan. Management events' timeline entries, creators and trail
 * changes are not among the questions (Event history, collected alongside, has them).
 */
export function scanFromAnswers(doc: QueryDocument, file: string, limits: EvidenceLimits): CloudTrailScan {
  const scan = emptyScan('aws.cloudtrail', limits)
  scan.paths.push(file)
  const FILE = 0
  let records = 0
  let first: number | null = null
  let last: number | null = null
  for (const r of rowsOf(doc, 'streams', file)) {
    const account = r.account ?? 'unknown'
    const region = r.region ?? 'unknown'
    const key = `${account}/${region}`
    let s: StreamCoverage | undefined = scan.streams.get(key)
    if (!s) scan.streams.set(key, (s = { account, region, records: 0, first: null, last: null, hours: new Set(), files: new Set([FILE]) }))
    const n = int(r.n)
    s.records += n
    s.first = minTime(s.first, num(r.first_time))
    s.last = maxTime(s.last, num(r.last_time))
    s.hours.add(int(r.hour))
    records += n
    first = minTime(first, num(r.first_time))
    last = maxTime(last, num(r.last_time))
  }
  scan.files.push({ file, records, first, last, problem: null })

  const bucketOf = (name: string): BucketTrailActivity => {
    let b = scan.buckets.get(name)
    if (!b) {
      scan.buckets.set(name, (b = emptyBucketActivity(name)))
      b.files.add(FILE)
    }
    return b
  }
  for (const r of rowsOf(doc, 's3-days', file)) {
    if (!r.bucket) throw new BadEvidence(file, r.at, 'a row without a bucket')
    const b = bucketOf(r.bucket)
    b.regions.add(r.region ?? 'unknown')
    b.accounts.add(r.account ?? 'unknown')
    const n = int(r.n)
    const lastT = num(r.last_time)
    const read = flagOf(r.read)
    const data = flagOf(r.data) === true
    // n requests alike: counted as one request of each kind, then scaled (principals come from s3-principals)
    const one = emptyActivity()
    countRequest(one, lastT ?? NaN, read, flagOf(r.error) === true, null, limits.maxPrincipals)
    const weighted = {
      ...one,
      requests: n,
      reads: one.reads * n,
      writes: one.writes * n,
      errors: one.errors * n,
      first: num(r.first_time)
    }
    mergeActivity(data ? b.data : b.management, weighted, limits.maxPrincipals)
    if (!data) continue
    const day = int(r.day)
    let dc = b.byDay.get(day)
    if (!dc) b.byDay.set(day, (dc = { requests: 0, reads: 0, writes: 0, nonTls: 0, anonymous: 0 }))
    dc.requests += n
    if (read === true) dc.reads += n
    else if (read === false) dc.writes += n
    if (flagOf(r.nontls) === true) {
      b.nonTlsInferred += n
      dc.nonTls += n
      b.nonTlsLast = maxTime(b.nonTlsLast, lastT)
    }
    if (flagOf(r.anonymous) === true) {
      b.anonymous += n
      dc.anonymous += n
      b.anonymousLast = maxTime(b.anonymousLast, lastT)
    }
  }
  // Principals in the order they were first seen, as a scan of the records in time order lists them.
  const principals = rowsOf(doc, 's3-principals', file).sort((x, y) => int(x.first_time) - int(y.first_time) || String(x.principal).localeCompare(String(y.principal)))
  for (const r of principals) {
    if (!r.bucket || r.principal === null) throw new BadEvidence(file, r.at, 'a row without a bucket or principal')
    const b = bucketOf(r.bucket)
    mergeActivity(flagOf(r.data) === true ? b.data : b.management, { ...emptyActivity(), principals: [r.principal] }, limits.maxPrincipals)
  }

  for (const r of rowsOf(doc, 'role-delivery', file)) {
    if (!r.instance) throw new BadEvidence(file, r.at, 'a row without an instance')
    const account = r.account ?? 'unknown'
    const region = r.region ?? 'unknown'
    const key = `${account}/${region}/${r.instance}`
    let rd = scan.roleDelivery.get(key)
    if (!rd) scan.roleDelivery.set(key, (rd = { instanceId: r.instance, account, region, roles: new Set(), v1: 0, v2: 0, v1Last: null, v2Last: null, files: new Set([FILE]) }))
    if (r.role) rd.roles.add(r.role)
    const n = int(r.n)
    if (flagOf(r.v1) === true) {
      rd.v1 += n
      rd.v1Last = maxTime(rd.v1Last, num(r.last_time))
    } else {
      rd.v2 += n
      rd.v2Last = maxTime(rd.v2Last, num(r.last_time))
    }
  }
  return scan
}
