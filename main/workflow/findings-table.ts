// `findings.table`: every finding of the case as columns (shared/findings-table.ts), for the
// renderer's findings table. A few set-wise scans instead of one alert query per finding
// (`listFindings`).
//
// It reads the ingest tables (findings, resources, alerts) and, for the few resources the
// evidence speaks about, the evidence service's own reading of them (owner, environment): the
// same answers `evidence.facts` gives, never a second interpretation of the evidence. It sits with
// the workflow, whose place of a finding (`placeOf`) each row shows, not in the IPC handlers.
//
// Why scans and not one SELECT joining findings with resources, ORDER BY severity: on an
// encrypted case every page read is decrypted and checked, and the join looks each resource up
// in its B-tree (pages evicted and decrypted again), then sorts all rows in a temporary B-tree.
// Reading each table once in rowid order into arrays indexed by id, and ordering by severity
// with a counting sort in JS, took 200,000 findings from ~4.5 s to ~2 s (2 loaded cores).
//
// Each scan comes back as a few long strings SQLite joins (group_concat), split in JS, not as a
// row of JS values per row: the driver's cost per row and per cell (~1 µs a row, more than the
// scan and its decryption) was most of a cold read. Repeated values travel inside one "shape"
// string per row, split once per distinct shape. A value that holds a separator is read row by
// row instead (the same answer; findings-table.test.ts compares the two readings).
import { TABLE_STAGES, type FindingsTable, type TableStage } from '../../shared/findings-table'
import type { WorkflowState } from '../../shared/remediation'
import { join } from 'node:path'
import { deriveCaseKey, type CaseDb, type CaseKey, type Db } from '../db/case-db'
import { cachedRead, cachedReadAsync } from '../db/read-cache'
import { LastmileError } from '../errors'
import { WorkerClient } from '../platform/worker'
import { getFacts } from '../case/facts'
import { evidenceKeyOf } from '../semantics/ids'
import { shortName } from '../../shared/findings-table'
import { placeOf } from './stages'

const SEVERITIES = 5

type ResourceRow = [id: number, resource: string, type: string, provider: string, account: string | null, region: string | null, name: string | null, environment: string | null]
type FindingRow = [
  id: number,
  control: string,
  resourceRow: number,
  title: string,
  /** index into TABLE_STATUSES */
  status: number,
  severity: number,
  regression: number,
  /** index into TABLE_VERDICTS */
  rci: number,
  initiative: number | null,
  firstSeen: string,
  lastSeen: string
]

export function findingsTable(db: Db): FindingsTable {
  return cachedRead(db, 'findings-table', () => computeFindingsTable(db), copyTable)
}

/**
 * A caller's own copy of a kept table: its arrays copied, the strings in them shared (a string
 * cannot be changed). structuredClone copied the 200,000 strings too: 80–150 ms of the main
 * thread for each visit, against a few ms.
 */
export function copyTable(t: FindingsTable): FindingsTable {
  const copy = { ...t }
  for (const [k, v] of Object.entries(t) as Array<[keyof FindingsTable, unknown]>) {
    if (Array.isArray(v) || v instanceof Int32Array) (copy as Record<keyof FindingsTable, unknown>)[k] = v.slice()
  }
  return copy
}

export interface FindingsTableRequest {
  casePath: string
  key: CaseKey
}

/**
 * The findings table computed on a worker thread (findings-table.worker.ts), which opens the case
 * read-only with its own connection: the main process's event loop keeps answering while a large
 * case is read. Kept like `findingsTable` (the same cache), so a fresh answer needs no thread.
 */
