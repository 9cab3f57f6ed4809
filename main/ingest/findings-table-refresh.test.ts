// An import replaces the findings table's row triggers for its transaction and refreshes the rows
// of the findings it touched once at the end (findings-table-refresh.ts). The triggers must come
// back exactly as the schema held them — after a good import and after a refused one — and the
// rows must be what the triggers would have given (readModelProblems recomputes them).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readModelProblems } from '../audit/read-models'
import { asffExport, asffFinding, prowlerExport, resourceOf, type Alarm } from '../../test/fixtures/ingest/generate'
import { ANALYST, KEY, caseForEachTest } from '../../test/fixtures/ingest/support'
import { rawCaseDb } from '../../test/helpers/forge'
import { loadPlaybooks } from '../investigate/loader'
import { investigateCase } from '../investigate/service'
import { importFile } from './importer'

const t = caseForEachTest('findings-table-refresh')
const A = '111111111111'
const at = (d: number): string => `2025-03-${String(d).padStart(2, '0')}T10:00:00.000Z`
const alarms: Alarm[] = [
  { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(1) },
  { problem: 's3-https', account: A, region: 'us-east-1', n: 2, observedAt: at(1) },
  { problem: 'ssh-open', account: A, region: 'eu-west-1', n: 1, observedAt: at(1) }
]

function schema(): unknown[] {
  return t.c.db.prepare("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'table', 'index') ORDER BY type, name").all()
}

function tempTriggers(): string[] {
  return t.c.db.prepare("SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'findings_table%'").pluck().all() as string[]
}

function imp(name: string, content: string): void {
  const p = join(t.dir, name)
  writeFileSync(p, content)
  importFile(t.c, p, { actor: ANALYST, now: t.now, displayName: name })
}

describe("an import's findings table rows", () => {
  it('are refreshed once at the end, equal to their recomputation, and the row triggers are back as they were', () => {
    const before = schema()
    expect(before.filter((x) => (x as { name: string }).name.startsWith('findings_table_finding_')).length).toBe(3)
    imp('sh-1.json', asffExport(alarms))
    // Prowler reports findings Security Hub opened: their rows change (tools, alert counts)
    imp('prowler-1.json', prowlerExport(alarms.slice(1)))
    // a rescan: one passes (resolved), one is no longer reported (closed)
    imp('sh-2.json', asffExport([{ ...alarms[0], status: 'PASS', observedAt: at(5) }]))
    expect(readModelProblems(t.c.db)).toEqual([])
    expect(schema()).toEqual(before)
    expect(tempTriggers()).toEqual([])
    const rows = t.c.db.prepare('SELECT count(*) FROM findings_table_rows').pluck().get()
    expect(rows).toBe(t.c.db.prepare('SELECT count(*) FROM findings').pluck().get())
    expect(rows).toBe(3)
    expect(t.c.db.prepare("SELECT count(*) FROM findings_table_shapes WHERE shape LIKE '%prowler%'").pluck().get()).toBeGreaterThan(0)

    // the triggers work again for writes after the import
    t.c.db.prepare("UPDATE findings SET rci_verdict = 'SAFE' WHERE id = (SELECT min(id) FROM findings)").run()
    t.c.db.prepare('DELETE FROM alerts WHERE id = (SELECT max(id) FROM alerts)').run()
    expect(readModelProblems(t.c.db)).toEqual([])
  })

  it('follow every alert a rescan writes: inserted, updated, moved to another resource (both findings), closed and reopened', () => {
    imp('sh-1.json', asffExport(alarms))
    imp('prowler-1.json', prowlerExport(alarms.slice(0, 1)))
    const before = schema()
    const alertsOf = (bucket: string): number =>
      t.c.db
        .prepare('SELECT w.alerts FROM findings_table_rows w JOIN findings f ON f.id = w.finding_id JOIN resources r ON r.id = f.resource_id WHERE r.canonical_id = ?')
        .pluck()
        .get(bucket) as number
    const [first, second] = alarms.map((a) => resourceOf(a).arn)
    expect([alertsOf(first), alertsOf(second)]).toEqual([2, 1])
    // Security Hub's finding on the first bucket now names the second (the same alert, moved),
    // the second bucket's own alert is no longer reported (closed), and a new bucket fails
    const moved = asffFinding({ ...alarms[0], observedAt: at(5) })
    ;(moved.Resources as Array<{ Id: string }>)[0].Id = second
    const fresh = { ...alarms[0], n: 3, observedAt: at(5) }
    imp('sh-2.json', JSON.stringify({ Findings: [moved, asffFinding(fresh)] }, null, 4))
    expect(t.c.db.prepare('SELECT count(*) FROM alerts').pluck().get()).toBe(alarms.length + 2)
    expect([alertsOf(first), alertsOf(second), alertsOf(resourceOf(fresh).arn)]).toEqual([1, 2, 1])
    expect(t.c.db.prepare('SELECT count(*) FROM alerts WHERE closed_at IS NOT NULL').pluck().get()).toBe(1)
    expect(readModelProblems(t.c.db)).toEqual([])
    // the closed alert fails again (reopened), the moved one goes back, the new bucket's is closed
    imp('sh-3.json', asffExport(alarms.map((a) => ({ ...a, observedAt: at(9) }))))
    expect([alertsOf(first), alertsOf(second)]).toEqual([2, 1])
    expect(t.c.db.prepare('SELECT count(*) FROM alerts WHERE closed_at IS NOT NULL').pluck().get()).toBe(1)
    expect(readModelProblems(t.c.db)).toEqual([])
    expect(schema()).toEqual(before)
    expect(tempTriggers()).toEqual([])
  })

  it('an import refused half-way leaves the triggers, the rows and the shapes as they were', () => {
    imp('sh-1.json', asffExport(alarms))
    const before = schema()
    const rows = t.c.db.prepare('SELECT * FROM findings_table_rows ORDER BY finding_id').all()
    const shapes = t.c.db.prepare('SELECT * FROM findings_table_shapes ORDER BY id').all()
    // the second record is cut short: the first was already written when the error comes
    const text = prowlerExport(alarms)
    const second = text.search(/\n {4}\},\n/)
    expect(second).toBeGreaterThan(0)
    const cut = second + 200
    expect(() => imp('prowler-cut.json', text.slice(0, cut))).toThrow(/prowler-cut\.json.*truncated/)
    expect(schema()).toEqual(before)
    expect(tempTriggers()).toEqual([])
    expect(t.c.db.prepare('SELECT * FROM findings_table_rows ORDER BY finding_id').all()).toEqual(rows)
    expect(t.c.db.prepare('SELECT * FROM findings_table_shapes ORDER BY id').all()).toEqual(shapes)
    imp('prowler-1.json', prowlerExport(alarms))
    expect(readModelProblems(t.c.db)).toEqual([])
  })
})

