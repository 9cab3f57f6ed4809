// The counts the board and the initiatives page read (migration 0120) are kept by triggers: after
// every kind of write they must be what a GROUP BY over the findings, alerts, resources and
// workflow tables gives (readModelProblems recomputes them), and a count changed by hand is named
// by verification.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Actor, RciVerdict } from '../../shared/model'
import { asffExport, prowlerExport, type Alarm } from '../../test/fixtures/ingest/generate'
import { ANALYST, APPROVER, clock, freshCase } from '../../test/fixtures/ingest/support'
import { testPerson } from '../../test/fixtures/people'
import { SCENARIO_FINDINGS, writeAsff, writeScenarioBundle } from '../../test/fixtures/remediation/scenario'
import { verifyState } from './state-seal'
import type { WritableCaseDb } from '../db/case-db'
import { addEvidenceBundle } from '../evidence/service'
import { decideFinding } from '../workflow/decisions'
import { loadPlaybooks } from '../investigate/loader'
import { investigateCase } from '../investigate/service'
import { importFile } from '../ingest/importer'
import { listInitiatives, mergeInitiatives, splitInitiative } from '../ingest/initiatives'
import { acceptRisk, approve, clear, plan, routeFindings, suppress, type WorkflowContext } from '../workflow'
import { findingsWhere } from '../workflow/store'
import { readModelProblems } from './read-models'

