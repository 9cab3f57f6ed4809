// An import drops the board's count triggers (0120) for its transaction and moves the counts of
// the findings it touched once at the end (board-counts-refresh.ts). The counts must be what the
// triggers would have given — readModelProblems recomputes them from the findings and alerts —
// after alerts inserted, updated, moved between findings of two initiatives, closed and
// reopened, findings created into split initiatives and new ones, and the triggers must come
// back exactly as the schema held them, after a good import and after a refused one.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readModelProblems } from '../audit/read-models'
import { asffExport, asffFinding, prowlerExport, resourceOf, type Alarm } from '../../test/fixtures/ingest/generate'
import { ANALYST, caseForEachTest } from '../../test/fixtures/ingest/support'
import { importFile } from './importer'
import { listInitiatives, splitInitiative } from './initiatives'

const t = caseForEachTest('board-counts-refresh')
const A = '111111111111'
const B = '222222222222'
const at = (d: number): string => `2025-03-${String(d).padStart(2, '0')}T10:00:00.000Z`
const alarms: Alarm[] = [
  { problem: 's3-https', account: A, region: 'us-east-1', n: 1, observedAt: at(1) },
  { problem: 's3-https', account: A, region: 'us-east-1', n: 2, observedAt: at(1) },
  { problem: 'imdsv2', account: A, region: 'us-east-1', n: 1, observedAt: at(1) },
  { problem: 'imdsv2', account: B, region: 'us-east-1', n: 1, observedAt: at(1) },
  { problem: 'ssh-open', account: A, region: 'us-east-1', n: 1, observedAt: at(1) }
]
const COUNTS = ['initiative_finding_counts', 'initiative_open_accounts', 'initiative_open_alerts']

function schema(): unknown[] {
  return t.c.db.prepare("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'table', 'index') ORDER BY type, name").all()
}

function tempTriggers(): string[] {
  return t.c.db.prepare("SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name NOT LIKE 'lastmile_seal_%'").pluck().all() as string[]
}

function counts(): unknown[] {
  return COUNTS.map((table) => t.c.db.prepare(`SELECT * FROM ${table} ORDER BY id`).all())
}

/** Import `content`; `deferred` is whether the count triggers were gone while it wrote its findings. */
function imp(name: string, content: string): { deferred: boolean } {
  const p = join(t.dir, name)
  writeFileSync(p, content)
  let deferred = false
  importFile(t.c, p, {
    actor: ANALYST,
    now: t.now,
    displayName: name,
    onProgress: (q) => {
      if (q.phase === 'findings')
        deferred = t.c.db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('read_models_alert_insert', 'read_models_finding_update')").pluck().get() === 0
    }
  })
  return { deferred }
}

/** The failing, unclosed alerts each initiative holds, by its control and the account of its split. */
function openAlerts(): Record<string, number> {
  const out: Record<string, number> = {}
  for (const i of listInitiatives(t.c.db)) {
    const account = i.selectors.find((s) => s.account)?.account
    out[account ? `${i.control} ${account === A ? 'A' : 'B'}` : i.control] = i.alerts
  }
  return out
}

