import { COUNT_MODELS, type CountsOver } from '../audit/read-models'
import type { WritableDb } from '../db/case-db'

/**
 * The board's counts (migration 0120: initiative_finding_counts, initiative_open_accounts,
 * initiative_open_alerts), moved once per import for what it wrote instead of by their row
 * triggers at every alert and finding written.
 *
 * Those triggers move a finding (or an alert) from the group it was in to the group it is in,
 * each computed from the tables: an alert inserted for a finding that exists already (every
 * rescan, every second tool) looks the finding up and upserts a count, ~8-14 µs of the ~31-39 µs
 * an alert insert cost inside an import; a finding written counts its alerts again.
 *
 * For the import's transaction the 0120 triggers on alerts and findings are dropped, and TEMP
 * triggers note instead the image of an alert or a finding as it was before the import's first
 * write to it that could move a count (with the triggers' own conditions, so an import that
 * changes little notes little). Rows inserted are not noted: they are those past the largest id
 * each table held, since the transaction holds the write lock. At the end the counts move as
 * the triggers would have moved them, in two steps, with the GROUP BYs verification recomputes
 * the counts with (COUNT_MODELS, main/audit/read-models.ts):
 * - each finding written or inserted: its groups as it is now in, its image's out, both with
 *   the alerts as they are now;
 * - each alert written or inserted, for the finding of its pair as the finding was (its image,
 *   or the row the import did not write): the alert as it is now in, its image out.
 * The work is that of the rows written, not of the case: a 100-alert rescan moves a few groups.
 * Then the triggers are put back exactly as the schema held them.
 *
 * The import writes no workflow state, RCI document or resource account (their 0120 triggers
 * stay, and would count a finding as the findings table holds it). Any error rolls the
 * transaction back, the dropped triggers and the notes with it.
 */

/** The triggers an import replaces: the counts', on findings and on alerts. */
const DEFERRED = [
  'read_models_finding_insert',
  'read_models_finding_delete',
  'read_models_finding_update',
  'read_models_alert_insert',
  'read_models_alert_delete',
  'read_models_alert_update'
]

/** A finding's columns the counts read (0120's FINDING_COLUMNS), with its id. */
const FINDING_COLUMNS = ['id', 'control', 'resource_id', 'initiative_id', 'status', 'muted', 'decision', 'rci_verdict', 'severity', 'regression']
/** An alert's columns the counts read, with its id. */
const ALERT_COLUMNS = ['id', 'control', 'resource_id', 'tool', 'closed_at', 'outcome']

const changed = (cols: string[]): string => cols.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ')
const image = (table: string, cols: string[]): string => `INSERT OR IGNORE INTO temp.${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `OLD.${c}`).join(', ')});`

/** The notes, for an import whose new findings start at id `findings` and new alerts at `alerts`. */
function notes(findings: number, alerts: number): string {
  const f = FINDING_COLUMNS.slice(1)
  return `
CREATE TEMP TABLE IF NOT EXISTS board_counts_findings (id INTEGER PRIMARY KEY, control TEXT, resource_id INTEGER, initiative_id INTEGER, status TEXT,
  muted INTEGER, decision TEXT, rci_verdict TEXT, severity INTEGER, regression INTEGER);
CREATE INDEX IF NOT EXISTS temp.board_counts_findings_pair ON board_counts_findings (control, resource_id);
CREATE TEMP TABLE IF NOT EXISTS board_counts_alerts (id INTEGER PRIMARY KEY, control TEXT, resource_id INTEGER, tool TEXT, closed_at TEXT, outcome TEXT);
DELETE FROM temp.board_counts_findings;
DELETE FROM temp.board_counts_alerts;
CREATE TEMP TRIGGER board_counts_note_finding_update AFTER UPDATE OF ${f.join(', ')} ON main.findings
WHEN OLD.id < ${findings} AND (${changed(f)}) BEGIN
  ${image('board_counts_findings', FINDING_COLUMNS)}
END;
CREATE TEMP TRIGGER board_counts_note_finding_delete AFTER DELETE ON main.findings WHEN OLD.id < ${findings} BEGIN
  ${image('board_counts_findings', FINDING_COLUMNS)}
END;
CREATE TEMP TRIGGER board_counts_note_alert_update AFTER UPDATE OF control, resource_id, tool, closed_at, outcome ON main.alerts
WHEN OLD.id < ${alerts} AND (${changed(['control', 'resource_id', 'tool', 'outcome'])} OR (OLD.closed_at IS NULL) <> (NEW.closed_at IS NULL)) BEGIN
  ${image('board_counts_alerts', ALERT_COLUMNS)}
END;
CREATE TEMP TRIGGER board_counts_note_alert_delete AFTER DELETE ON main.alerts WHEN OLD.id < ${alerts} BEGIN
  ${image('board_counts_alerts', ALERT_COLUMNS)}
END;`
}

