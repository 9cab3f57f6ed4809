import type { WritableDb } from '../db/case-db'
import { ALERTS_SQL, NAME_SQL, SHAPE_SQL } from '../db/migrations/0150-findings-table'

/**
 * The findings table's read model (migration 0150), refreshed once per import for the findings
 * it touched instead of by its row triggers at every alert and finding written.
 *
 * Those triggers compute a finding's row again (its shape: status, tools, counts…) each time one
 * of its alerts is inserted or moved and each time the finding is written: an import writing
 * 200,000 alerts and their findings ran that computation ~400,000 times, several times for a
 * finding that several tools report. Measured on 25,000 ASFF + 25,000 Prowler alerts, those
 * triggers were ~1.6 s of the imports' 8.2 s of CPU (the Prowler import refreshing, alert by
 * alert, the findings Security Hub had opened).
 *
 * For the import's transaction the row triggers on alerts and findings are dropped. Which alerts
 * were written is not noted row by row: the importer knows it (the (control, resource) pair of
 * every alert it inserted, updated, moved or closed, the pair before a move as well as after)
 * and hands that set to finish(); a TEMP trigger per alert inserted cost ~7 µs of an insert's
 * ~39. Findings updated or deleted are noted by TEMP triggers (an import updates a few per
 * alert at most); findings inserted are those past the largest id the table held, since the
 * transaction holds the write lock. At the end the rows of those findings are computed again as
 * the triggers compute them, once each, and the triggers are put back exactly as the schema held
 * them. A refresh computes a row from the tables as they stand, so the rows are what the
 * triggers would have left (the shapes' ids, internal, may differ); verification recomputes them
 * all (main/audit/read-models.ts). Any error rolls the transaction back, the dropped triggers
 * with it. The other 0150 triggers (resources, workflow, RCI documents) stay as they are.
 *
 * An investigation run's write does the same for the triggers on RCI documents and findings
 * (deferFindingsTableForResults, below).
 */

/** The row triggers an import replaces: the findings table's, on alerts and on findings. */
const DEFERRED = [
  'findings_table_alert_insert',
  'findings_table_alert_delete',
  'findings_table_alert_update',
  'findings_table_finding_insert',
  'findings_table_finding_update',
  'findings_table_finding_delete'
]

const NOTES = `
CREATE TEMP TRIGGER findings_table_note_finding_update AFTER UPDATE ON main.findings BEGIN
  INSERT OR IGNORE INTO temp.findings_table_ids (id) VALUES (OLD.id);
  INSERT OR IGNORE INTO temp.findings_table_ids (id) VALUES (NEW.id);
END;
CREATE TEMP TRIGGER findings_table_note_finding_delete AFTER DELETE ON main.findings BEGIN
  INSERT OR IGNORE INTO temp.findings_table_ids (id) VALUES (OLD.id);
END;`

const END_NOTES = `
DROP TRIGGER temp.findings_table_note_finding_update;
DROP TRIGGER temp.findings_table_note_finding_delete;`

export interface DeferredFindingsTable {
  /**
   * Refresh the rows of the findings written since, and of the findings of every alert written
   * since, and put the row triggers back. `alertPairs` names a table of (control, resource_id)
   * holding the pair of every alert inserted, updated or deleted since, before and after the
   * write. Call it in the same transaction.
   */
  finish(alertPairs: string): void
}

