// Migration 0150 (the findings table's read model) builds its rows and shapes for a case written
// before it: a case that already holds findings, alerts, evidence, RCI documents and workflow
// states shows the same findings table once upgraded, its read model equals its recomputation, and
// the case still verifies (the read model is derived, never sealed).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { testPerson } from '../../../test/fixtures/people'
import { KEY, freshCase } from '../../../test/fixtures/ingest/support'
import { SCENARIO_FINDINGS, writeAsff, writeScenarioBundle } from '../../../test/fixtures/remediation/scenario'
import { readModelProblems } from '../../audit/read-models'
import { verifyState } from '../../audit/state-seal'
import { addEvidenceBundle } from '../../evidence/service'
import { importFile } from '../../ingest/importer'
import { listInitiatives } from '../../ingest/initiatives'
import { investigateCase } from '../../investigate/service'
import { plan } from '../../workflow'
import { computeFindingsTable } from '../../workflow/findings-table'
import { openCaseDb } from '../case-db'

const root = mkdtempSync(join(tmpdir(), 'lm-0150-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('0150-findings-table', () => {
  it('builds the rows and shapes of a case written before it: the same table, equal to its recomputation, and the case verifies', async () => {
    let t = Date.parse('2026-11-21T09:00:00Z')
    const now = (): string => new Date((t += 1000)).toISOString()
    const ana = testPerson('Ana Analyst', 'analyst')
    let c = freshCase(root)
    const path = c.path
    try {
      await addEvidenceBundle(c, writeScenarioBundle(join(root, 'bundle')), { actor: ana, now, threads: 0 })
      importFile(c, writeAsff(root, 'securityhub.json', SCENARIO_FINDINGS), { actor: ana, now })
      await investigateCase(c, { actor: ana, now })
      plan(c, listInitiatives(c.db).find((i) => i.control === 'aws.s3.https-only')!.id, { actor: ana, now, playbooks: null })
      const table = computeFindingsTable(c.db)
      expect(table.count).toBeGreaterThan(3)
      expect(new Set(Array.from(table.stage)).size).toBeGreaterThan(1)

      // the case as a Lastmile before 0150 left it: no read model, no triggers, schema 140
      const triggers = c.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'findings\\_table\\_%' ESCAPE '\\'").pluck().all() as string[]
      expect(triggers.length).toBeGreaterThan(10)
      c.db.transaction(() => {
        for (const name of triggers) c.db.exec(`DROP TRIGGER ${name}`)
        c.db.exec('DROP TABLE findings_table_rows; DROP TABLE findings_table_shapes')
        c.db.prepare('DELETE FROM schema_migrations WHERE version = 150').run()
        c.db.pragma('user_version = 140')
      })()
      c.close()

      c = openCaseDb(path, KEY)
      expect(c.schemaVersion).toBe(150)
      expect(c.db.prepare('SELECT count(*) FROM findings_table_rows').pluck().get()).toBe(table.count)
      expect(readModelProblems(c.db)).toEqual([])
      expect(computeFindingsTable(c.db)).toEqual(table)
      expect(verifyState(c.db).problems).toEqual([])
    } finally {
      c.close()
    }
  })
})