// An investigation run's write does the same for the row triggers on RCI documents and findings
// (deferFindingsTableForResults): each finding it writes gets its row computed once, at the end.
describe("an investigation run's findings table rows", () => {
  const run = () => investigateCase(t.c, { actor: ANALYST, now: t.now, playbooks: loadPlaybooks() })
  const rowsOf = (): unknown[] =>
    t.c.db.prepare('SELECT w.finding_id, s.shape FROM findings_table_rows w JOIN findings_table_shapes s ON s.id = w.shape_id ORDER BY w.finding_id').raw().all()

  it('are refreshed once at the end, equal to their recomputation, and the row triggers are back as they were, also after a refused run', async () => {
    imp('sh-1.json', asffExport(alarms))
    const before = schema()
    const unscored = rowsOf()
    const first = await run()
    expect(first.changed.length).toBe(alarms.length)
    expect(readModelProblems(t.c.db)).toEqual([])
    expect(schema()).toEqual(before)
    expect(tempTriggers()).toEqual([])
    // each row now carries its verdict (the shape is what the table shows)
    expect(rowsOf()).not.toEqual(unscored)
    const scored = rowsOf()

    // a run that changes nothing writes no row
    const second = await run()
    expect(second.changed).toEqual([])
    expect(rowsOf()).toEqual(scored)
    expect(readModelProblems(t.c.db)).toEqual([])

    // a run refused (an RCI document changed by hand, which its write would seal over) leaves
    // the triggers and the rows as they were
    const raw = rawCaseDb(t.c.path, KEY)
    raw.prepare('UPDATE rci_results SET digest = ? WHERE finding_id = (SELECT min(finding_id) FROM rci_results)').run('f'.repeat(64))
    raw.close()
    await expect(run()).rejects.toThrow(/the case does not verify, so nothing was changed: rci_results row .* was changed outside Lastmile/)
    expect(schema()).toEqual(before)
    expect(tempTriggers()).toEqual([])
    expect(rowsOf()).toEqual(scored)

    // the triggers work again for writes after the run
    t.c.db.prepare("UPDATE findings SET rci_verdict = 'UNSAFE' WHERE id = (SELECT max(id) FROM findings)").run()
    t.c.db.prepare('DELETE FROM rci_results WHERE finding_id = (SELECT min(finding_id) FROM rci_results)').run()
    expect(readModelProblems(t.c.db)).toEqual([])
  })
})
