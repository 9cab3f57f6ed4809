// Investigation runs over a real case (the HTTPS playbook's fixture): one transaction per run
// with its audit entry, byte-identical results on the same evidence, a history entry saying what
// changed when evidence is added, cancellation that writes nothing, and the worker thread.
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import type { Progress } from '../../shared/model'
import { listAudit, verifyAudit } from '../audit/chain'
import { createCaseDb, openCaseDb, type WritableCaseDb } from '../db/case-db'
import { addEvidenceBundle } from '../evidence/service'
import { assembleReportData } from '../export/report-assemble'
import type { ReportContributor } from '../report/contributor'
import { getFinding, listFindings } from '../case/findings'
import { ingestInProcess } from '../ingest/service'
import { accessLogLine, at, COLLECTED_AT, WINDOW } from '../../test/casegen/world'
import { fixturesDir } from '../../test/casegen/generate'
import { exportFiles } from '../demo/case-builder'
import { loadPlaybooks } from './loader'
import { rciView } from '../case/rci'
import { investigateReportContributor } from './report'
import { investigateCase, investigateInWorker } from './service'

const KEY = 'service test passphrase'
const ACTOR = { kind: 'person' as const, name: 'Ana', role: 'analyst' as const }
const FIXTURE = fixturesDir('aws.s3.https-only')
const set = loadPlaybooks()

let tick = 0
const clock = () => new Date(Date.parse('2026-11-21T09:00:00Z') + tick++ * 1000).toISOString()

async function fixtureCase(dir: string): Promise<WritableCaseDb> {
  const c = createCaseDb(join(dir, 'case.lmcase'), KEY, { now: clock() })
  ingestInProcess(c, exportFiles(join(FIXTURE, 'exports')), { actor: ACTOR, now: clock })
  await addEvidenceBundle(c, join(FIXTURE, 'bundle'), { actor: ACTOR, now: clock, threads: 0 })
  return c
}

const documents = (c: WritableCaseDb) =>
  c.db.prepare('SELECT finding_id, document, digest, run_id, updated_at FROM rci_results ORDER BY finding_id').all() as Array<{
    finding_id: number
    document: string
    digest: string
  }>
const findingOf = (c: WritableCaseDb, bucket: string) => listFindings(c.db).find((f) => f.resource.id === `arn:aws:s3:::${bucket}`)!

/** A second bundle: server access logs of the archive bucket, which the first bundle lacked. */
function accessLogBundle(dir: string): string {
  const lines = [3, 40, 77].map((d) =>
    accessLogLine({
      bucket: 'acme-archive-2019',
      owner: '111122223333',
      time: at(d, 9),
      key: 'archive/2019/ledger.csv',
      requester: 'arn:aws:sts::111122223333:assumed-role/records-export/s',
      ip: '10.20.9.14',
      http: true
    })
  )
  const rel = 'aws/111122223333/s3-access-logs/acme-archive-2019/2026-08-25-09-00-00-0A1B2C3D4E5F6789'
  const body = Buffer.from(`${lines.join('\n')}\n`)
  mkdirSync(join(dir, rel, '..'), { recursive: true })
  writeFileSync(join(dir, rel), body)
  const manifest = {
    format: 'lastmile-evidence-bundle',
    version: 1,
    collectedAt: COLLECTED_AT.replace('10:00', '11:00'),
    collector: { tool: 'manual', version: '1', operator: 'records team' },
    window: WINDOW,
    scopes: [{ provider: 'aws', account: '111122223333', regions: ['us-east-1'] }],
    files: [{ path: rel, sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length }]
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest))
  return dir
}