/** Drop these triggers for the rest of the transaction; null (nothing dropped) when the case lacks one (a schema before 0150). */
function dropTriggers(db: WritableDb, names: readonly string[], who: string): Array<{ name: string; sql: string }> | null {
  if (!db.inTransaction) throw new Error(`${who}: the read model is deferred only inside the write's transaction`)
  const triggers = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (${names.map(() => '?').join(', ')})`).all(...names) as Array<{
    name: string
    sql: string
  }>
  if (triggers.length !== names.length) return null
  for (const t of triggers) db.exec(`DROP TRIGGER main."${t.name}"`)
  db.exec('CREATE TEMP TABLE IF NOT EXISTS findings_table_ids (id INTEGER PRIMARY KEY); DELETE FROM temp.findings_table_ids;')
  return triggers
}

/** Compute again the rows of the findings in temp.findings_table_ids, as the triggers compute them, and put the triggers back. */
function refreshRows(db: WritableDb, triggers: ReadonlyArray<{ sql: string }>): void {
  // a finding deleted (or renumbered) has no row left
  db.exec('DELETE FROM findings_table_rows WHERE finding_id IN (SELECT id FROM temp.findings_table_ids) AND finding_id NOT IN (SELECT id FROM findings)')
  // what the triggers' refresh computes, each finding's shape once (the trigger computes it twice: to insert it, to find its id)
  db.exec(
    `CREATE TEMP TABLE findings_table_fresh AS
     SELECT f.id AS finding_id, ${SHAPE_SQL} AS shape, r.canonical_id AS resource, ${NAME_SQL} AS name, ${ALERTS_SQL} AS alerts
     FROM temp.findings_table_ids t CROSS JOIN findings f ON f.id = t.id JOIN resources r ON r.id = f.resource_id`
  )
  db.exec('INSERT INTO findings_table_shapes (shape, n) SELECT shape, 0 FROM temp.findings_table_fresh WHERE true ON CONFLICT (shape) DO NOTHING')
  db.exec(
    `INSERT INTO findings_table_rows (finding_id, shape_id, resource, name, alerts)
     SELECT x.finding_id, s.id, x.resource, x.name, x.alerts FROM temp.findings_table_fresh x JOIN findings_table_shapes s ON s.shape = x.shape WHERE true
     ON CONFLICT (finding_id) DO UPDATE SET shape_id = excluded.shape_id, resource = excluded.resource, name = excluded.name, alerts = excluded.alerts
     WHERE shape_id IS NOT excluded.shape_id OR resource IS NOT excluded.resource OR name IS NOT excluded.name OR alerts IS NOT excluded.alerts`
  )
  db.exec('DROP TABLE temp.findings_table_fresh')
  db.exec('DELETE FROM temp.findings_table_ids')
  for (const t of triggers) db.exec(t.sql)
}

/**
 * Drop the findings table's row triggers for the rest of this transaction (see above). A case
 * without them (a schema before 0150) keeps whatever it has: finish() then does nothing.
 */
export function deferFindingsTable(db: WritableDb): DeferredFindingsTable {
  const triggers = dropTriggers(db, DEFERRED, 'deferFindingsTable')
  if (!triggers) return { finish: () => undefined }
  const firstNew = ((db.prepare('SELECT max(id) FROM findings').pluck().get() as number | null) ?? 0) + 1
  db.exec(NOTES)
  return {
    finish(alertPairs) {
      db.exec(END_NOTES)
      db.prepare('INSERT OR IGNORE INTO temp.findings_table_ids (id) SELECT id FROM findings WHERE id >= ?').run(firstNew)
      // CROSS JOIN: the touched pairs and ids drive, since the planner, knowing nothing of a temp
      // table's size, would read every finding of the case (~60 ms of a 100-alert rescan at 100,000)
      db.exec(
        `INSERT OR IGNORE INTO temp.findings_table_ids (id)
         SELECT f.id FROM ${alertPairs} p CROSS JOIN findings f ON f.control = p.control AND f.resource_id = p.resource_id`
      )
      refreshRows(db, triggers)
    }
  }
}

/**
 * The row triggers an investigation's write replaces: the findings table's on RCI documents and
 * on findings. A run writes each finding whose result changed twice, its RCI document and the
 * verdict mirrored on the finding, and each write's trigger computed the finding's row again
 * (~100–130 µs a write with the other triggers, profiled at 17,580 findings: about half of the
 * run's write).
 */
const DEFERRED_FOR_RESULTS = [
  'findings_table_finding_insert',
  'findings_table_finding_update',
  'findings_table_finding_delete',
  'findings_table_rci_insert',
  'findings_table_rci_update',
  'findings_table_rci_delete'
]

export interface DeferredResultsTable {
  /** Refresh the rows of these findings (every finding whose RCI document or row the write changed) and put the triggers back. Same transaction. */
  finish(findingIds: Iterable<number>): void
}

/**
 * For an investigation run's write: drop those triggers for the rest of this transaction; the
 * writer knows which findings it wrote and hands them to finish(), which computes their rows once,
 * as the triggers do. Nothing else writes findings or RCI documents in that transaction. A case
 * without the triggers (a schema before 0150) keeps whatever it has: finish() then does nothing.
 */
export function deferFindingsTableForResults(db: WritableDb): DeferredResultsTable {
  const triggers = dropTriggers(db, DEFERRED_FOR_RESULTS, 'deferFindingsTableForResults')
  if (!triggers) return { finish: () => undefined }
  return {
    finish(findingIds) {
      const note = db.prepare('INSERT OR IGNORE INTO temp.findings_table_ids (id) VALUES (?)')
      for (const id of findingIds) note.run(id)
      refreshRows(db, triggers)
    }
  }
}