export function findingsTableInWorker(c: CaseDb, key: string): Promise<FindingsTable> {
  return cachedReadAsync(
    c.db,
    'findings-table',
    async () => {
      const worker = new WorkerClient<FindingsTableRequest, FindingsTable>(join(__dirname, 'findings-table.worker.ts'), {
        failures: {
          failed: (e) => new LastmileError('internal', `the findings table could not be read (its worker failed: ${e.message})`),
          stopped: (code) => new LastmileError('unavailable', `the findings table could not be read (its worker stopped, exit ${code})`)
        }
      })
      try {
        // the derived key: the worker opens the case without deriving it again (~0.4 s of CPU)
        return await worker.request({ casePath: c.path, key: await deriveCaseKey(c, key) })
      } finally {
        void worker.terminate()
      }
    },
    copyTable
  )
}

/** The table's column buffers, moved (not copied) from the worker. */
export function tableBuffers(t: FindingsTable): ArrayBuffer[] {
  return Object.values(t).flatMap((v) => (v instanceof Int32Array ? [v.buffer as ArrayBuffer] : []))
}

export function computeFindingsTable(db: Db): FindingsTable {
  // One read transaction: the scans below see the same snapshot even while an import writes.
  return db.transaction(() => readTable(db))()
}

function readTable(db: Db): FindingsTable {
  const words = new Strings()
  const accountEnvironments = Object.fromEntries(
    (db.prepare('SELECT account, environment FROM evidence_account_environments').all() as Array<{ account: string; environment: string }>).map((r) => [r.account, r.environment])
  )
  const evidenced = evidencedResources(db, accountEnvironments)
  const resources = readResources(db, words, accountEnvironments)
  const findings = readFindings(db, words, resources.rows)
  const alerts = readAlerts(db, words, findings)
  const documents = rciDocuments(db, findings)
  const stage = findingStages(db, findings.id, findings.status, findings.rci, documents)
  const generic = documents.map((d) => (d === GENERIC_DOCUMENT ? 1 : 0))
  return assemble(words, severityOrder(findings.severity), resources, findings, alerts, stage, generic, evidenced)
}

/**
 * The answer's strings. A string met while scanning is first numbered locally, in the order met
 * (`local`); it gets its number in the answer when a row in the answer's order first uses it
 * (`coded`, or `code` for a string made for one row), so `strings` comes out in that order.
 */
class Strings {
  readonly strings: string[] = []
  private readonly codes = new Map<string, number>()
  readonly seen: string[] = []
  private readonly seenAt = new Map<string, number>()
  /** the answer's number of each local one; -2 until a row uses it */
  private answer = new Int32Array(0)

  code(s: string | null | undefined): number {
    if (s === null || s === undefined || s === '') return -1
    let c = this.codes.get(s)
    if (c === undefined) {
      c = this.strings.length
      this.strings.push(s)
      this.codes.set(s, c)
    }
    return c
  }

  local(s: string | null): number {
    if (s === null) return -1
    let c = this.seenAt.get(s)
    if (c === undefined) {
      c = this.seen.length
      this.seen.push(s)
      this.seenAt.set(s, c)
    }
    return c
  }

  /** Call once the scans are done, before `coded`. */
  startAnswer(): void {
    this.answer = new Int32Array(this.seen.length).fill(-2)
  }

  coded(l: number): number {
    if (l < 0) return -1
    let c = this.answer[l]!
    if (c === -2) this.answer[l] = c = this.code(this.seen[l])
    return c
  }
}

/** What the evidence says about owner and environment, for the resources it covers only. */
function evidencedResources(db: Db, accountEnvironments: Record<string, string>): Map<string, { owner: string | null; environment: string | null }> {
  const evidenced = new Map<string, { owner: string | null; environment: string | null }>()
  for (const [key] of db.prepare('SELECT DISTINCT resource_id FROM evidence_facts').raw(true).iterate() as IterableIterator<[string]>) {
    const facts = getFacts(db, key, { accountEnvironments })
    evidenced.set(key, { owner: facts.owner.value, environment: facts.environment.value })
  }
  return evidenced
}

/** The resources as columns indexed by their row id; strings as local numbers. */
interface ResourceColumns {
  /** max(id) + 1 */
  rows: number
  id: string[]
  type: Int32Array
  provider: Int32Array
  account: Int32Array
  region: Int32Array
  name: Int32Array
  environment: Int32Array
}

