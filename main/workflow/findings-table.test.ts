import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TABLE_SEVERITIES, TABLE_STAGES, TABLE_STATUSES, TABLE_VERDICTS, type FindingsTable } from '../../shared/findings-table'
import { ACCOUNT } from '../../test/fixtures/evidence/bundle-builder'
import { writeScenario } from '../../test/fixtures/evidence/scenario'
import { asffFinding, prowlerExport, type Alarm } from '../../test/fixtures/ingest/generate'
import { ANALYST, APPROVER, clock, freshCase } from '../../test/fixtures/ingest/support'
import type { WritableCaseDb } from '../db/case-db'
import { addEvidenceBundle, setAccountEnvironment } from '../evidence/service'
import { listFindings } from '../case/findings'
import { rciView } from '../case/rci'
import { investigateCase } from '../investigate/service'
import { decideFinding } from './decisions'
import { importFile } from '../ingest/importer'
import { placeOf } from './board'
import { findingsWhere } from './store'
import { computeFindingsTable, findingsTable, readRowByRowForTests } from './findings-table'

const root = mkdtempSync(join(tmpdir(), 'lastmile-findings-table-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const OTHER = '222222222222'
const alarms: Alarm[] = [
  { problem: 's3-https', account: ACCOUNT, region: 'us-east-1', n: 1 },
  { problem: 's3-https', account: OTHER, region: 'eu-west-1', n: 2 },
  { problem: 'ssh-open', account: OTHER, region: 'eu-west-1', n: 3 },
  { problem: 'rds-public', account: OTHER, region: 'eu-west-1', n: 4 }
]
/** Security Hub's record for the scenario's evidenced bucket, and for the others as generated. */
function securityHubExport(): string {
  const findings = alarms.map((a, i) => {
    const text = JSON.stringify(asffFinding(a))
    // the first alarm is about the bucket the evidence scenario describes (owner and env tags)
    return JSON.parse(i === 0 ? text.replaceAll(`app-data-${ACCOUNT}-us-east-1-1`, 'payments-prod-data') : text) as unknown
  })
  return JSON.stringify({ Findings: findings }, null, 2)
}

const row = (t: FindingsTable, id: string): number => t.id.indexOf(Number(id.slice(2)))
const str = (t: FindingsTable, c: number): string | null => (c < 0 ? null : t.strings[c]!)

describe('findings.table', () => {
  let c: WritableCaseDb
  beforeAll(async () => {
    const dir = mkdtempSync(join(root, 'case-'))
    c = freshCase(dir)
    const now = clock()
    writeFileSync(join(dir, 'sh.json'), securityHubExport())
    writeFileSync(join(dir, 'prowler.json'), prowlerExport(alarms.slice(1, 3)))
    importFile(c, join(dir, 'sh.json'), { actor: ANALYST, now, displayName: 'sh.json' })
    importFile(c, join(dir, 'prowler.json'), { actor: ANALYST, now, displayName: 'prowler.json' })
  })
  afterAll(() => c.close())

  it('holds every finding of findings.list, in its order, with the same values', () => {
    const list = listFindings(c.db)
    const t = findingsTable(c.db)
    expect(t.count).toBe(list.length)
    expect(Array.from(t.id, (n) => `F-${n}`)).toEqual(list.map((f) => f.id))
    for (const f of list) {
      const i = row(t, f.id)
      expect({
        control: str(t, t.control[i]!),
        title: str(t, t.title[i]!),
        severity: TABLE_SEVERITIES[t.severity[i]!],
        status: TABLE_STATUSES[t.status[i]!],
        rci: TABLE_VERDICTS[t.rci[i]!],
        initiative: t.initiative[i]! < 0 ? null : `I-${t.initiative[i]}`,
        resource: t.resource[i],
        type: str(t, t.resourceType[i]!),
        account: str(t, t.account[i]!),
        region: str(t, t.region[i]!),
        tools: str(t, t.tools[i]!),
        alerts: t.alerts[i],
        firstSeen: str(t, t.firstSeen[i]!),
        lastSeen: str(t, t.lastSeen[i]!)
      }).toEqual({
        control: f.control,
        title: f.title,
        severity: f.severity,
        status: f.status,
        rci: f.rci.verdict,
        initiative: f.initiative,
        resource: f.resource.id,
        type: f.resource.type,
        account: f.resource.account,
        region: f.resource.region,
        tools: [...new Set(f.alerts.map((a) => a.tool))].sort().join(', '),
        alerts: f.alerts.length,
        firstSeen: f.firstSeen,
        lastSeen: f.lastSeen
      })
    }
    // two tools reported the shared problems: deduplicated into one finding each
    expect(Array.from(t.tools, (x) => str(t, x))).toContain('prowler, securityhub')
  })

  it('stores each repeated string once', () => {
    const t = findingsTable(c.db)
    expect(new Set(t.strings).size).toBe(t.strings.length)
  })

  it('takes owner and environment from the evidence where it speaks, and the account map elsewhere', async () => {
    const bundle = join(root, 'bundle')
    writeScenario(bundle)
    await addEvidenceBundle(c, bundle, { actor: ANALYST, now: clock('2026-11-21T09:00:00.000Z'), threads: 0 })
    setAccountEnvironment(c, OTHER, 'test', { actor: ANALYST })
    const t = findingsTable(c.db)
    const bucket = t.resource.indexOf('arn:aws:s3:::payments-prod-data')
    expect(bucket).toBeGreaterThanOrEqual(0)
    expect(str(t, t.owner[bucket]!)).toBe('payments-team')
    expect(str(t, t.environment[bucket]!)).toBe('prod')
    const others = Array.from(t.account, (a, i) => (str(t, a) === OTHER ? i : -1)).filter((i) => i >= 0)
    expect(others.length).toBe(3)
    for (const i of others) expect(str(t, t.owner[i]!)).toBeNull()
  })

  it('agrees with findings.list on status and verdict when a finding is muted in its tools, resolved, or scored', () => {
    // states an import or the RCI engine would write, set directly to cover each code
    const ids = listFindings(c.db).map((f) => Number(f.id.slice(2)))
    const set = c.db.prepare('UPDATE findings SET status = ?, muted = ?, rci_verdict = ? WHERE id = ?')
    const states: Array<[string, number, string]> = [
      ['open', 1, 'SAFE'],
      ['resolved', 1, 'RISKY'],
      ['resolved', 0, 'UNSAFE'],
      ['open', 0, 'UNSCORED']
    ]
    ids.forEach((id, k) => set.run(...states[k % states.length]!, id))
    const t = findingsTable(c.db)
    const list = listFindings(c.db)
    expect(Array.from(t.id, (n) => `F-${n}`)).toEqual(list.map((f) => f.id))
    expect(Array.from(t.status, (s) => TABLE_STATUSES[s])).toEqual(list.map((f) => f.status))
    expect(Array.from(t.rci, (v) => TABLE_VERDICTS[v])).toEqual(list.map((f) => f.rci.verdict))
    expect(new Set(list.map((f) => f.status))).toEqual(new Set(['open', 'resolved', 'suppressed']))
    // each finding's stage is the board's (workflow/board.ts stageOf), outside the stages "set aside"
    const wf = new Map(findingsWhere(c.db, '1 = 1').map((f) => [f.ref, f]))
    expect(Array.from(t.stage, (s, i) => [`F-${t.id[i]}`, TABLE_STAGES[s]])).toEqual(list.map((f) => [f.id, placeOf(wf.get(f.id)!)]))
    expect(new Set(Array.from(t.stage, (s) => TABLE_STAGES[s]))).toEqual(new Set(['new', 'validated', 'set aside']))
  })

  it('shows a finding a person suppressed as suppressed', () => {
    const id = listFindings(c.db)[0]!.id
    decideFinding(c, id, 'suppressed', { actor: APPROVER, now: clock(), reason: 'compensating control in place' })
    const t = findingsTable(c.db)
    expect(TABLE_STATUSES[t.status[row(t, id)]!]).toBe('suppressed')
    expect(TABLE_STAGES[t.stage[row(t, id)]!]).toBe('set aside')
  })

  it('reads the same table from the packed strings as row by row, also when a value holds a separator', () => {
    const byRow = (): FindingsTable => {
      readRowByRowForTests(true)
      try {
        return computeFindingsTable(c.db)
      } finally {
        readRowByRowForTests(false)
      }
    }
    const ids = listFindings(c.db).map((f) => Number(f.id.slice(2)))
    const resources = c.db.prepare('SELECT id FROM resources ORDER BY id').pluck().all() as number[]
    expect(computeFindingsTable(c.db)).toEqual(byRow())
    // names that are and are not the end of the id, an environment given as empty, no account, an initiative
    const setResource = c.db.prepare('UPDATE resources SET name = ?, environment = ?, account = ? WHERE id = ?')
    setResource.run('not-the-end', '', null, resources[0])
    setResource.run(null, null, 'acct', resources[1])
    c.db.prepare('UPDATE findings SET regression = 1, severity = 0 WHERE id = ?').run(ids[1])
    const packed = computeFindingsTable(c.db)
    expect(packed).toEqual(byRow())
    expect(packed.resourceName.some((n) => n >= 0 && packed.strings[n] === 'not-the-end')).toBe(true)
    // a separator of the packed strings in a title, a resource id, a tool: read row by row, the same answer
    const edits = [
      ['UPDATE findings SET title = title || char(30) || char(31) WHERE id = ?', ids[0]],
      ['UPDATE resources SET canonical_id = canonical_id || char(30) WHERE id = ?', resources[0]],
      ['UPDATE resources SET name = char(31) || name WHERE id = ?', resources[1]],
      ["UPDATE alerts SET tool = 'x' || char(30) || tool WHERE id = (SELECT min(id) FROM alerts)", undefined]
    ] as const
    for (const [sql, id] of edits) {
      if (id === undefined) c.db.prepare(sql).run()
      else c.db.prepare(sql).run(id)
      expect(computeFindingsTable(c.db)).toEqual(byRow())
    }
    expect(computeFindingsTable(c.db).strings.some((s) => s.includes('\x1e'))).toBe(true)
  })
})

describe('findings.table after an investigation', () => {
  it('marks the verdicts a generic investigation gave, as their RCI documents record it', async () => {
    const dir = mkdtempSync(join(root, 'case-'))
    const c = freshCase(dir)
    try {
      // beside the alarms (each control with a playbook of its own), S3.14 (versioning: a generated
      // catalogue row, no playbook) and a rule no catalogue maps on the same buckets
      const others = (['S3.14', 'Lastmile.99'] as const).map((control) => {
        const f = asffFinding({ ...alarms[1]!, n: 2 })
        f.Id = `${String(f.Id)}-${control}`
        f.GeneratorId = `security-control/${control}`
        ;(f.Compliance as Record<string, unknown>).SecurityControlId = control
        return f
      })
      const sh = JSON.parse(securityHubExport()) as { Findings: unknown[] }
      writeFileSync(join(dir, 'sh.json'), JSON.stringify({ Findings: [...sh.Findings, ...others] }))
      importFile(c, join(dir, 'sh.json'), { actor: ANALYST, now: clock(), displayName: 'sh.json' })
      await investigateCase(c, { actor: ANALYST, now: clock() })
      const t = findingsTable(c.db)
      const marked = Array.from(t.id, (n, i) => [`F-${n}`, t.rciGeneric[i]])
      // the document says which playbook ran: generic.<effect> carries `generic`
      expect(marked).toEqual(Array.from(t.id, (n) => [`F-${n}`, rciView(c.db, `F-${n}`).document?.generic ? 1 : 0]))
      // S3 over HTTPS has a playbook of its own; at least one of the others has none
      const https = listFindings(c.db).filter((f) => f.control === 'aws.s3.https-only')
      expect(https.length).toBeGreaterThan(0)
      for (const f of https) expect(t.rciGeneric[row(t, f.id)]).toBe(0)
      expect(marked.filter(([, g]) => g === 1).length).toBe(2)
      expect(Array.from(t.rciGeneric).every((g) => g === 0 || g === 1)).toBe(true)
      // each finding's stage is still the board's, now that RCI documents exist (one set back to UNSCORED keeps its document)
      c.db.prepare("UPDATE findings SET rci_verdict = 'UNSCORED' WHERE id = ?").run(t.id[0])
      const after = findingsTable(c.db)
      const wf = new Map(findingsWhere(c.db, '1 = 1').map((f) => [f.ref, f]))
      expect(Array.from(after.stage, (s, i) => [`F-${after.id[i]}`, TABLE_STAGES[s]])).toEqual(Array.from(after.id, (n) => [`F-${n}`, placeOf(wf.get(`F-${n}`)!)]))
      expect(TABLE_STAGES[after.stage[row(after, `F-${t.id[0]}`)]!]).toBe('investigated')
    } finally {
      c.close()
    }
  })
})
