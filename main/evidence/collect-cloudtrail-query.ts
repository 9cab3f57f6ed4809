// `evidence collect --cloudtrail-source lake:…|athena:…`: an organisation's 90 days of CloudTrail
// can be terabytes, so instead of copying the log files the questions of cloudtrail-questions.ts are
// asked where the events already are — a CloudTrail Lake event data store (StartQuery) or an Athena
// table over the trail's S3 location (StartQueryExecution) — and only their grouped rows come back,
// as one cloudtrail-query/*.json the bundle carries. A query that fails, is cancelled or times out
// stops the collection with one line: the bundle is not written half-answered.
import { type AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand as AthenaGetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena'
import {
  type CloudTrailClient,
  DescribeQueryCommand,
  type EventDataStore,
  GetEventDataStoreCommand,
  GetQueryResultsCommand,
  ListEventDataStoresCommand,
  StartQueryCommand
} from '@aws-sdk/client-cloudtrail'
import { LastmileError } from '../errors'
import type { QueryDocument } from './cloudtrail-answers'
import { athenaDialect, type Dialect, lakeDialect, type Question, QUESTIONS, renderQuestion, resultColumns } from './cloudtrail-questions'

/** Where `evidence collect` takes CloudTrail from (the --cloudtrail-source flag). */
export type CloudTrailSourceChoice =
  | { kind: 'files' }
  /** an event data store's ARN or id; null: the profile's only one */
  | { kind: 'lake'; eventDataStore: string | null }
  | { kind: 'athena'; database: string; table: string; workgroup: string; outputLocation: string | null }

const EDS_ARN = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):eventdatastore\/([A-Za-z0-9-]{1,64})$/
const EDS_ID = /^[A-Za-z0-9-]{1,64}$/
/** Athena names (Glue: lower case, digits, underscore); nothing else reaches the SQL */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/

/** Parse --cloudtrail-source (and the Athena flags); a bad value is one line naming the flag. */
export function parseCloudTrailSource(text: string | undefined, athena: { workgroup?: string; outputLocation?: string } = {}): CloudTrailSourceChoice {
  const v = text ?? 'files'
  const athenaFlags = (): void => {
    if (athena.workgroup !== undefined || athena.outputLocation !== undefined)
      throw new LastmileError('bad-input', '--athena-workgroup and --athena-output go with --cloudtrail-source athena:DATABASE.TABLE')
  }
  if (v === 'files') {
    athenaFlags()
    return { kind: 'files' }
  }
  if (v === 'lake' || v.startsWith('lake:')) {
    athenaFlags()
    const eds = v === 'lake' ? null : v.slice('lake:'.length)
    if (eds !== null && !EDS_ARN.test(eds) && !EDS_ID.test(eds))
      throw new LastmileError('bad-input', `--cloudtrail-source ${v}: not an event data store ARN (arn:aws:cloudtrail:REGION:ACCOUNT:eventdatastore/ID) or id`)
    return { kind: 'lake', eventDataStore: eds }
  }
  if (v.startsWith('athena:')) {
    const m = /^athena:([^.]+)\.([^.]+)$/.exec(v)
    if (!m || !NAME.test(m[1]) || !NAME.test(m[2])) throw new LastmileError('bad-input', `--cloudtrail-source ${v}: athena:DATABASE.TABLE (letters, digits and _ only)`)
    const workgroup = athena.workgroup ?? 'primary'
    if (!/^[a-zA-Z0-9._-]{1,128}$/.test(workgroup)) throw new LastmileError('bad-input', `--athena-workgroup ${workgroup}: not an Athena workgroup name`)
    const out = athena.outputLocation ?? null
    if (out !== null && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(out))
      throw new LastmileError('bad-input', `--athena-output ${out}: an S3 URI (s3://bucket/prefix/)`)
    return { kind: 'athena', database: m[1], table: m[2], workgroup, outputLocation: out }
  }
  throw new LastmileError('bad-input', `--cloudtrail-source ${v}: files, lake:EVENT-DATA-STORE-ARN or athena:DATABASE.TABLE`)
}

/** How the choice is named in the manifest and the collect summary. */
export function sourceLabel(c: CloudTrailSourceChoice): string {
  return c.kind === 'files' ? 'files' : c.kind === 'lake' ? `lake:${c.eventDataStore ?? 'unknown'}` : `athena:${c.database}.${c.table}`
}

export interface AskOptions {
  window: { from: string; to: string }
  progress: (message: string) => void
  sleep: (ms: number) => Promise<void>
  /** how long one query may run before the collection gives up (default 30 minutes) */
  maxWaitMs?: number
}

const POLL_MS = [500, 1000, 2000, 5000]
const DEFAULT_WAIT = 30 * 60_000