function readResources(db: Db, words: Strings, accountEnvironments: Record<string, string>): ResourceColumns {
  const rows = ((db.prepare('SELECT max(id) FROM resources').pluck().get() as number | null) ?? 0) + 1
  return (!byRowOnly && readResourcesPacked(db, words, accountEnvironments, rows)) || readResourcesByRow(db, words, accountEnvironments, rows)
}

function resourceColumns(rows: number): ResourceColumns {
  return {
    rows,
    id: new Array<string>(rows),
    type: new Int32Array(rows),
    provider: new Int32Array(rows),
    account: new Int32Array(rows),
    region: new Int32Array(rows),
    name: new Int32Array(rows),
    environment: new Int32Array(rows)
  }
}

/** Rows by id range: each range's packed strings stay far below SQLite's limit on a value's length. */
const CHUNK_IDS = 65_536
/** Separators inside the packed strings; a value that holds one is read row by row instead. */
const RS = '\x1e'
const US = '\x1f'
/** Tests: read row by row only, to compare the packed reading with it. */
let byRowOnly = false
export function readRowByRowForTests(on: boolean): void {
  byRowOnly = on
}

/** Comma-separated integers (an empty item: -1) into `out` from `at`; how many were read. */
function parseInts(s: string, out: Int32Array, at: number): number {
  let k = at
  let v = 0
  let digits = 0
  let neg = false
  for (let i = 0; i <= s.length; i++) {
    const ch = i < s.length ? s.charCodeAt(i) : 44
    if (ch === 44) {
      if (k < out.length) out[k] = digits ? (neg ? -v : v) : -1
      k++
      v = 0
      digits = 0
      neg = false
    } else if (ch === 45) neg = true
    else {
      v = v * 10 + (ch - 48)
      digits++
    }
  }
  return k - at
}

/**
 * The resources, read a range of ids at a time as a few long strings SQLite joins (ids, canonical
 * ids, and each row's "shape": type, provider, account, region, environment), split in JS. Row by
 * row, the driver makes a JS value per cell and an array per row: ~0.5 µs a row more than the scan
 * itself, the largest part of a cold read at 200,000 findings. A name is sent only when it is not
 * the end of the id (what `shortName` gives; JS checks the rest as before). Null if a value holds a
 * separator (the counts of the split parts then differ): the caller reads row by row.
 */
function readResourcesPacked(db: Db, words: Strings, accountEnvironments: Record<string, string>, rows: number): ResourceColumns | null {
  const r = resourceColumns(rows)
  const chunk = db.prepare(
    `SELECT count(*), group_concat(id, ','), group_concat(canonical_id, char(30)), group_concat(ifnull(name, ''), char(30)),
            group_concat(type || char(31) || provider || char(31) || ifnull(account, '') || char(31) || ifnull(region, '') || char(31) || ifnull('=' || environment, ''), char(30))
     FROM resources WHERE id >= ? AND id < ?`
  )
  const shapes = new Map<string, number>()
  // per shape: type, provider, account, region, environment (local numbers)
  const shapeCodes: number[] = []
  const ids = new Int32Array(CHUNK_IDS)
  for (let lo = 0; lo < rows; lo += CHUNK_IDS) {
    const [count, idList, resourceList, nameList, shapeList] = chunk.raw(true).get(lo, lo + CHUNK_IDS) as [number, string | null, string | null, string | null, string | null]
    if (!count) continue
    if (parseInts(idList!, ids, 0) !== count) return null
    const resources = resourceList!.split(RS)
    const names = nameList!.split(RS)
    const shapeOf = shapeList!.split(RS)
    if (resources.length !== count || names.length !== count || shapeOf.length !== count) return null
    for (let i = 0; i < count; i++) {
      const id = ids[i]!
      const resource = resources[i]!
      const name = names[i]!
      r.id[id] = resource
      r.name[id] = name && !isShortName(resource, name) ? words.local(name) : -1
      let c = shapes.get(shapeOf[i]!)
      if (c === undefined) {
        const [type, provider, account, region, environment, ...more] = shapeOf[i]!.split(US)
        if (more.length || environment === undefined) return null
        c = shapes.size
        shapes.set(shapeOf[i]!, c)
        const env = environment ? environment.slice(1) : account ? (accountEnvironments[account] ?? null) : null
        shapeCodes.push(words.local(type!), words.local(provider!), words.local(account || null), words.local(region || null), words.local(env))
      }
      const at = c * 5
      r.type[id] = shapeCodes[at]!
      r.provider[id] = shapeCodes[at + 1]!
      r.account[id] = shapeCodes[at + 2]!
      r.region[id] = shapeCodes[at + 3]!
      r.environment[id] = shapeCodes[at + 4]!
    }
  }
  return r
}

