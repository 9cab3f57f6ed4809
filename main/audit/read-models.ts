// The read models of migration 0120 (initiative_finding_counts, initiative_open_accounts,
// initiative_open_alerts): counts the board and the initiatives page read instead of every
// finding and alert; and of migration 0150 (findings_table_rows, findings_table_shapes): the
// findings table's rows. Triggers keep them in each writing transaction. They are not sealed
// rows — they are drawn from sealed ones — so verification recomputes them from the tables they
// are drawn from and names a count or a row that differs (changed by hand, or a trigger dropped).
import type { Db } from '../db/case-db'
import { ALERTS_SQL, NAME_SQL, SHAPE_SQL } from '../db/migrations/0150-findings-table'

const OPEN = "f.status = 'open' AND f.decision IS NULL AND f.muted = 0"

interface ReadModel {
  table: string
  /** the group's columns, as the key names them */
  columns: readonly string[]
  /** the stored groups, as [key, n] (emptied groups, n = 0, are no group); rows: [finding id, content] */
  stored: string
  /** the same groups (or rows) recomputed from the findings, alerts, resources and workflow tables */
  recomputed: string
  /** a row per finding, its content as `columns` name it, rather than counts per group */
  rows?: boolean
}

const SEP = 'char(31)'

export const READ_MODELS: readonly ReadModel[] = [
  {
    table: 'initiative_finding_counts',
    columns: ['initiative_id', 'status', 'muted', 'decision', 'rci_verdict', 'severity', 'regression', 'state', 'investigated'],
    stored: `SELECT concat_ws(${SEP}, initiative_id, status, muted, decision, rci_verdict, severity, regression, state, investigated), n FROM initiative_finding_counts WHERE n <> 0`,
    recomputed: `SELECT concat_ws(${SEP}, f.initiative_id, f.status, f.muted, ifnull(f.decision, ''), f.rci_verdict, f.severity, f.regression,
                   ifnull(w.state, 'new'), f.rci_verdict <> 'UNSCORED' OR EXISTS (SELECT 1 FROM rci_results x WHERE x.finding_id = f.id)), count(*)
                 FROM findings f LEFT JOIN workflow_findings w ON w.finding_id = f.id WHERE f.initiative_id IS NOT NULL GROUP BY 1`
  },
  {
    table: 'initiative_open_accounts',
    columns: ['initiative_id', 'control', 'account'],
    stored: `SELECT concat_ws(${SEP}, initiative_id, control, quote(account)), n FROM initiative_open_accounts WHERE n <> 0`,
    recomputed: `SELECT concat_ws(${SEP}, f.initiative_id, f.control, quote(r.account)), count(*)
                 FROM findings f JOIN resources r ON r.id = f.resource_id WHERE f.initiative_id IS NOT NULL AND ${OPEN} GROUP BY 1`
  },
  {
    table: 'initiative_open_alerts',
    columns: ['initiative_id', 'tool'],
    stored: `SELECT concat_ws(${SEP}, initiative_id, tool), n FROM initiative_open_alerts WHERE n <> 0`,
    recomputed: `SELECT concat_ws(${SEP}, f.initiative_id, a.tool), count(*)
                 FROM alerts a JOIN findings f ON f.control = a.control AND f.resource_id = a.resource_id
                 WHERE f.initiative_id IS NOT NULL AND ${OPEN} AND a.closed_at IS NULL AND a.outcome = 'FAIL' GROUP BY 1`
  },
  {
    table: 'findings_table_rows',
    columns: ['shape', 'resource', 'name', 'alerts'],
    rows: true,
    stored: `SELECT w.finding_id, concat_ws(${SEP}, ifnull(s.shape, 'missing'), w.resource, quote(w.name), w.alerts)
             FROM findings_table_rows w LEFT JOIN findings_table_shapes s ON s.id = w.shape_id`,
    recomputed: `SELECT f.id, concat_ws(${SEP}, ${SHAPE_SQL}, r.canonical_id, quote(${NAME_SQL}), ${ALERTS_SQL}) FROM findings f JOIN resources r ON r.id = f.resource_id`
  },
  {
    table: 'findings_table_shapes',
    columns: ['shape'],
    stored: `SELECT shape, n FROM findings_table_shapes WHERE n <> 0`,
    recomputed: `SELECT ${SHAPE_SQL}, count(*) FROM findings f JOIN resources r ON r.id = f.resource_id GROUP BY 1`
  }
]

/** A group as a person reads it: `I-3, status open, decision none, …` */
function groupName(m: ReadModel, key: string): string {
  return key
    .split('\x1f')
    .map((v, i) => {
      const column = m.columns[i]
      // the initiative's public ref, as case/refs.ts initiativeRef writes it (audit sits below case)
      if (column === 'initiative_id') return `I-${Number(v)}`
      return `${column} ${v === '' || v === 'NULL' ? 'none' : v}`
    })
    .join(', ')
}

export interface ReadModelProblem {
  table: string
  reason: string
}

/** Each read model that differs from its recomputation, with how many groups (or rows) differ and the first. */
export function readModelProblems(db: Db): ReadModelProblem[] {
  const problems: ReadModelProblem[] = []
  for (const m of READ_MODELS) {
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(m.table)) continue
    const expected = new Map(db.prepare(m.recomputed).raw(true).all() as Array<[string | number, string | number]>)
    const differ: string[] = []
    for (const [key, held] of db.prepare(m.stored).raw(true).all() as Array<[string | number, string | number]>) {
      const want = expected.get(key) ?? (m.rows ? null : 0)
      expected.delete(key)
      if (want === held) continue
      if (m.rows) differ.push(`F-${key} (${groupName(m, String(held))}): ${want === null ? 'no such finding in the case' : `the case gives ${groupName(m, String(want))}`}`)
      else differ.push(`${groupName(m, String(key))}: holds ${held}, the case has ${want}`)
    }
    for (const [key, want] of expected)
      differ.push(m.rows ? `F-${key}: not held, the case gives ${groupName(m, String(want))}` : `${groupName(m, String(key))}: holds 0, the case has ${want}`)
    if (differ.length) {
      const one = differ.length === 1
      const what = m.rows ? `${one ? 'row differs' : 'rows differ'} from the findings it is drawn from` : `${one ? 'count differs' : 'counts differ'} from the findings it counts`
      problems.push({ table: m.table, reason: `${m.table}: ${differ.length} ${what} (${differ[0]}): it was changed outside Lastmile` })
    }
  }
  return problems
}
