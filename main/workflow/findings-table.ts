// `findings.table`: every finding of the case as columns (shared/findings-table.ts), for the
// renderer's findings table, read from the read model the case keeps at write time (migration
// 0150): one narrow row per finding (its id, resource id, name when it is not the end of the id,
// alert count, and the number of its shape) and a dictionary of shapes — everything else a row
// shows (status, verdict, severity, control, title, times, workflow state, the resource's type,
// account, region, environment, the tools…), a few hundred distinct at 200,000 findings. A cold
// read decrypts the narrow rows only (a tenth of the pages of findings, resources and alerts)
// and parses each shape once; triggers keep both true, and verification recomputes them
// (main/audit/read-models.ts).
//
// The only thing computed at read time from elsewhere: for the few resources the evidence speaks
// about, the evidence service's own reading of them (owner, environment) — the same answers
// `evidence.facts` gives, never a second interpretation of the evidence — and the environments
// a person gave accounts. It sits with the workflow, whose place of a finding (`placeOf`) each row
// shows, not in the IPC handlers.
//
// The rows come as a few long strings SQLite joins (group_concat over a range of ids), split in
// JS, not as a row of JS values per row: the driver's cost per row and per cell (~1 µs a row) was
// most of a cold read. A value that holds a separator is read row by row instead (the same
// answer; findings-table.test.ts compares the two readings).
import { TABLE_STAGES, TABLE_VERDICTS, type FindingsTable, type TableStage } from '../../shared/findings-table'
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
  const shapes = readShapes(db, words, accountEnvironments)
  const rows = (!byRowOnly && readRowsPacked(db, words, shapes)) || readRowsByRow(db, words, shapes)
  return assemble(words, shapes, rows, evidenced)
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

/** Shapes (findings_table_shapes, 0150) decoded: per shape, its values at `shape * SHAPE + column`. */
interface Shapes {
  /** shape id → its index in `codes` / SHAPE */
  index: Map<number, number>
  codes: number[]
}
const SHAPE = 17
// the columns of a decoded shape: table codes, or local string numbers (Strings.local)
const S_STATUS = 0
const S_RCI = 1
const S_SEVERITY = 2
const S_REGRESSION = 3
const S_GENERIC = 4
const S_STAGE = 5
const S_INITIATIVE = 6
const S_CONTROL = 7
const S_TITLE = 8
const S_FIRST_SEEN = 9
const S_LAST_SEEN = 10
const S_TYPE = 11
const S_PROVIDER = 12
const S_ACCOUNT = 13
const S_REGION = 14
const S_ENVIRONMENT = 15
const S_TOOLS = 16

type ShapeJson = [
  status: number,
  rci: number,
  severity: number,
  regression: number,
  document: number,
  initiative: number | null,
  control: string,
  title: string,
  firstSeen: string,
  lastSeen: string,
  state: WorkflowState,
  type: string,
  provider: string,
  account: string | null,
  region: string | null,
  environment: string | null,
  tools: string | null
]

const STAGE_CODE = new Map<TableStage, number>(TABLE_STAGES.map((s, i) => [s, i]))
const NO_DOCUMENT = 0
const GENERIC_DOCUMENT = 2

/**
 * Every shape a row uses, parsed once: its strings numbered locally, its place computed by the
 * board's own rule (placeOf) from status, verdict, workflow state and whether an investigation
 * looked at it (a verdict, or an RCI document: no playbook covers the control).
 */
function readShapes(db: Db, words: Strings, accountEnvironments: Record<string, string>): Shapes {
  const shapes: Shapes = { index: new Map(), codes: [] }
  for (const [id, text] of db.prepare('SELECT id, shape FROM findings_table_shapes WHERE n > 0').raw(true).iterate() as IterableIterator<[number, string]>) {
    const [status, rci, severity, regression, document, initiative, control, title, firstSeen, lastSeen, state, type, provider, account, region, environment, tools] = JSON.parse(
      text
    ) as ShapeJson
    const verdict = TABLE_VERDICTS[rci] ?? 'UNSCORED'
    // status code 2 is already "a decision, or muted in every tool while open"
    const stage = placeOf({
      decision: status === 2 ? 'suppressed' : null,
      muted: false,
      status: status === 1 ? 'resolved' : 'open',
      state,
      verdict,
      investigated: verdict !== 'UNSCORED' || (status !== 2 && document !== NO_DOCUMENT)
    })
    const env = environment ?? (account ? (accountEnvironments[account] ?? null) : null)
    shapes.index.set(id, shapes.index.size)
    shapes.codes.push(status, rci, severity, regression, document === GENERIC_DOCUMENT ? 1 : 0, STAGE_CODE.get(stage)!, initiative ?? -1)
    shapes.codes.push(words.local(control), words.local(title), words.local(firstSeen), words.local(lastSeen))
    shapes.codes.push(words.local(type), words.local(provider), words.local(account), words.local(region), words.local(env), words.local(tools))
  }
  return shapes
}

/** The findings' rows, in id order: each its own values, and its shape (an index into Shapes). */
interface Rows {
  count: number
  id: Int32Array
  shape: Int32Array
  resource: string[]
  /** local number of the resource's name when it is not shortName(resource), else -1 */
  name: Int32Array
  alerts: Int32Array
}