/**
 * name === shortName(resource), without shortName's copies for the usual case: the id ends with
 * "/name" or ":name", and the name holds neither (then shortName cuts exactly there).
 */
function isShortName(resource: string, name: string): boolean {
  const at = resource.length - name.length - 1
  if (at >= 0 && resource.endsWith(name) && !name.includes('/') && !name.includes(':')) {
    const sep = resource.charCodeAt(at)
    if (sep === 47 || sep === 58) return true
  }
  return name === shortName(resource)
}

/** The resources one row at a time: the reading `readResourcesPacked` falls back on. */
function readResourcesByRow(db: Db, words: Strings, accountEnvironments: Record<string, string>, rows: number): ResourceColumns {
  const r = resourceColumns(rows)
  for (const [id, resource, type, provider, account, region, name, environment] of db
    .prepare('SELECT id, canonical_id, type, provider, account, region, name, environment FROM resources')
    .raw(true)
    .iterate() as IterableIterator<ResourceRow>) {
    r.id[id] = resource
    r.type[id] = words.local(type)
    r.provider[id] = words.local(provider)
    r.account[id] = words.local(account)
    r.region[id] = words.local(region)
    // most names are the end of the id: the renderer derives those, so only the others are sent
    r.name[id] = name && name !== shortName(resource) ? words.local(name) : -1
    r.environment[id] = words.local(environment ?? (account ? (accountEnvironments[account] ?? null) : null))
  }
  return r
}

/** The findings as columns, in id order; strings as local numbers. */
interface FindingColumns {
  count: number
  id: Int32Array
  control: Int32Array
  resource: Int32Array
  title: Int32Array
  /** TABLE_STATUSES code */
  status: Int32Array
  severity: Int32Array
  regression: Int32Array
  /** TABLE_VERDICTS code */
  rci: Int32Array
  initiative: Int32Array
  firstSeen: Int32Array
  lastSeen: Int32Array
  /** the findings of each resource, as a chain: first[resource row] → next[finding] → … → -1 */
  first: Int32Array
  next: Int32Array
}

function readFindings(db: Db, words: Strings, resourceRows: number): FindingColumns {
  const n = db.prepare('SELECT count(*) FROM findings').pluck().get() as number
  return (!byRowOnly && readFindingsPacked(db, words, resourceRows, n)) || readFindingsByRow(db, words, resourceRows, n)
}

function findingColumns(n: number, resourceRows: number): FindingColumns {
  const col = (): Int32Array => new Int32Array(n)
  return {
    count: n,
    id: col(),
    control: col(),
    resource: col(),
    title: col(),
    status: col(),
    severity: col(),
    regression: col(),
    rci: col(),
    initiative: col(),
    firstSeen: col(),
    lastSeen: col(),
    first: new Int32Array(resourceRows).fill(-1),
    next: col()
  }
}

/**
 * The findings, read as `readResourcesPacked` reads the resources: per range of ids, the ids and
 * resource rows as comma-separated numbers, and the rest of each row as one "shape": status,
 * verdict, severity, regression, initiative, control, title, first and last seen — a few hundred
 * distinct values at 200,000 findings, each split once. (A column a string costs SQLite and JS
 * more than one string a row, even with its repeats.) Null if a value holds a separator, or the
 * rows do not come in id order: the caller reads row by row.
 */
