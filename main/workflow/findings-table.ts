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
  const stage = findingStages(db, findings.id, findings.status, findings.rci)
  const generic = genericVerdicts(db, findings)
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
  const r: ResourceColumns = {
    rows,
    id: new Array<string>(rows),
    type: new Int32Array(rows),
    provider: new Int32Array(rows),
    account: new Int32Array(rows),
    region: new Int32Array(rows),
    name: new Int32Array(rows),
    environment: new Int32Array(rows)
  }
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
  const col = (): Int32Array => new Int32Array(n)
  const f: FindingColumns = {
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

/**
 * Which findings' RCI a generic investigation gave (the RCI document's playbook is generic.<effect>),
 * by finding id: one range of the index on the playbook (migration 0140), no document read.
 */
function genericVerdicts(db: Db, f: FindingColumns): Uint8Array {
  const out = new Uint8Array(f.count ? f.id[f.count - 1]! + 1 : 0)
  for (const [id] of db
    .prepare("SELECT finding_id FROM rci_results INDEXED BY rci_results_playbook WHERE playbook >= 'generic.' AND playbook < 'generic/'")
    .raw(true)
    .iterate() as IterableIterator<[number]>) {
    if (id < out.length) out[id] = 1
  }
  return out
}

const STAGE_CODE = new Map<TableStage, number>(TABLE_STAGES.map((s, i) => [s, i]))
const VERDICT_OF_CODE = ['SAFE', 'RISKY', 'UNSAFE', 'UNSCORED'] as const

/**
 * Each finding's place, by the board's own rule (placeOf): its workflow state from the (small)
 * workflow table, and for the UNSCORED ones only, whether an investigation looked at them (an
 * RCI document exists: no playbook covers the control).
 */
function findingStages(db: Db, ids: Int32Array, status: Int32Array, rci: Int32Array): Int32Array {
  const states = new Map<number, WorkflowState>()
  for (const [id, state] of db.prepare('SELECT finding_id, state FROM workflow_findings').raw(true).iterate() as IterableIterator<[number, WorkflowState]>) states.set(id, state)
  // a case never investigated has no RCI document: no lookup per finding then
  const anyRci = db.prepare('SELECT 1 FROM rci_results LIMIT 1').get() !== undefined
  const hasRci = db.prepare('SELECT 1 FROM rci_results WHERE finding_id = ?').pluck()
  // the place depends on a few codes only: computed once per combination met
  const placeCodes = new Map<string, number>()
  const out = new Int32Array(ids.length)
  for (let k = 0; k < ids.length; k++) {
    const verdict = VERDICT_OF_CODE[rci[k]!] ?? 'UNSCORED'
    const state = states.get(ids[k]!) ?? 'new'
    const investigated = verdict !== 'UNSCORED' || (anyRci && status[k] !== 2 && hasRci.get(ids[k]) !== undefined)
    const key = `${status[k]}:${state}:${verdict}:${investigated ? 1 : 0}`
    let code = placeCodes.get(key)
    if (code === undefined) {
      // status code 2 is already "a decision, or muted in every tool while open"
      const stage = placeOf({ decision: status[k] === 2 ? 'suppressed' : null, muted: false, status: status[k] === 1 ? 'resolved' : 'open', state, verdict, investigated })
      placeCodes.set(key, (code = STAGE_CODE.get(stage)!))
    }
    out[k] = code
  }
  return out
}