function rowColumns(n: number): Rows {
  return { count: n, id: new Int32Array(n), shape: new Int32Array(n), resource: new Array<string>(n), name: new Int32Array(n).fill(-1), alerts: new Int32Array(n) }
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
 * The rows, a range of ids at a time, as a few long strings SQLite joins: ids, shapes and alert
 * counts as comma-separated numbers, the resource ids joined by a separator, and the few names
 * that are not plainly the end of the id with their finding's id. Null if a value holds a
 * separator, or a row's shape is not among the shapes read: the caller reads row by row.
 */
function readRowsPacked(db: Db, words: Strings, shapes: Shapes): Rows | null {
  const n = db.prepare('SELECT count(*) FROM findings_table_rows').pluck().get() as number
  const f = rowColumns(n)
  const range = db.prepare('SELECT min(finding_id), max(finding_id) FROM findings_table_rows').raw(true).get() as [number | null, number | null]
  const chunk = db.prepare(
    `SELECT count(*), group_concat(finding_id, ','), group_concat(shape_id, ','), group_concat(alerts, ','), group_concat(resource, char(30)),
            group_concat(CASE WHEN name IS NOT NULL THEN finding_id || char(31) || name END, char(30))
     FROM findings_table_rows WHERE finding_id >= ? AND finding_id < ?`
  )
  const shapeIds = new Int32Array(Math.min(n, CHUNK_IDS))
  const named = new Map<number, string>()
  let i = 0
  for (let lo = range[0] ?? 0; range[1] !== null && lo <= range[1]; lo += CHUNK_IDS) {
    const [count, idList, shapeList, alertList, resourceList, nameList] = chunk.raw(true).get(lo, lo + CHUNK_IDS) as [number, string, string, string, string, string | null]
    if (!count) continue
    if (i + count > n) return null
    if (parseInts(idList, f.id, i) !== count || parseInts(shapeList, shapeIds, 0) !== count || parseInts(alertList, f.alerts, i) !== count) return null
    const resources = resourceList.split(RS)
    if (resources.length !== count) return null
    for (const item of nameList ? nameList.split(RS) : []) {
      const [id, name, ...more] = item.split(US)
      if (more.length || name === undefined) return null
      named.set(Number(id), name)
    }
    for (let j = 0; j < count; j++, i++) {
      const shape = shapes.index.get(shapeIds[j]!)
      if (shape === undefined || (i > 0 && f.id[i]! <= f.id[i - 1]!)) return null
      f.shape[i] = shape
      const resource = resources[j]!
      f.resource[i] = resource
      if (named.size) {
        const name = named.get(f.id[i]!)
        if (name !== undefined && !isShortName(resource, name)) f.name[i] = words.local(name)
      }
    }
    named.clear()
  }
  return i === n ? f : null
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

/** The rows one at a time: the reading `readRowsPacked` falls back on. */
function readRowsByRow(db: Db, words: Strings, shapes: Shapes): Rows {
  const all = db.prepare('SELECT finding_id, shape_id, resource, name, alerts FROM findings_table_rows ORDER BY finding_id').raw(true).all() as Array<
    [number, number, string, string | null, number]
  >
  const f = rowColumns(all.length)
  all.forEach(([id, shape, resource, name, alerts], i) => {
    const s = shapes.index.get(shape)
    if (s === undefined) throw new LastmileError('internal', `the findings table's row of F-${id} names shape ${shape}, which the case does not hold: run lastmile verify`)
    f.id[i] = id
    f.shape[i] = s
    f.resource[i] = resource
    // most names are the end of the id: the renderer derives those, so only the others are sent
    f.name[i] = name && !isShortName(resource, name) ? words.local(name) : -1
    f.alerts[i] = alerts
  })
  return f
}

/** findings.list's order: most severe first, then oldest — a stable counting sort of id order by severity. */
function severityOrder(f: Rows, shapes: Shapes): Int32Array {
  const n = f.count
  const severity = new Int32Array(n)
  for (let k = 0; k < n; k++) severity[k] = shapes.codes[f.shape[k]! * SHAPE + S_SEVERITY]!
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
function assemble(words: Strings, shapes: Shapes, f: Rows, evidenced: Map<string, { owner: string | null; environment: string | null }>): FindingsTable {
  const n = f.count
  const order = severityOrder(f, shapes)
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
  const s = shapes.codes
  words.startAnswer()
  for (let p = 0; p < n; p++) {
    const k = order[p]!
    const at = f.shape[k]! * SHAPE
    const resource = f.resource[k]!
    const ev = evidenced.size ? evidenced.get(evidenceKeyOf(resource)) : undefined
    t.id[p] = f.id[k]!
    // strings are numbered in the order the columns use them: control, title, name, type, …
    t.control[p] = words.coded(s[at + S_CONTROL]!)
    t.title[p] = words.coded(s[at + S_TITLE]!)
    t.severity[p] = s[at + S_SEVERITY]!
    t.status[p] = s[at + S_STATUS]!
    t.rci[p] = s[at + S_RCI]!
    t.rciGeneric[p] = s[at + S_GENERIC]!
    t.stage[p] = s[at + S_STAGE]!
    t.regression[p] = s[at + S_REGRESSION]!
    t.initiative[p] = s[at + S_INITIATIVE]!
    t.resource[p] = resource
    t.resourceName[p] = words.coded(f.name[k]!)
    t.resourceType[p] = words.coded(s[at + S_TYPE]!)
    t.provider[p] = words.coded(s[at + S_PROVIDER]!)
    t.account[p] = words.coded(s[at + S_ACCOUNT]!)
    t.region[p] = words.coded(s[at + S_REGION]!)
    t.environment[p] = ev?.environment != null ? words.code(ev.environment) : words.coded(s[at + S_ENVIRONMENT]!)
    t.owner[p] = words.code(ev?.owner)
    t.tools[p] = words.coded(s[at + S_TOOLS]!)
    t.alerts[p] = f.alerts[k]!
    t.firstSeen[p] = words.coded(s[at + S_FIRST_SEEN]!)
    t.lastSeen[p] = words.coded(s[at + S_LAST_SEEN]!)
  }
  return t
}