function readFindingsPacked(db: Db, words: Strings, resourceRows: number, n: number): FindingColumns | null {
  const f = findingColumns(n, resourceRows)
  const range = db.prepare('SELECT min(id), max(id) FROM findings').raw(true).get() as [number | null, number | null]
  const chunk = db.prepare(
    `SELECT count(*), group_concat(id, ','), group_concat(resource_id, ','),
            group_concat(CASE WHEN decision IS NOT NULL OR (status = 'open' AND muted = 1) THEN 2 WHEN status = 'open' THEN 0 ELSE 1 END
                         || CASE rci_verdict WHEN 'SAFE' THEN 0 WHEN 'RISKY' THEN 1 WHEN 'UNSAFE' THEN 2 ELSE 3 END || severity || regression
                         || ifnull(initiative_id, '') || char(31) || control || char(31) || title || char(31) || first_seen || char(31) || last_seen, char(30))
     FROM findings WHERE id >= ? AND id < ?`
  )
  const shapes = new Map<string, number>()
  // per shape: status, verdict, severity, regression, initiative, control, title, first seen, last seen
  const shapeCodes: number[] = []
  const S = 9
  let i = 0
  let last = -1
  for (let lo = range[0] ?? 0; range[1] !== null && lo <= range[1]; lo += CHUNK_IDS) {
    const [count, idList, resourceList, shapeList] = chunk.raw(true).get(lo, lo + CHUNK_IDS) as [number, string | null, string | null, string | null]
    if (!count) continue
    if (i + count > n) return null
    if (parseInts(idList!, f.id, i) !== count || parseInts(resourceList!, f.resource, i) !== count) return null
    const shapeOf = shapeList!.split(RS)
    if (shapeOf.length !== count) return null
    for (let j = 0; j < count; j++, i++) {
      const id = f.id[i]!
      if (id <= last) return null
      last = id
      const shape = shapeOf[j]!
      let c = shapes.get(shape)
      if (c === undefined) {
        const [codes, control, title, firstSeen, lastSeen, ...more] = shape.split(US)
        if (more.length || lastSeen === undefined || !/^[0-2][0-3][0-4][01]\d*$/.test(codes!)) return null
        c = shapes.size
        shapes.set(shape, c)
        const digit = (k: number): number => codes!.charCodeAt(k) - 48
        shapeCodes.push(digit(0), digit(1), digit(2), digit(3), codes!.length > 4 ? Number(codes!.slice(4)) : -1)
        shapeCodes.push(words.local(control!), words.local(title!), words.local(firstSeen!), words.local(lastSeen))
      }
      const at = c * S
      f.status[i] = shapeCodes[at]!
      f.rci[i] = shapeCodes[at + 1]!
      f.severity[i] = shapeCodes[at + 2]!
      f.regression[i] = shapeCodes[at + 3]!
      f.initiative[i] = shapeCodes[at + 4]!
      f.control[i] = shapeCodes[at + 5]!
      f.title[i] = shapeCodes[at + 6]!
      f.firstSeen[i] = shapeCodes[at + 7]!
      f.lastSeen[i] = shapeCodes[at + 8]!
      const resourceRow = f.resource[i]!
      f.next[i] = f.first[resourceRow]!
      f.first[resourceRow] = i
    }
  }
  return i === n ? f : null
}

