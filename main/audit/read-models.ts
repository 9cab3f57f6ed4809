// The read models of migration 0120 (initiative_finding_counts, initiative_open_accounts,
// initiative_open_alerts): counts the board and the initiatives page read instead of every
// finding and alert; and of migration 0150 (findings_table_rows, findings_table_shapes): the
// findings table's rows. Triggers keep them in each writing transaction. They are not sealed
// rows — they are drawn from sealed ones — so verification recomputes them from the tables they
// are drawn from and names a count or a row that differs (changed by hand, or a trigger dropped).
import type { Db } from '../db/case-db'
import { ALERTS_SQL, NAME_SQL, SHAPE_SQL } from '../db/migrations/0150-findings-table'

const OPEN = "f.status = 'open' AND f.decision IS NULL AND f.muted = 0"

/**
 * What a count of 0120 is computed over: the findings (read as `f`: a table, or a subquery
 * SQLite flattens), their alerts (read as `a`) and which of the findings (SQL over f). The whole
 * case for verification; an import's refresh (main/ingest/board-counts-refresh.ts) computes the
 * same groups for the findings and alerts it wrote, as they were and as they are.
 */
export interface CountsOver {
  findings: string
  alerts: string
  where: string
  /**
   * Which is read first, the other looked up by (control, resource): a few alerts or findings of
   * a large case, where the planner, knowing nothing of a temp table's size or of a range of ids,
   * may read every open alert. The planner chooses when unset.
   */
  first?: 'alerts' | 'findings'
}

/** A count model of migration 0120: a row per group of findings (or of their alerts), with how many (n). */
export interface CountModel {
  table: string
  /** the group's columns, in the table and in `groups` */
  columns: readonly string[]
  /** the table's unique key over them, as an upsert names it */
  conflict: string
  /** whether it counts alerts (read from CountsOver.alerts) rather than findings */
  countsAlerts: boolean
  /** the group's key as one text, over the columns (the table's, or the groups') */
  key: string
  /** the groups and their n (the columns, then n), over `o` */
  groups(o: CountsOver): string
}

const SEP = 'char(31)'

export const COUNT_MODELS: readonly CountModel[] = [
  {
    table: 'initiative_finding_counts',
    columns: ['initiative_id', 'status', 'muted', 'decision', 'rci_verdict', 'severity', 'regression', 'state', 'investigated'],
    conflict: '(initiative_id, status, muted, decision, rci_verdict, severity, regression, state, investigated)',
    countsAlerts: false,
    key: `concat_ws(${SEP}, initiative_id, status, muted, decision, rci_verdict, severity, regression, state, investigated)`,
    groups: (o) => `SELECT f.initiative_id AS initiative_id, f.status AS status, f.muted AS muted, ifnull(f.decision, '') AS decision, f.rci_verdict AS rci_verdict,
                      f.severity AS severity, f.regression AS regression, ifnull(w.state, 'new') AS state,
                      f.rci_verdict <> 'UNSCORED' OR EXISTS (SELECT 1 FROM rci_results x WHERE x.finding_id = f.id) AS investigated, count(*) AS n
                    FROM ${o.findings} f LEFT JOIN workflow_findings w ON w.finding_id = f.id WHERE f.initiative_id IS NOT NULL AND (${o.where})
                    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`
  },
  {
    table: 'initiative_open_accounts',
    columns: ['initiative_id', 'control', 'account'],
    conflict: '(initiative_id, control, ifnull(account, char(1)))',
    countsAlerts: false,
    key: `concat_ws(${SEP}, initiative_id, control, quote(account))`,
    groups: (o) => `SELECT f.initiative_id AS initiative_id, f.control AS control, r.account AS account, count(*) AS n
                    FROM ${o.findings} f JOIN resources r ON r.id = f.resource_id WHERE f.initiative_id IS NOT NULL AND ${OPEN} AND (${o.where})
                    GROUP BY 1, 2, 3`
  },
  {
    table: 'initiative_open_alerts',
    columns: ['initiative_id', 'tool'],
    conflict: '(initiative_id, tool)',
    countsAlerts: true,
    key: `concat_ws(${SEP}, initiative_id, tool)`,
    groups: (o) => `SELECT f.initiative_id AS initiative_id, a.tool AS tool, count(*) AS n
                    FROM ${o.first === 'findings' ? `${o.findings} f CROSS JOIN ${o.alerts} a` : `${o.alerts} a ${o.first ? 'CROSS JOIN' : 'JOIN'} ${o.findings} f`}
                      ON f.control = a.control AND f.resource_id = a.resource_id
                    WHERE f.initiative_id IS NOT NULL AND ${OPEN} AND a.closed_at IS NULL AND a.outcome = 'FAIL' AND (${o.where})
                    GROUP BY 1, 2`
  }
]

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

const WHOLE_CASE: CountsOver = { findings: 'findings', alerts: 'alerts', where: 'true' }

export const READ_MODELS: readonly ReadModel[] = [
  ...COUNT_MODELS.map((m) => ({
    table: m.table,
    columns: m.columns,
    stored: `SELECT ${m.key}, n FROM ${m.table} WHERE n <> 0`,
    recomputed: `SELECT ${m.key}, n FROM (${m.groups(WHOLE_CASE)})`
  })),
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