describe('investigation runs', () => {
  it('writes every RCI and one audit entry per run; the same evidence gives byte-identical results', async () => {
    const c = await fixtureCase(tempDir())
    try {
      const progress: Progress[] = []
      const first = await investigateCase(c, { actor: ACTOR, now: clock, playbooks: set, onProgress: (p) => progress.push(p), batch: 2 })
      expect(first).toMatchObject({ status: 'completed', run: 1, findings: 7, verdicts: { SAFE: 4, RISKY: 2, UNSAFE: 1, UNSCORED: 0 }, unchanged: 0 })
      expect(first.changed.every((x) => x.before === null)).toBe(true)
      expect(progress.at(-1)).toMatchObject({ operation: 'investigate', done: 7, total: 7, unit: 'findings' })
      const before = documents(c)
      const audit = listAudit(c.db, 0, 10).entries
      expect(audit[0]).toMatchObject({ action: 'investigate.run', target: 'run-1', actor: ACTOR, details: { findings: 7, changedCount: 7 } })

      const second = await investigateCase(c, { actor: ACTOR, now: clock, playbooks: set })
      expect(second).toMatchObject({ status: 'completed', run: 2, changed: [], unchanged: 7 })
      expect(documents(c)).toEqual(before)
      const legacy = rciView(c.db, findingOf(c, 'acme-legacy-exports').id)
      expect(legacy.history).toHaveLength(1)
      expect(legacy.history[0]).toMatchObject({ run: 1, verdict: 'UNSAFE', previous: null, reason: 'first' })
      expect(verifyAudit(c.db, c.id).ok).toBe(true)

      // the same inputs in another case: the same documents, byte for byte
      const other = await fixtureCase(tempDir())
      try {
        await investigateCase(other, { actor: ACTOR, now: clock, playbooks: set })
        expect(documents(other).map((d) => d.digest)).toEqual(before.map((d) => d.digest))
      } finally {
        other.close()
      }
    } finally {
      c.close()
    }
  })

  it('adding evidence updates the verdict and says what changed, leaving the rest alone', async () => {
    const c = await fixtureCase(tempDir())
    try {
      await investigateCase(c, { actor: ACTOR, now: clock, playbooks: set })
      const archive = findingOf(c, 'acme-archive-2019')
      expect(archive.rci.verdict).toBe('RISKY')
      const before = documents(c).filter((d) => d.finding_id !== Number(archive.id.slice(2)))
      await addEvidenceBundle(c, accessLogBundle(tempDir()), { actor: ACTOR, now: clock, threads: 0 })
      const run = await investigateCase(c, { actor: ACTOR, now: clock, playbooks: set })
      expect(run.changed).toEqual([
        { finding: archive.id, before: 'RISKY', after: 'UNSAFE', changes: [{ step: 'plain-http', question: expect.any(String), before: 'unknown', after: 'yes' }] }
      ])
      expect(documents(c).filter((d) => d.finding_id !== Number(archive.id.slice(2)))).toEqual(before)
      const v = rciView(c.db, archive.id)
      expect(v.verdict).toBe('UNSAFE')
      expect(v.history.map((h) => [h.previous, h.verdict, h.reason])).toEqual([
        [null, 'RISKY', 'first'],
        ['RISKY', 'UNSAFE', 'evidence']
      ])
      expect(v.document!.steps.find((s) => s.id === 'plain-http')!.explanation).toMatch(/^3 requests over plain HTTP in the server access logs, the last on 2026-11-07/)
      expect(v.document!.bundles).toHaveLength(2)
      const entry = listAudit(c.db, 0, 1).entries[0]
      expect(entry.details).toMatchObject({ changedCount: 1, changed: [{ finding: archive.id, before: 'RISKY', after: 'UNSAFE', steps: ['plain-http: unknown → yes'] }] })
      // the findings view and the initiative board read the new verdict
      expect(getFinding(c.db, archive.id).rci.steps.map((s) => s.answer)).toEqual(['no', 'yes', 'no', 'no'])
    } finally {
      c.close()
    }
  })

  it('a cancelled run writes nothing, and one finding can be investigated alone', async () => {
    const c = await fixtureCase(tempDir())
    try {
      const entries = listAudit(c.db, 0, 1).total
      const r = await investigateCase(c, { actor: ACTOR, now: clock, playbooks: set, signal: { aborted: true } })
      expect(r.status).toBe('cancelled')
      expect(c.db.prepare('SELECT count(*) AS n FROM investigation_runs').get()).toEqual({ n: 0 })
      expect(listAudit(c.db, 0, 1).total).toBe(entries)
      expect(listFindings(c.db).every((f) => f.rci.verdict === 'UNSCORED')).toBe(true)

      const one = findingOf(c, 'acme-config-prod')
      const only = await investigateCase(c, { actor: ACTOR, now: clock, playbooks: set, findings: [one.id] })
      expect(only).toMatchObject({ findings: 1, verdicts: { SAFE: 1 } })
      await expect(investigateCase(c, { actor: ACTOR, now: clock, playbooks: set, findings: ['F-999'] })).rejects.toThrow('F-999: no open finding with this id in the case')
    } finally {
      c.close()
    }
  })

  it('refuses a case opened read-only', async () => {
    const dir = tempDir()
    ;(await fixtureCase(dir)).close()
    const ro = openCaseDb(join(dir, 'case.lmcase'), KEY, { readOnly: true })
    try {
      // A read-only case has no writable handle, so this call does not compile; forced, the
      // connection SQLite opened read-only refuses the write.
      // @ts-expect-error investigateCase needs a WritableCaseDb
      await expect(investigateCase(ro, { actor: ACTOR, playbooks: set })).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_READONLY/) })
    } finally {
      ro.close()
    }
  })

  it('runs in a worker thread with progress, and a cancelled worker writes nothing', async () => {
    const dir = tempDir()
    ;(await fixtureCase(dir)).close()
    const casePath = join(dir, 'case.lmcase')
    const cancelled = investigateInWorker({ casePath, key: KEY, actor: ACTOR })
    cancelled.cancel()
    expect((await cancelled.done).status).toBe('cancelled')
    const seen: Progress[] = []
    const r = await investigateInWorker({ casePath, key: KEY, actor: ACTOR }, (p) => seen.push(p)).done
    expect(r).toMatchObject({ status: 'completed', run: 1, findings: 7 })
    expect(seen.length).toBeGreaterThan(0)
    const c = openCaseDb(casePath, KEY)
    try {
      expect(c.db.prepare('SELECT count(*) AS n FROM investigation_runs').get()).toEqual({ n: 1 })
      expect(
        listFindings(c.db)
          .filter((f) => f.rci.verdict === 'UNSAFE')
          .map((f) => f.resource.id)
      ).toEqual(['arn:aws:s3:::acme-legacy-exports'])
    } finally {
      c.close()
    }
    await expect(investigateInWorker({ casePath, key: 'not the key', actor: ACTOR }).done).rejects.toThrow('cannot decrypt the case')
  })

  it('puts the reasoning in the report: every step, with its evidence pinned by SHA-256', async () => {
    const c = await fixtureCase(tempDir())
    try {
      await investigateCase(c, { actor: ACTOR, now: clock, playbooks: set })
      const legacy = findingOf(c, 'acme-legacy-exports')
      // a stand-in for the ingest stage's contributor, which lists the findings
      const findings: ReportContributor = {
        name: 'findings',
        fills: ['findings'],
        contribute(_ctx, data) {
          data.findings.push({
            id: legacy.id,
            control: legacy.control,
            title: legacy.title,
            resource: { ...legacy.resource },
            severity: legacy.severity,
            status: 'open',
            tools: [],
            alerts: 0,
            firstSeen: legacy.firstSeen,
            closedAt: null,
            rci: { verdict: 'UNSCORED', steps: [] },
            initiative: null
          })
        }
      }
      const data = assembleReportData(c, { generatedAt: clock(), generatedBy: ACTOR, contributors: [findings, investigateReportContributor] })
      const rci = data.findings[0].rci
      expect(rci.verdict).toBe('UNSAFE')
      const http = rci.steps.find((s) => s.id === 'plain-http')!
      expect(http.answer).toBe('yes')
      expect(http.explanation).toMatch(/\(proven\)$/)
      const log = http.evidence.find((e) => e.label.includes('/s3-access-logs/acme-legacy-exports/'))!
      expect(log.sha256).toMatch(/^[0-9a-f]{64}$/)
    } finally {
      c.close()
    }
  })
})