/** The findings one row at a time: the reading `readFindingsPacked` falls back on. */
function readFindingsByRow(db: Db, words: Strings, resourceRows: number, n: number): FindingColumns {
  const f = findingColumns(n, resourceRows)
  let i = 0
  // Status and verdict come as their codes (TABLE_STATUSES, TABLE_VERDICTS): three strings a
  // row fewer to make and look up. The status is findings.list's rule: a decision, or muted in
  // every tool, suppresses an open finding.
  for (const [id, control, resourceRow, title, status, severity, regression, rci, initiative, firstSeen, lastSeen] of db
    .prepare(
      `SELECT id, control, resource_id, title,
              CASE WHEN decision IS NOT NULL OR (status = 'open' AND muted = 1) THEN 2 WHEN status = 'open' THEN 0 ELSE 1 END,
              severity, regression,
              CASE rci_verdict WHEN 'SAFE' THEN 0 WHEN 'RISKY' THEN 1 WHEN 'UNSAFE' THEN 2 ELSE 3 END,
              initiative_id, first_seen, last_seen
       FROM findings ORDER BY id`
    )
    .raw(true)
    .iterate() as IterableIterator<FindingRow>) {
    f.id[i] = id
    f.control[i] = words.local(control)
    f.resource[i] = resourceRow
    f.title[i] = words.local(title)
    f.status[i] = status
    f.severity[i] = severity
    f.regression[i] = regression
    f.rci[i] = rci
    f.initiative[i] = initiative ?? -1
    f.firstSeen[i] = words.local(firstSeen)
    f.lastSeen[i] = words.local(lastSeen)
    f.next[i] = f.first[resourceRow]!
    f.first[resourceRow] = i
    i++
  }
  return f
}

/** Per finding (by its index in FindingColumns): its alerts, its first tool, the others. */
interface AlertColumns {
  count: Int32Array
  /** local number of the first tool met */
  firstTool: Int32Array
  /** local numbers of the other tools, for the few findings more than one tool reports */
  moreTools: Map<number, number[]>
}

/**
 * Tools and alert counts per finding, from one pass over the alerts' index by finding, which
 * holds the tool (migration 0130): a tenth of the pages of the alerts table to decrypt. (A GROUP
 * BY with group_concat(DISTINCT) costs several times more on an encrypted case.) The order met
 * does not show: the tools are sorted when there are several.
 */
function readAlerts(db: Db, words: Strings, f: FindingColumns): AlertColumns {
  return (!byRowOnly && readAlertsPacked(db, words, f)) || readAlertsByRow(db, words, f)
}

/**
 * `readAlerts` from three long strings SQLite joins over the alerts' index by finding (control,
 * resource, tool: that order, so a finding's alerts come together): no JS value per cell. (Grouping
 * in SQL costs more: an aggregate's context per finding.) Null if a value holds a separator: the
 * caller reads row by row.
 */
function readAlertsPacked(db: Db, words: Strings, f: FindingColumns): AlertColumns | null {
  const a: AlertColumns = { count: new Int32Array(f.count), firstTool: new Int32Array(f.count), moreTools: new Map() }
  const [n, controlList, resourceList, toolList] = db
    .prepare(`SELECT count(*), group_concat(control, char(30)), group_concat(resource_id, ','), group_concat(tool, char(30)) FROM alerts INDEXED BY alerts_finding`)
    .raw(true)
    .get() as [number, string | null, string | null, string | null]
  if (!n) return a
  const controls = controlList!.split(RS)
  const tools = toolList!.split(RS)
  const resources = new Int32Array(n)
  if (controls.length !== n || tools.length !== n || parseInts(resourceList!, resources, 0) !== n) return null
  let k = -1
  let lastControl = ''
  let lastResource = -1
  let lastTool = ''
  let toolCode = -1
  for (let i = 0; i < n; i++) {
    const resourceRow = resources[i]!
    if (resourceRow !== lastResource || controls[i] !== lastControl) {
      lastResource = resourceRow
      lastControl = controls[i]!
      const control = words.local(lastControl)
      k = f.first[resourceRow] ?? -1
      while (k >= 0 && f.control[k] !== control) k = f.next[k]!
    }
    if (k < 0) continue
    if (tools[i] !== lastTool || toolCode < 0) toolCode = words.local((lastTool = tools[i]!))
    const t = toolCode
    if (a.count[k]++ === 0) a.firstTool[k] = t
    else if (a.firstTool[k] !== t) {
      const more = a.moreTools.get(k)
      if (!more) a.moreTools.set(k, [t])
      else if (!more.includes(t)) more.push(t)
    }
  }
  return a
}