/** Poll `status` until the query is done; the wait grows to 5 s. Throws the one-line failure. */
async function waitFor(what: string, o: AskOptions, status: () => Promise<{ state: string | undefined; reason?: string }>, done: string, failed: readonly string[]): Promise<void> {
  const max = o.maxWaitMs ?? DEFAULT_WAIT
  let waited = 0
  for (let i = 0; ; i++) {
    const s = await status()
    if (s.state === done) return
    if (s.state && failed.includes(s.state)) throw new LastmileError('unavailable', `${what} ${s.state}${s.reason ? `: ${oneLine(s.reason)}` : ''}; no bundle was written`)
    if (waited >= max) throw new LastmileError('unavailable', `${what} still ${s.state ?? 'not started'} after ${Math.round(max / 60_000)} minutes; no bundle was written`)
    const ms = POLL_MS[Math.min(i, POLL_MS.length - 1)]
    o.progress(`${what}: ${s.state ?? 'waiting'}`)
    await o.sleep(ms)
    waited += ms
  }
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim()

function failure(what: string, e: unknown): never {
  if (e instanceof LastmileError) throw e
  const name = (e as { name?: string }).name ?? 'Error'
  const msg = (e as { message?: string }).message ?? String(e)
  throw new LastmileError('unavailable', `${what}: ${name}: ${oneLine(msg)}; no bundle was written`)
}

/** The store to ask: the named one, or the profile's only event data store. */
async function eventDataStore(ct: CloudTrailClient, named: string | null, o: AskOptions): Promise<EventDataStore & { EventDataStoreArn: string }> {
  if (named === null) {
    o.progress('CloudTrail Lake: event data stores (ListEventDataStores)')
    const stores: EventDataStore[] = []
    let token: string | undefined
    try {
      do {
        const r = await ct.send(new ListEventDataStoresCommand({ NextToken: token }))
        stores.push(...(r.EventDataStores ?? []))
        token = r.NextToken
      } while (token)
    } catch (e) {
      failure('CloudTrail Lake ListEventDataStores', e)
    }
    const enabled = stores.filter((s) => s.EventDataStoreArn && (s.Status === undefined || s.Status === 'ENABLED'))
    if (enabled.length !== 1)
      throw new LastmileError(
        'bad-input',
        `--cloudtrail-source lake: name the event data store (lake:ARN); this profile sees ${enabled.length ? enabled.map((s) => s.EventDataStoreArn).join(', ') : 'none that is enabled'}`
      )
    named = enabled[0].EventDataStoreArn!
  }
  o.progress(`CloudTrail Lake: ${named} (GetEventDataStore)`)
  try {
    const r = await ct.send(new GetEventDataStoreCommand({ EventDataStore: named }))
    if (!r.EventDataStoreArn) throw new LastmileError('unavailable', `CloudTrail Lake GetEventDataStore ${named}: no ARN in the answer; no bundle was written`)
    if (r.Status && r.Status !== 'ENABLED') throw new LastmileError('unavailable', `CloudTrail Lake event data store ${named} is ${r.Status}, not ENABLED; no bundle was written`)
    return { ...r, EventDataStoreArn: r.EventDataStoreArn }
  } catch (e) {
    failure(`CloudTrail Lake GetEventDataStore ${named}`, e)
  }
}

/** The JSON form of the store's configuration (dates as ISO-8601). */
function storeConfig(s: EventDataStore): Record<string, unknown> {
  return JSON.parse(JSON.stringify(s)) as Record<string, unknown>
}

/** Ask every question of a CloudTrail Lake event data store. */
export async function askLake(clientOf: (region: string) => CloudTrailClient, defaultRegion: string, named: string | null, o: AskOptions): Promise<QueryDocument> {
  const region = (named && EDS_ARN.exec(named)?.[1]) ?? defaultRegion
  const ct = clientOf(region)
  const store = await eventDataStore(ct, named, o)
  const id = store.EventDataStoreArn.split('/').pop()!
  const d = lakeDialect(id)
  const answers: QueryDocument['answers'] = {}
  for (const q of QUESTIONS) {
    const sql = renderQuestion(q, d, o.window)
    const what = `CloudTrail Lake query ${q.name}`
    o.progress(`${what} (StartQuery)`)
    let queryId: string
    try {
      const started = await ct.send(new StartQueryCommand({ QueryStatement: sql }))
      if (!started.QueryId) throw new LastmileError('unavailable', `${what}: StartQuery answered no QueryId; no bundle was written`)
      queryId = started.QueryId
      await waitFor(
        `${what} ${queryId}`,
        o,
        async () => {
          const s = await ct.send(new DescribeQueryCommand({ QueryId: queryId }))
          return { state: s.QueryStatus, reason: s.ErrorMessage }
        },
        'FINISHED',
        ['FAILED', 'CANCELLED', 'TIMED_OUT']
      )
    } catch (e) {
      failure(what, e)
    }
    answers[q.name] = { queryId, sql, columns: resultColumns(q), rows: await lakeRows(ct, q, queryId, what, o) }
  }
  return { format: 'lastmile.cloudtrail-query', version: 1, engine: 'cloudtrail-lake', store: storeConfig(store), window: o.window, answers }
}

/** Every page of a finished Lake query; each row is a list of one-key objects {column: value}. */
async function lakeRows(ct: CloudTrailClient, q: Question, queryId: string, what: string, o: AskOptions): Promise<Array<Array<string | null>>> {
  const columns = resultColumns(q)
  const rows: Array<Array<string | null>> = []
  let token: string | undefined
  let page = 0
  try {
    do {
      const r = await ct.send(new GetQueryResultsCommand({ QueryId: queryId, NextToken: token, MaxQueryResults: 1000 }))
      if (r.QueryStatus && r.QueryStatus !== 'FINISHED')
        throw new LastmileError('unavailable', `${what} ${queryId} ${r.QueryStatus}${r.ErrorMessage ? `: ${oneLine(r.ErrorMessage)}` : ''}; no bundle was written`)
      for (const row of r.QueryResultRows ?? []) {
        const values = new Map<string, string>()
        for (const cell of row) for (const [k, v] of Object.entries(cell)) values.set(k, v)
        rows.push(columns.map((c) => values.get(c) ?? null))
      }
      token = r.NextToken
      if (++page % 10 === 0) o.progress(`${what}: ${rows.length} rows`)
    } while (token)
  } catch (e) {
    failure(`${what} GetQueryResults`, e)
  }
  return rows
}

/** Ask every question of an Athena table over the trail's S3 location (AWS's CloudTrail DDL with partition projection). */
export async function askAthena(athena: AthenaClient, c: Extract<CloudTrailSourceChoice, { kind: 'athena' }>, o: AskOptions): Promise<QueryDocument> {
  const d: Dialect = athenaDialect(`${c.database}.${c.table}`)
  const answers: QueryDocument['answers'] = {}
  for (const q of QUESTIONS) {
    const sql = renderQuestion(q, d, o.window)
    const what = `Athena query ${q.name}`
    o.progress(`${what} (StartQueryExecution in workgroup ${c.workgroup})`)
    let id: string
    try {
      const started = await athena.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          QueryExecutionContext: { Database: c.database },
          WorkGroup: c.workgroup,
          ...(c.outputLocation ? { ResultConfiguration: { OutputLocation: c.outputLocation } } : {})
        })
      )
      if (!started.QueryExecutionId) throw new LastmileError('unavailable', `${what}: StartQueryExecution answered no QueryExecutionId; no bundle was written`)
      id = started.QueryExecutionId
      await waitFor(
        `${what} ${id}`,
        o,
        async () => {
          const s = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Status
          return { state: s?.State, reason: s?.StateChangeReason }
        },
        'SUCCEEDED',
        ['FAILED', 'CANCELLED']
      )
    } catch (e) {
      failure(what, e)
    }
    answers[q.name] = { queryId: id, sql, columns: resultColumns(q), rows: await athenaRows(athena, q, id, what) }
  }
  return {
    format: 'lastmile.cloudtrail-query',
    version: 1,
    engine: 'athena',
    store: { database: c.database, table: c.table, workgroup: c.workgroup, outputLocation: c.outputLocation },
    window: o.window,
    answers
  }
}