describe("an import's board counts", () => {
  it('are moved once at the end for the alerts and findings it wrote, equal to their recomputation, and the triggers are back as they were', () => {
    expect(imp('sh-1.json', asffExport(alarms)).deferred).toBe(true)
    imp('prowler-1.json', prowlerExport(alarms.slice(0, 1)))
    expect(readModelProblems(t.c.db)).toEqual([])
    const imdsv2 = listInitiatives(t.c.db).find((i) => i.control === 'aws.ec2.imdsv2')!
    expect(splitInitiative(t.c, imdsv2.id, 'account', ANALYST, t.now).length).toBe(2)
    expect(openAlerts()).toMatchObject({ 'aws.s3.https-only': 3, 'aws.ec2.imdsv2 A': 1, 'aws.ec2.imdsv2 B': 1, 'aws.ec2.sg-open-admin-ports': 1 })
    const before = schema()

    // The rescan: Security Hub's finding on A's instance now names an instance of B (the same
    // alert, moved to a finding of the other initiative), the first bucket passes, the second is
    // no longer reported (closed), B has a new failing instance (a new finding in a split
    // initiative) and A a public database (a new control, a new initiative)
    const moved = asffFinding({ ...alarms[2], observedAt: at(5) })
    const elsewhere = resourceOf({ ...alarms[3], n: 5 }).arn
    ;(moved.Resources as Array<{ Id: string }>)[0].Id = elsewhere
    const rescan = [
      moved,
      asffFinding({ ...alarms[0], status: 'PASS', observedAt: at(5) }),
      asffFinding({ ...alarms[3], observedAt: at(5) }),
      asffFinding({ ...alarms[3], n: 7, observedAt: at(5) }),
      asffFinding({ ...alarms[4], observedAt: at(5) }),
      asffFinding({ problem: 'rds-public', account: A, region: 'us-east-1', n: 1, observedAt: at(5) })
    ]
    expect(imp('sh-2.json', JSON.stringify({ Findings: rescan }, null, 4)).deferred).toBe(true)
    expect(readModelProblems(t.c.db)).toEqual([])
    expect(openAlerts()).toMatchObject({ 'aws.s3.https-only': 1, 'aws.ec2.imdsv2 A': 0, 'aws.ec2.imdsv2 B': 3, 'aws.ec2.sg-open-admin-ports': 1, 'aws.rds.public-access': 1 })
    // resolved: the first bucket's finding (its alert passes) and A's instance's (its only alert moved away)
    expect(t.c.db.prepare("SELECT sum(n) FROM initiative_finding_counts WHERE status = 'resolved'").pluck().get()).toBe(2)

    // everything fails again: the closed alert reopens (a regression), the moved one goes back
    // (its finding, resolved when it left, reopens: a regression too)
    imp('sh-3.json', asffExport(alarms.map((a) => ({ ...a, observedAt: at(9) }))))
    expect(readModelProblems(t.c.db)).toEqual([])
    expect(t.c.db.prepare('SELECT sum(n) FROM initiative_finding_counts WHERE regression = 1').pluck().get()).toBe(2)
    expect(openAlerts()).toMatchObject({ 'aws.s3.https-only': 3, 'aws.ec2.imdsv2 A': 1, 'aws.ec2.imdsv2 B': 1 })
    expect(schema().filter((x) => !(x as { name: string }).name.startsWith('initiative_selectors'))).toEqual(
      before.filter((x) => !(x as { name: string }).name.startsWith('initiative_selectors'))
    )
    expect(tempTriggers()).toEqual([])

    // the triggers count the writes after the import again
    t.c.db.prepare("UPDATE findings SET status = 'resolved' WHERE id = (SELECT min(id) FROM findings)").run()
    t.c.db.prepare("UPDATE alerts SET closed_at = '2025-03-10T00:00:00.000Z' WHERE id = (SELECT max(id) FROM alerts WHERE closed_at IS NULL)").run()
    expect(readModelProblems(t.c.db)).toEqual([])
  })

  it('an import refused half-way leaves the triggers and the counts as they were', () => {
    imp('sh-1.json', asffExport(alarms))
    const before = schema()
    const held = counts()
    // the second record is cut short: the first was already written when the error comes
    const text = prowlerExport(alarms)
    const second = text.search(/\n {4}\},\n/)
    expect(second).toBeGreaterThan(0)
    expect(() => imp('prowler-cut.json', text.slice(0, second + 200))).toThrow(/prowler-cut\.json.*truncated/)
    expect(schema()).toEqual(before)
    expect(tempTriggers()).toEqual([])
    expect(counts()).toEqual(held)
    imp('prowler-1.json', prowlerExport(alarms))
    expect(readModelProblems(t.c.db)).toEqual([])
  })
})