const root = mkdtempSync(join(tmpdir(), 'lastmile-read-models-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0
function newCase(): { c: WritableCaseDb; dir: string } {
  const dir = join(root, `t${++n}`)
  mkdirSync(dir)
  return { c: freshCase(dir), dir }
}

const A = '111111111111'
const B = '222222222222'
const at = (d: number): string => `2025-03-${String(d).padStart(2, '0')}T10:00:00.000Z`

/** the kept counts and rows are what the case holds, and there are some */
function expectTrue(c: WritableCaseDb): void {
  expect(readModelProblems(c.db)).toEqual([])
  // the findings table's read model (0150): a row per finding, each shape counting the rows that use it
  expect(c.db.prepare('SELECT count(*) FROM findings_table_rows').pluck().get()).toBe(c.db.prepare('SELECT count(*) FROM findings').pluck().get())
  expect(
    c.db.prepare('SELECT count(*) FROM findings_table_shapes WHERE n <> (SELECT count(*) FROM findings_table_rows w WHERE w.shape_id = findings_table_shapes.id)').pluck().get()
  ).toBe(0)
  for (const t of ['initiative_finding_counts', 'initiative_open_accounts', 'initiative_open_alerts', 'findings_table_shapes']) {
    expect(c.db.prepare(`SELECT count(*) FROM ${t} WHERE n > 0`).pluck().get(), t).toBeGreaterThan(0)
  }
}

describe('the read models of the board and the initiatives', () => {
  it('equal their recomputation after imports by two tools, a rescan that closes and reopens, muting, splits, merges, decisions and deletions', async () => {
    const { c, dir } = newCase()
    const now = clock()
    const imp = (name: string, content: string): void => {
      const p = join(dir, name)
      writeFileSync(p, content)
      importFile(c, p, { actor: ANALYST, now, displayName: name })
    }
    try {
      const alarms: Alarm[] = [
        { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(1) },
        { problem: 's3-https', account: A, region: 'us-east-1', n: 2, observedAt: at(1) },
        { problem: 's3-https', account: B, region: 'eu-west-1', n: 1, observedAt: at(1) },
        { problem: 'rds-public', account: B, region: 'eu-west-1', n: 1, observedAt: at(1) },
        { problem: 'ssh-open', account: A, region: 'us-east-1', n: 1, observedAt: at(1) }
      ]
      imp('sh-1.json', asffExport(alarms))
      expectTrue(c)
      imp('prowler-1.json', prowlerExport(alarms.slice(2, 3)))
      expectTrue(c)
      const before = c.db.prepare('SELECT sum(n) FROM initiative_open_alerts').pluck().get()
      expect(before).toBe(6)

      // the next scan: one bucket passes, another is no longer reported (both resolved)
      imp('sh-2.json', asffExport([{ ...alarms[0], status: 'PASS', observedAt: at(5) }, ...alarms.slice(2).map((a) => ({ ...a, observedAt: at(5) }))]))
      expectTrue(c)
      expect(c.db.prepare("SELECT sum(n) FROM initiative_finding_counts WHERE status = 'resolved'").pluck().get()).toBe(2)
      // and they fail again: regressions
      imp('sh-3.json', asffExport(alarms.map((a) => ({ ...a, observedAt: at(9) }))))
      expectTrue(c)
      // the same export imported again changes nothing the tables show
      const rows = c.db.prepare('SELECT * FROM findings_table_rows ORDER BY finding_id').all()
      imp('sh-3-again.json', asffExport(alarms.map((a) => ({ ...a, observedAt: at(9) }))))
      expectTrue(c)
      expect(c.db.prepare('SELECT * FROM findings_table_rows ORDER BY finding_id').all()).toEqual(rows)
      expect(c.db.prepare('SELECT sum(n) FROM initiative_finding_counts WHERE regression = 1').pluck().get()).toBe(2)

      // muted in the tool (the alert's workflow status), then a person's decisions
      const findingRefs = (control: string): string[] => findingsWhere(c.db, 'f.control = ?', [control]).map((f) => f.ref)
      c.db.prepare("UPDATE findings SET muted = 1 WHERE control = 'aws.ec2.ssh-restricted' OR id = (SELECT min(id) FROM findings)").run()
      expectTrue(c)
      const https = findingRefs('aws.s3.https-only')
      decideFinding(c, https[0], 'suppressed', { actor: APPROVER, now, reason: 'test bucket' })
      expectTrue(c)
      decideFinding(c, https[0], null, { actor: APPROVER, now, reason: 'not a test bucket after all' })
      expectTrue(c)

      // regrouping: split by account, then merge another control's initiative into one part
      const ini = listInitiatives(c.db).find((i) => i.control === 'aws.s3.https-only')!.id
      const parts = splitInitiative(c, ini, 'account', ANALYST, now)
      expect(parts.length).toBe(2)
      expectTrue(c)
      const rds = listInitiatives(c.db).find((i) => i.control === 'aws.rds.not-public')
      mergeInitiatives(c, parts[0].id, rds?.id ?? listInitiatives(c.db).find((i) => !i.controls.includes('aws.s3.https-only'))!.id, ANALYST, now)
      expectTrue(c)

      const gone = Number(https[2].slice(2))
      // a resource that changes account, and findings and alerts deleted
      c.db.prepare('UPDATE resources SET account = ? WHERE id = (SELECT resource_id FROM findings WHERE id = ?)').run(B, gone)
      expectTrue(c)
      c.db.prepare('DELETE FROM alerts WHERE id = (SELECT max(id) FROM alerts)').run()
      expectTrue(c)
      c.db.prepare('DELETE FROM findings WHERE id = ?').run(gone)
      expectTrue(c)

      // an investigation (RCI documents and verdicts), a verdict changed, a document removed
      await investigateCase(c, { actor: ANALYST, now, playbooks: loadPlaybooks() })
      expect(c.db.prepare('SELECT count(*) FROM rci_results').pluck().get()).toBeGreaterThan(0)
      expectTrue(c)
      const [f1, f2] = https.map((r) => Number(r.slice(2)))
      c.db.prepare("UPDATE findings SET rci_verdict = 'SAFE' WHERE id = ?").run(f2)
      expectTrue(c)
      c.db.prepare("UPDATE findings SET rci_verdict = 'UNSCORED' WHERE id = ?").run(f1)
      c.db.prepare('DELETE FROM rci_results WHERE finding_id = ?').run(f1)
      expectTrue(c)
    } finally {
      c.close()
    }
  })

  it('equal their recomputation through the workflow: plans, approvals, routing, accepted risks, suppressions and their clearing', async () => {
    const { c, dir } = newCase()
    let t = Date.parse('2026-11-21T09:00:00Z')
    const now = (): string => new Date((t += 1000)).toISOString()
    const ana = testPerson('Ana Analyst', 'analyst')
    const bob: Actor = testPerson('Bob Approver', 'approver')
    const as = (actor: Actor): WorkflowContext => ({ actor, now, playbooks: null })
    try {
      await addEvidenceBundle(c, writeScenarioBundle(join(dir, 'bundle')), { actor: ana, now, threads: 0 })
      importFile(c, writeAsff(dir, 'securityhub.json', SCENARIO_FINDINGS), { actor: ana, now })
      const ref = (resource: string): string => findingsWhere(c.db, 'r.canonical_id = ?', [resource])[0]!.ref
      const setVerdict = (resource: string, v: RciVerdict): void => {
        c.db.prepare('UPDATE findings SET rci_verdict = ? WHERE id = ?').run(v, Number(ref(resource).slice(2)))
      }
      setVerdict('arn:aws:s3:::lm-app-data', 'SAFE')
      setVerdict('arn:aws:s3:::lm-no-policy', 'SAFE')
      setVerdict('arn:aws:s3:::lm-prefix-deny', 'RISKY')
      setVerdict('arn:aws:s3:::lm-public-site', 'UNSAFE')
      expectTrue(c)
      const initiativeOf = (control: string): string => listInitiatives(c.db).find((i) => i.control === control)!.id
      const p = plan(c, initiativeOf('aws.s3.https-only'), as(ana))
      expectTrue(c)
      approve(c, p.id, { ...as(bob), reason: 'change window CHG-1' })
      expectTrue(c)
      expect(c.db.prepare("SELECT sum(n) FROM initiative_finding_counts WHERE state = 'approved'").pluck().get()).toBe(2)
      routeFindings(c, [ref('arn:aws:s3:::lm-public-site')], { ...as(ana), groupBy: 'owner', out: join(dir, 'route') })
      expectTrue(c)
      const key = ref('arn:aws:s3:::lm-prefix-deny')
      acceptRisk(c, key, { ...as(bob), reason: 'kept as it is for now', expires: '2026-12-01T00:00:00Z' })
      expectTrue(c)
      clear(c, key, { ...as(bob), reason: 'decided again' })
      expectTrue(c)
      suppress(c, ref('arn:aws:s3:::lm-app-data'), { ...as(bob), reason: 'a test bucket' })
      expectTrue(c)
    } finally {
      c.close()
    }
  })

  it('a count or a row changed outside Lastmile is named by verification; the case as Lastmile wrote it verifies', () => {
    const { c, dir } = newCase()
    try {
      const p = join(dir, 'sh.json')
      writeFileSync(p, asffExport([{ problem: 's3-https', account: A, region: 'us-east-1', n: 1 }]))
      importFile(c, p, { actor: ANALYST, now: clock() })
      expect(verifyState(c.db).problems).toEqual([])
      c.db.prepare("UPDATE initiative_finding_counts SET n = n + 5 WHERE status = 'open'").run()
      const problems = verifyState(c.db).problems
      expect(problems).toHaveLength(1)
      expect(problems[0]).toMatchObject({ kind: 'table', table: 'initiative_finding_counts' })
      expect(problems[0].reason).toBe(
        'initiative_finding_counts: 1 count differs from the findings it counts (I-1, status open, muted 0, decision none, rci_verdict UNSCORED, severity 2, regression 0, state new, investigated 0: holds 6, the case has 1): it was changed outside Lastmile'
      )
      c.db.prepare("UPDATE initiative_finding_counts SET n = n - 5 WHERE status = 'open'").run()
      expect(verifyState(c.db).problems).toEqual([])
      // a row of the findings table changed by hand, then a shape's count
      c.db.prepare('UPDATE findings_table_rows SET alerts = 7').run()
      const bucket = 'arn:aws:s3:::app-data-111111111111-us-east-1-1'
      const shape = c.db.prepare('SELECT shape FROM findings_table_shapes').pluck().get() as string
      expect(verifyState(c.db).problems.map((p) => p.reason)).toEqual([
        `findings_table_rows: 1 row differs from the findings it is drawn from (F-1 (shape ${shape}, resource ${bucket}, name none, alerts 7): the case gives shape ${shape}, resource ${bucket}, name none, alerts 1): it was changed outside Lastmile`
      ])
      c.db.prepare('UPDATE findings_table_rows SET alerts = 1').run()
      c.db.prepare('UPDATE findings_table_shapes SET n = 2').run()
      expect(verifyState(c.db).problems.map((p) => p.reason)).toEqual([
        `findings_table_shapes: 1 count differs from the findings it counts (shape ${shape}: holds 2, the case has 1): it was changed outside Lastmile`
      ])
    } finally {
      c.close()
    }
  })
})