/** Every page of a finished Athena query; the first row of the first page is the header. */
async function athenaRows(athena: AthenaClient, q: Question, id: string, what: string): Promise<Array<Array<string | null>>> {
  const columns = resultColumns(q)
  const rows: Array<Array<string | null>> = []
  let token: string | undefined
  let first = true
  try {
    do {
      const r = await athena.send(new AthenaGetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }))
      const names = (r.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((ci) => ci.Name ?? '')
      if (names.length && names.join(',') !== columns.join(','))
        throw new LastmileError('unavailable', `${what} ${id}: the result has the columns ${names.join(', ')}, not ${columns.join(', ')}; no bundle was written`)
      const list = r.ResultSet?.Rows ?? []
      list.forEach((row, i) => {
        const values = (row.Data ?? []).map((d) => d.VarCharValue ?? null)
        if (first && i === 0 && values.join(',') === columns.join(',')) return
        rows.push(columns.map((_, j) => values[j] ?? null))
      })
      first = false
      token = r.NextToken
    } while (token)
  } catch (e) {
    failure(`${what} GetQueryResults`, e)
  }
  return rows
}

/**
 * The event data store as trails.json describes a trail, so that whether it recorded a bucket's S3
 * data events, and since when, is decided by the same selector rules (trail-selectors.ts). "Since"
 * is the store's last update (its selectors may have changed then), never earlier.
 */
export function storeAsTrail(store: Record<string, unknown>): Record<string, unknown> {
  const arn = String(store.EventDataStoreArn)
  const since = (store.UpdatedTimestamp ?? store.CreatedTimestamp) as string | undefined
  return {
    Name: String(store.Name ?? arn.split('/').pop()),
    TrailARN: arn,
    HomeRegion: arn.split(':')[3],
    IsMultiRegionTrail: store.MultiRegionEnabled === true,
    IsOrganizationTrail: store.OrganizationEnabled === true,
    EventDataStore: true,
    advancedEventSelectors: store.AdvancedEventSelectors ?? null,
    status: { IsLogging: store.Status === undefined ? null : store.Status === 'ENABLED', ...(since ? { StartLoggingTime: since } : {}) }
  }
}
