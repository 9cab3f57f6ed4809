// The ingest stage's part of the PDF report, from the demo case (resources/demo): scope, every
// finding, every initiative; read from a case opened read-only; fast at 10,000 findings; and the
// signed PDF, through the registered contributors, names the demo's findings and initiatives.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../shared/model'
import { testP12 } from '../../test/fixtures/export/p12'
import { tempDir } from '../../test/helpers/tmp'
import { createCaseDb, openCaseDb, type CaseDb } from '../db/case-db'
import { exportPdf } from '../export/export-pdf'
import { assembleReportData, REPORT_CONTRIBUTORS } from '../export/report-assemble'
import type { ReportData } from '../report/data'
import { buildCase, demoDir, type BuiltCase } from '../demo/case-builder'
import { listFindings } from '../case/findings'
import { listInitiatives } from './initiatives'
import { ingestReport, ingestReportContributor } from './report'
import { pdfText } from '../../test/helpers/pdf-text'

const KEY = 'ingest report test passphrase'
const ACTOR: Actor = { kind: 'person', name: 'Ana', role: 'analyst' }
let tick = 0
const now = (): string => new Date(Date.UTC(2026, 10, 21, 9, 0, tick++)).toISOString()

describe('the ingest report contributor, on the demo case', () => {
  let dir: string
  let path: string
  let built: BuiltCase
  let data: ReportData
  let c: CaseDb

  beforeAll(async () => {
    dir = tempDir()
    path = join(dir, 'demo.lmcase')
    const w = createCaseDb(path, KEY, { now: now() })
    try {
      built = await buildCase(w, { exportsDir: join(demoDir(), 'exports'), bundleDir: join(demoDir(), 'evidence'), actor: ACTOR, now })
    } finally {
      w.close()
    }
    // read-only: the export may run on a case open for review
    c = openCaseDb(path, KEY, { readOnly: true })
    data = assembleReportData(c, { generatedAt: now(), generatedBy: ACTOR, contributors: [ingestReportContributor] })
    return () => c.close()
  }, 120_000)

  it('lists every finding as the findings table does, with its initiative and RCI verdict', () => {
    const views = listFindings(c.db)
    expect(views.length).toBeGreaterThan(10)
    expect(data.findings.map((f) => f.id)).toEqual(views.map((v) => v.id))
    for (const v of views) {
      const f = data.findings.find((x) => x.id === v.id)!
      expect(f.id).toMatch(/^F-\d+$/)
      expect(f).toMatchObject({ control: v.control, title: v.title, severity: v.severity, status: v.status, initiative: v.initiative, firstSeen: v.firstSeen })
      expect(f.resource).toEqual({
        id: v.resource.id,
        type: v.resource.type,
        provider: v.resource.provider,
        account: v.resource.account,
        region: v.resource.region,
        name: v.resource.name
      })
      expect(f.alerts).toBe(v.alerts.length)
      expect(f.tools).toEqual([...new Set(v.alerts.map((a) => a.tool))].sort())
      expect(f.rci).toEqual({ verdict: v.rci.verdict, steps: [] })
      expect(f.closedAt).toBe(null)
    }
    // the investigation ran: verdicts come from the findings table, not a default
    expect([...new Set(data.findings.map((f) => f.rci.verdict))]).toEqual(expect.arrayContaining(['SAFE', 'RISKY', 'UNSAFE']))
  })

  it('lists every initiative with its findings, in the findings table order', () => {
    const views = listInitiatives(c.db)
    expect(data.initiatives.map((i) => i.id)).toEqual(views.map((v) => v.id))
    for (const ini of data.initiatives) {
      const v = views.find((x) => x.id === ini.id)!
      expect(ini).toMatchObject({ control: v.control, title: v.title, stage: 'new', timeline: [], plan: null, decisions: [], validation: null, guardrails: [] })
      expect(ini.findingIds).toEqual(data.findings.filter((f) => f.initiative === ini.id).map((f) => f.id))
      expect(ini.findingIds.length).toBe(v.findings + v.resolved + v.suppressed)
      for (const t of v.tools) expect(ini.tools).toContain(t)
    }
    for (const f of data.findings) if (f.initiative) expect(data.initiatives.some((i) => i.id === f.initiative)).toBe(true)
  })

  it('gives the scope: providers, accounts, regions, tools and every import with its hash', () => {
    const ok = built.ingest.imports.filter((i) => !('error' in i))
    expect(data.scope.imports).toHaveLength(ok.length)
    expect(new Set(data.scope.imports.map((i) => i.format))).toEqual(new Set(built.ingest.imports.flatMap((i) => ('error' in i ? [] : [i.format]))))
    for (const f of ['asff', 'prowler-ocsf', 'trivy-json']) expect(data.scope.imports.map((i) => i.format)).toContain(f)
    for (const im of data.scope.imports) {
      expect(im.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(im.alerts).toBeGreaterThan(0)
      expect(im.tool).not.toBe('')
      expect(Date.parse(im.importedAt)).not.toBeNaN()
    }
    // every export the demo holds, each imported once (the demo's README lists them)
    expect(data.scope.imports.map((i) => basename(i.file)).sort()).toEqual(readdirSync(join(demoDir(), 'exports')).sort())
    expect(data.scope.imports.length).toBeGreaterThanOrEqual(6)
    // each import's catalogue share, as its import summary said when it ran
    for (const s of ok) {
      if ('error' in s) continue
      expect(data.scope.imports.find((i) => i.id === s.importId)?.catalogue).toEqual(s.catalogue)
    }
    expect(data.scope.imports.some((i) => i.catalogue && i.catalogue.failing > 0)).toBe(true)
    for (const a of ['111122223333', '444455556666', '9b2f6c1e-3d4a-4e8b-a1f2-7c6d5e4b3a21']) expect(data.scope.accounts).toContain(a)
    expect(data.scope.providers).toEqual(expect.arrayContaining(['aws', 'azure']))
    expect(data.scope.regions).toContain('us-east-1')
    for (const t of new Set(data.findings.flatMap((f) => f.tools))) expect(data.scope.tools).toContain(t)
    expect(data.recorded).toEqual(['scope', 'findings', 'initiatives'])
  })

  it('is registered first, before the contributors that refine what it lists', () => {
    expect(REPORT_CONTRIBUTORS.map((r) => r.name)).toEqual(['ingest', 'evidence', 'investigate', 'remediation'])
    const full = assembleReportData(c, { generatedAt: now(), generatedBy: ACTOR })
    expect(full.findings.map((f) => f.id)).toEqual(data.findings.map((f) => f.id))
    // the investigation contributor filled the steps of the findings listed here
    expect(full.findings.some((f) => f.rci.steps.length > 0)).toBe(true)
  })

  it('ends in the signed PDF: pdftotext finds a finding resource and an initiative title', async () => {
    const w = openCaseDb(path, KEY)
    try {
      const p = testP12()
      const out = join(dir, 'report.pdf')
      await exportPdf(w, { out, p12Path: p.path, p12Passphrase: p.passphrase, actor: ACTOR, now, inProcess: true })
      const text = pdfText(out).replace(/\s+/g, ' ')
      // the shortest ones, so a table column does not wrap them
      const resource = [...data.findings].sort((a, b) => a.resource.id.length - b.resource.id.length)[0].resource.id
      const title = [...data.initiatives].sort((a, b) => a.title.length - b.title.length)[0].title
      expect(text).toContain(resource)
      expect(text).toContain(title)
      expect(text).not.toContain('Findings are not recorded by this version')
      // the scope says where the imports' failing alerts landed
      // (the label and its sentence may be apart in the text when the scope block crosses a page)
      expect(text).toContain('Catalogue')
      expect(text).toMatch(/\d+(\.\d)?% of [\d,]+ failing alerts on catalogued controls/)
      expect(spawnSync('pdfsig', [out], { encoding: 'utf8' }).stdout).toContain('Signature is Valid.')
    } finally {
      w.close()
    }
  }, 120_000)
})

describe('the ingest report at 10,000 findings', () => {
  it('reads them in a few queries', () => {
    const c = createCaseDb(join(tempDir(), 'big.lmcase'), KEY, { now: now() })
    try {
      const db = c.db
      const N = 10_000
      const at = '2026-11-01T00:00:00.000Z'
      db.transaction(() => {
        db.prepare(
          `INSERT INTO imports (id, seq, file_name, file_sha256, file_bytes, format, source, tools, accounts, regions, artifacts, imported_at, actor, alerts)
           VALUES ('IMP-1', 1, 'big.json', ?, 1, 'asff', 'securityhub', '["securityhub"]', '["111122223333"]', '["us-east-1"]', '[]', ?, '{}', ?)`
        ).run('a'.repeat(64), at, N * 2)
        db.prepare("INSERT INTO initiatives (id, title, origin, created_at, created_by) VALUES (1, 'Buckets without HTTPS', 'auto', ?, '{}')").run(at)
        db.prepare("INSERT INTO initiative_selectors (initiative_id, control) VALUES (1, 'aws.s3.https-only')").run()
        const res = db.prepare(
          "INSERT INTO resources (id, key, canonical_id, canonical, type, provider, account, region) VALUES (?, ?, ?, 1, 'aws.s3.bucket', 'aws', '111122223333', 'us-east-1')"
        )
        const fin = db.prepare(
          "INSERT INTO findings (id, control, resource_id, status, severity, title, first_seen, last_seen, opened_by_import, initiative_id) VALUES (?, 'aws.s3.https-only', ?, 'open', 3, 'no HTTPS', ?, ?, 'IMP-1', 1)"
        )
        const al = db.prepare(
          `INSERT INTO alerts (uid_hash, source, tool, tool_finding_id, rule_id, rule_kind, control, resource_id, title, severity, outcome, tool_status, muted,
             first_seen, last_seen, first_import, last_import, record_no, raw_offset, raw_length)
           VALUES (?, 'securityhub', ?, ?, 'r', 'k', 'aws.s3.https-only', ?, 'no HTTPS', 3, 'FAIL', 'FAILED', 0, ?, ?, 'IMP-1', 'IMP-1', 0, 0, 1)`
        )
        for (let i = 1; i <= N; i++) {
          const arn = `arn:aws:s3:::bucket-${i}`
          res.run(i, arn, arn)
          fin.run(i, i, at, at)
          al.run(i * 2, 'securityhub', `sh-${i}`, i, at, at)
          al.run(i * 2 + 1, 'prowler', `pr-${i}`, i, at, at)
        }
      })()
      const t0 = performance.now()
      const r = ingestReport(db)
      const ms = performance.now() - t0
      expect(r.findings).toHaveLength(N)
      expect(r.findings[0]).toMatchObject({ alerts: 2, tools: ['prowler', 'securityhub'], initiative: 'I-1', severity: 'high', status: 'open' })
      expect(r.initiatives).toHaveLength(1)
      expect(r.initiatives[0].findingIds).toHaveLength(N)
      expect(ms).toBeLessThan(3000)
    } finally {
      c.close()
    }
  }, 60_000)
})
