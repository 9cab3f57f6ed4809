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
import type { Db } from '../db/case-db'
import { cachedRead } from '../db/read-cache'
import { getFacts } from '../evidence/facts'
import { evidenceKeyOf } from '../semantics/ids'
import { shortName } from '../../shared/findings-table'
import { placeOf } from './board'

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
  return cachedRead(db, 'findings-table', () => computeFindingsTable(db))
}

function computeFindingsTable(db: Db): FindingsTable {
  // One read transaction: the scans below see the same snapshot even while an import writes.
  return db.transaction(() => readTable(db))()
}

function readTable(db: Db): FindingsTable {
  // The answer's strings, numbered in the order the rows below first use them.
  const strings: string[] = []
  const codes = new Map<string, number>()
  const code = (s: string | null | undefined): number => {
    if (s === null || s === undefined || s === '') return -1
    let c = codes.get(s)
    if (c === undefined) {
      c = strings.length
      strings.push(s)
      codes.set(s, c)
    }
    return c
  }
  // Repeated strings met while scanning, numbered as met; given their answer's number when a
  // row in the answer's order first uses them, so `strings` comes out in that order.
  const seen: string[] = []
  const seenAt = new Map<string, number>()
  const local = (s: string | null): number => {
    if (s === null) return -1
    let c = seenAt.get(s)
    if (c === undefined) {
      c = seen.length
      seen.push(s)
      seenAt.set(s, c)
    }
    return c
  }

  // What the evidence says about owner and environment, for the resources it covers only.
  const accountEnvironments = Object.fromEntries(
    (db.prepare('SELECT account, environment FROM evidence_account_environments').all() as Array<{ account: string; environment: string }>).map(
      (r) => [r.account, r.environment]
    )
  )
  const evidenced = new Map<string, { owner: string | null; environment: string | null }>()
  for (const [key] of db.prepare('SELECT DISTINCT resource_id FROM evidence_facts').raw(true).iterate() as IterableIterator<[string]>) {
    const facts = getFacts(db, key, { accountEnvironments })
    evidenced.set(key, { owner: facts.owner.value, environment: facts.environment.value })
  }

  // Resources, by their row id.
  const resourceRows = ((db.prepare('SELECT max(id) FROM resources').pluck().get() as number | null) ?? 0) + 1
  const rId = new Array<string>(resourceRows)
  const rType = new Int32Array(resourceRows)
  const rProvider = new Int32Array(resourceRows)
  const rAccount = new Int32Array(resourceRows)
  const rRegion = new Int32Array(resourceRows)
  const rName = new Int32Array(resourceRows)
  const rEnvironment = new Int32Array(resourceRows)
  for (const [id, resource, type, provider, account, region, name, environment] of db
    .prepare('SELECT id, canonical_id, type, provider, account, region, name, environment FROM resources')
    .raw(true)
    .iterate() as IterableIterator<ResourceRow>) {
    rId[id] = resource
    rType[id] = local(type)
    rProvider[id] = local(provider)
    rAccount[id] = local(account)
    rRegion[id] = local(region)
    // most names are the end of the id: the renderer derives those, so only the others are sent
    rName[id] = name && name !== shortName(resource) ? local(name) : -1
    rEnvironment[id] = local(environment ?? (account ? (accountEnvironments[account] ?? null) : null))
  }

  // Findings in id order; the answer's order (findings.list: most severe first, then oldest) is
  // a stable counting sort of that by severity.
  const n = db.prepare('SELECT count(*) FROM findings').pluck().get() as number
  const fId = new Int32Array(n)
  const fControl = new Int32Array(n)
  const fResource = new Int32Array(n)
  const fTitle = new Int32Array(n)
  const fStatus = new Int32Array(n)
  const fSeverity = new Int32Array(n)
  const fRegression = new Int32Array(n)
  const fRci = new Int32Array(n)
  const fInitiative = new Int32Array(n)
  const fFirstSeen = new Int32Array(n)
  const fLastSeen = new Int32Array(n)
  // the findings of each resource, as a chain: first[resource row] → next[finding] → … → -1
  const first = new Int32Array(resourceRows).fill(-1)
  const next = new Int32Array(n)
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
    fId[i] = id
    fControl[i] = local(control)
    fResource[i] = resourceRow
    fTitle[i] = local(title)
    fStatus[i] = status
    fSeverity[i] = severity
    fRegression[i] = regression
    fRci[i] = rci
    fInitiative[i] = initiative ?? -1
    fFirstSeen[i] = local(firstSeen)
    fLastSeen[i] = local(lastSeen)
    next[i] = first[resourceRow]!
    first[resourceRow] = i
    i++
  }

  // Tools and alert counts per finding, from one pass over the alerts (a GROUP BY with
  // group_concat(DISTINCT) costs several times more on an encrypted case).
  const alertCount = new Int32Array(n)
  const firstTool = new Int32Array(n)
  const moreTools = new Map<number, number[]>()
  for (const [control, resourceRow, tool] of db.prepare('SELECT control, resource_id, tool FROM alerts').raw(true).iterate() as IterableIterator<
    [string, number, string]
  >) {
    let f = first[resourceRow] ?? -1
    while (f >= 0 && seen[fControl[f]!] !== control) f = next[f]!
    if (f < 0) continue
    const t = local(tool)
    if (alertCount[f]++ === 0) firstTool[f] = t
    else if (firstTool[f] !== t) {
      const more = moreTools.get(f)
      if (!more) moreTools.set(f, [t])
      else if (!more.includes(t)) more.push(t)
    }
  }

  const fStage = findingStages(db, fId, fStatus, fRci)

  const start = new Int32Array(SEVERITIES + 1)
  for (let k = 0; k < n; k++) start[SEVERITIES - 1 - fSeverity[k]!]!++
  for (let s = 0, at = 0; s <= SEVERITIES; s++) {
    const c = start[s]!
    start[s] = at
    at += c
  }

  const col = (): Int32Array => new Int32Array(n)
  const t: FindingsTable = {
    count: n,
    strings,
    id: col(),
    control: col(),
    title: col(),
    severity: col(),
    status: col(),
    rci: col(),
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
  const order = new Int32Array(n)
  for (let k = 0; k < n; k++) order[start[SEVERITIES - 1 - fSeverity[k]!]!++] = k
  const answer = new Int32Array(seen.length).fill(-2)
  const coded = (l: number): number => {
    if (l < 0) return -1
    let c = answer[l]!
    if (c === -2) answer[l] = c = code(seen[l])
    return c
  }
  for (let p = 0; p < n; p++) {
    const k = order[p]!
    const r = fResource[k]!
    const resource = rId[r]!
    const ev = evidenced.size ? evidenced.get(evidenceKeyOf(resource)) : undefined
    t.id[p] = fId[k]!
    t.control[p] = coded(fControl[k]!)
    t.title[p] = coded(fTitle[k]!)
    t.severity[p] = fSeverity[k]!
    t.status[p] = fStatus[k]!
    t.rci[p] = fRci[k]!
    t.stage[p] = fStage[k]!
    t.regression[p] = fRegression[k]!
    t.initiative[p] = fInitiative[k]!
    t.resource[p] = resource
    t.resourceName[p] = coded(rName[r]!)
    t.resourceType[p] = coded(rType[r]!)
    t.provider[p] = coded(rProvider[r]!)
    t.account[p] = coded(rAccount[r]!)
    t.region[p] = coded(rRegion[r]!)
    t.environment[p] = ev?.environment != null ? code(ev.environment) : coded(rEnvironment[r]!)
    t.owner[p] = code(ev?.owner)
    if (alertCount[k]) {
      const more = moreTools.get(k)
      t.tools[p] = more ? code([seen[firstTool[k]!]!, ...more.map((x) => seen[x]!)].sort().join(', ')) : coded(firstTool[k]!)
      t.alerts[p] = alertCount[k]!
    } else t.tools[p] = -1
    t.firstSeen[p] = coded(fFirstSeen[k]!)
    t.lastSeen[p] = coded(fLastSeen[k]!)
  }
  return t
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
  const hasRci = db.prepare('SELECT 1 FROM rci_results WHERE finding_id = ?').pluck()
  const out = new Int32Array(ids.length)
  for (let k = 0; k < ids.length; k++) {
    const verdict = VERDICT_OF_CODE[rci[k]!] ?? 'UNSCORED'
    // status code 2 is already "a decision, or muted in every tool while open"
    const stage = placeOf({
      decision: status[k] === 2 ? 'suppressed' : null,
      muted: false,
      status: status[k] === 1 ? 'resolved' : 'open',
      state: states.get(ids[k]!) ?? 'new',
      verdict,
      investigated: verdict !== 'UNSCORED' || (status[k] !== 2 && hasRci.get(ids[k]) !== undefined)
    })
    out[k] = STAGE_CODE.get(stage)!
  }
  return out
}