/** The alerts one row at a time: the reading `readAlertsPacked` falls back on. */
function readAlertsByRow(db: Db, words: Strings, f: FindingColumns): AlertColumns {
  const a: AlertColumns = { count: new Int32Array(f.count), firstTool: new Int32Array(f.count), moreTools: new Map() }
  for (const [control, resourceRow, tool] of db.prepare('SELECT control, resource_id, tool FROM alerts INDEXED BY alerts_finding').raw(true).iterate() as IterableIterator<
    [string, number, string]
  >) {
    let k = f.first[resourceRow] ?? -1
    while (k >= 0 && words.seen[f.control[k]!] !== control) k = f.next[k]!
    if (k < 0) continue
    const t = words.local(tool)
    if (a.count[k]++ === 0) a.firstTool[k] = t
    else if (a.firstTool[k] !== t) {
      const more = a.moreTools.get(k)
      if (!more) a.moreTools.set(k, [t])
      else if (!more.includes(t)) more.push(t)
    }
  }
  return a
}

/** findings.list's order: most severe first, then oldest — a stable counting sort of id order by severity. */
function severityOrder(severity: Int32Array): Int32Array {
  const n = severity.length
  const start = new Int32Array(SEVERITIES + 1)
  for (let k = 0; k < n; k++) start[SEVERITIES - 1 - severity[k]!]!++
  for (let s = 0, at = 0; s <= SEVERITIES; s++) {
    const c = start[s]!
    start[s] = at
    at += c
  }
  const order = new Int32Array(n)
  for (let k = 0; k < n; k++) order[start[SEVERITIES - 1 - severity[k]!]!++] = k
  return order
}

/** The answer's columns, row p being finding order[p], its strings numbered in that order. */
function assemble(
  words: Strings,
  order: Int32Array,
  r: ResourceColumns,
  f: FindingColumns,
  a: AlertColumns,
  stage: Int32Array,
  generic: Uint8Array,
  evidenced: Map<string, { owner: string | null; environment: string | null }>
): FindingsTable {
  const n = f.count
  const col = (): Int32Array => new Int32Array(n)
  const t: FindingsTable = {
    count: n,
    strings: words.strings,
    id: col(),
    control: col(),
    title: col(),
    severity: col(),
    status: col(),
    rci: col(),
    rciGeneric: col(),
    stage: col(),
    regression: col(),
    initiative: col(),
    resource: new Array<string>(n),
    resourceName: col(),
    resourceType: col(),
    provider: col(),
    account: col(),
    region: col(),
    environment: col(),
    owner: col(),
    tools: col(),
    alerts: col(),
    firstSeen: col(),
    lastSeen: col()
  }
  words.startAnswer()
  for (let p = 0; p < n; p++) {
    const k = order[p]!
    const row = f.resource[k]!
    const resource = r.id[row]!
    const ev = evidenced.size ? evidenced.get(evidenceKeyOf(resource)) : undefined
    t.id[p] = f.id[k]!
    t.control[p] = words.coded(f.control[k]!)
    t.title[p] = words.coded(f.title[k]!)
    t.severity[p] = f.severity[k]!
    t.status[p] = f.status[k]!
    t.rci[p] = f.rci[k]!
    t.rciGeneric[p] = generic[f.id[k]!] ?? 0
    t.stage[p] = stage[k]!
    t.regression[p] = f.regression[k]!
    t.initiative[p] = f.initiative[k]!
    t.resource[p] = resource
    t.resourceName[p] = words.coded(r.name[row]!)
    t.resourceType[p] = words.coded(r.type[row]!)
    t.provider[p] = words.coded(r.provider[row]!)
    t.account[p] = words.coded(r.account[row]!)
    t.region[p] = words.coded(r.region[row]!)
    t.environment[p] = ev?.environment != null ? words.code(ev.environment) : words.coded(r.environment[row]!)
    t.owner[p] = words.code(ev?.owner)
    if (a.count[k]) {
      const more = a.moreTools.get(k)
      t.tools[p] = more ? words.code([words.seen[a.firstTool[k]!]!, ...more.map((x) => words.seen[x]!)].sort().join(', ')) : words.coded(a.firstTool[k]!)
      t.alerts[p] = a.count[k]!
    } else t.tools[p] = -1
    t.firstSeen[p] = words.coded(f.firstSeen[k]!)
    t.lastSeen[p] = words.coded(f.lastSeen[k]!)
  }
  return t
}