const END_NOTES = `
DROP TRIGGER temp.board_counts_note_finding_update;
DROP TRIGGER temp.board_counts_note_finding_delete;
DROP TRIGGER temp.board_counts_note_alert_update;
DROP TRIGGER temp.board_counts_note_alert_delete;`

export interface DeferredBoardCounts {
  /** Move the counts of the findings written since, and put the triggers back. Call it in the same transaction. */
  finish(): void
}

const firstNewId = (db: WritableDb, table: string): number => ((db.prepare(`SELECT max(id) FROM ${table}`).pluck().get() as number | null) ?? 0) + 1

/**
 * Drop the counts' triggers on findings and alerts for the rest of this transaction (see above).
 * A case without them (a schema before 0120) keeps whatever it has: finish() then does nothing.
 */
export function deferBoardCounts(db: WritableDb): DeferredBoardCounts {
  if (!db.inTransaction) throw new Error('deferBoardCounts: the counts are deferred only inside the import’s transaction')
  const triggers = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (${DEFERRED.map(() => '?').join(', ')})`).all(...DEFERRED) as Array<{
    name: string
    sql: string
  }>
  if (triggers.length !== DEFERRED.length) return { finish: () => undefined }
  for (const t of triggers) db.exec(`DROP TRIGGER main."${t.name}"`)
  const newFindings = firstNewId(db, 'findings')
  const newAlerts = firstNewId(db, 'alerts')
  db.exec(notes(newFindings, newAlerts))
  return {
    finish() {
      db.exec(END_NOTES)
      const cols = (c: string[]): string => c.join(', ')
      // the findings as they were: the images of those written, and the rows the import did not write
      const imaged: CountsOver = { findings: 'temp.board_counts_findings', alerts: 'alerts', where: 'true', first: 'findings' }
      const unwritten = `(SELECT ${cols(FINDING_COLUMNS)} FROM findings WHERE id < ${newFindings} AND id NOT IN (SELECT id FROM temp.board_counts_findings))`
      // (none in a case that held no finding: its first import)
      const asWere = newFindings > 1 ? [imaged, { ...imaged, findings: unwritten }] : []
      // the findings written (or inserted) as they are now
      const asAre: CountsOver[] = [
        { findings: 'findings', alerts: 'alerts', where: `f.id >= ${newFindings}`, first: 'findings' },
        { findings: 'findings', alerts: 'alerts', where: 'f.id IN (SELECT id FROM temp.board_counts_findings)', first: 'findings' }
      ]
      // the alerts written (or inserted) as they are now, and as they were
      // (NOT INDEXED: the new alerts are a range of ids, which the planner would otherwise read
      // through the index of open alerts, the whole case's)
      const alertsNow = [
        `(SELECT ${cols(ALERT_COLUMNS)} FROM alerts NOT INDEXED WHERE id >= ${newAlerts})`,
        `(SELECT ${cols(ALERT_COLUMNS)} FROM alerts WHERE id IN (SELECT id FROM temp.board_counts_alerts))`
      ]
      const alertsWere = 'temp.board_counts_alerts'
      for (const m of COUNT_MODELS) {
        // A finding's group moves only if the finding was written: its group as it is now in, as
        // it was out (a finding's count of alerts with the alerts as they are now)
        const parts: Array<[CountsOver, number]> = [...asAre.map((o): [CountsOver, number] => [o, 1]), [imaged, -1]]
        // An alert's count moves if it was written, for the finding of its pair as the finding
        // was (the move of a written finding is above): the alert as it is now in, as it was out
        if (m.countsAlerts) {
          for (const f of asWere) {
            for (const a of alertsNow) parts.push([{ ...f, alerts: a, first: 'alerts' }, 1])
            parts.push([{ ...f, alerts: alertsWere, first: 'alerts' }, -1])
          }
        }
        const c = cols([...m.columns])
        db.exec(
          `INSERT INTO ${m.table} (${c}, n)
           SELECT ${c}, sum(n) FROM (${parts.map(([o, sign]) => `SELECT ${c}, ${sign} * n AS n FROM (${m.groups(o)})`).join(' UNION ALL ')})
           WHERE true GROUP BY ${c} HAVING sum(n) <> 0
           ON CONFLICT ${m.conflict} DO UPDATE SET n = n + excluded.n`
        )
      }
      db.exec('DELETE FROM temp.board_counts_findings')
      db.exec('DELETE FROM temp.board_counts_alerts')
      for (const t of triggers) db.exec(t.sql)
    }
  }
}