const NO_DOCUMENT = 0
const A_DOCUMENT = 1
const GENERIC_DOCUMENT = 2

/**
 * Which findings have an RCI document, and which of those a generic investigation gave (its
 * playbook is generic.<effect>), by finding id: one pass over the index on the playbook (migration
 * 0140, covering: the finding id is the row id), joined by SQLite into two strings — no document
 * read, and no lookup per finding.
 */
function rciDocuments(db: Db, f: FindingColumns): Uint8Array {
  const out = new Uint8Array(f.count ? f.id[f.count - 1]! + 1 : 0)
  const [n, ids, kinds] = db
    .prepare(
      `SELECT count(*), group_concat(finding_id, ','), group_concat(CASE WHEN playbook >= 'generic.' AND playbook < 'generic/' THEN ${GENERIC_DOCUMENT} ELSE ${A_DOCUMENT} END, '')
       FROM rci_results INDEXED BY rci_results_playbook`
    )
    .raw(true)
    .get() as [number, string | null, string | null]
  if (!n) return out
  const id = new Int32Array(n)
  parseInts(ids!, id, 0)
  for (let k = 0; k < n; k++) if (id[k]! < out.length) out[id[k]!] = kinds!.charCodeAt(k) - 48
  return out
}

const STAGE_CODE = new Map<TableStage, number>(TABLE_STAGES.map((s, i) => [s, i]))
const VERDICT_OF_CODE = ['SAFE', 'RISKY', 'UNSAFE', 'UNSCORED'] as const

/**
 * Each finding's place, by the board's own rule (placeOf): its workflow state from the (small)
 * workflow table, and for the UNSCORED ones only, whether an investigation looked at them (an
 * RCI document exists: no playbook covers the control).
 */
function findingStages(db: Db, ids: Int32Array, status: Int32Array, rci: Int32Array, documents: Uint8Array): Int32Array {
  // each finding's workflow state, as a small number by finding id (the table holds few states)
  const stateNames: WorkflowState[] = ['new']
  const stateOf = new Int32Array(documents.length)
  for (const [id, state] of db.prepare('SELECT finding_id, state FROM workflow_findings').raw(true).iterate() as IterableIterator<[number, WorkflowState]>) {
    if (id >= stateOf.length) continue
    let s = stateNames.indexOf(state)
    if (s < 0) s = stateNames.push(state) - 1
    stateOf[id] = s
  }
  // the place depends on a few codes only: computed once per combination met
  const placeCodes = new Map<number, number>()
  const out = new Int32Array(ids.length)
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!
    const verdict = VERDICT_OF_CODE[rci[k]!] ?? 'UNSCORED'
    const state = stateOf[id]!
    const investigated = verdict !== 'UNSCORED' || (status[k] !== 2 && documents[id] !== NO_DOCUMENT)
    const key = ((status[k]! * 4 + rci[k]!) * 2 + (investigated ? 1 : 0)) * stateNames.length + state
    let code = placeCodes.get(key)
    if (code === undefined) {
      // status code 2 is already "a decision, or muted in every tool while open"
      const stage = placeOf({
        decision: status[k] === 2 ? 'suppressed' : null,
        muted: false,
        status: status[k] === 1 ? 'resolved' : 'open',
        state: stateNames[state]!,
        verdict,
        investigated
      })
      placeCodes.set(key, (code = STAGE_CODE.get(stage)!))
    }
    out[k] = code
  }
  return out
}
