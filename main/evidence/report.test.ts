// The evidence stage's part of the PDF report, from the demo case (resources/demo): the evidence
// register with every file's hash, and each initiative's timeline as `lastmile timeline --json`
// gives it, capped for the PDF with a line that says so.
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../shared/model'
import { tempDir } from '../../test/helpers/tmp'
import { createCaseDb, openCaseDb, type CaseDb } from '../db/case-db'
import { assembleReportData } from '../export/report-assemble'
import type { ReportData } from '../report/data'
import { ingestReportContributor } from '../ingest/report'
import { buildCase, demoDir } from '../demo/case-builder'
import { evidenceReportContributor, reportTimeline } from './report'
import { listEvidence } from '../case/evidence'
import { timelineOf } from '../case/timeline'

const KEY = 'evidence report test passphrase'
const ACTOR: Actor = { kind: 'person', name: 'Ana', role: 'analyst' }
let tick = 0
const now = (): string => new Date(Date.UTC(2026, 10, 21, 9, 0, tick++)).toISOString()

describe('the evidence report contributor, on the demo case', () => {
  let c: CaseDb
  let data: ReportData

  beforeAll(async () => {
    const path = join(tempDir(), 'demo.lmcase')
    const w = createCaseDb(path, KEY, { now: now() })
    try {
      await buildCase(w, { exportsDir: join(demoDir(), 'exports'), bundleDir: join(demoDir(), 'evidence'), actor: ACTOR, now })
    } finally {
      w.close()
    }
    c = openCaseDb(path, KEY, { readOnly: true })
    data = assembleReportData(c, { generatedAt: now(), generatedBy: ACTOR, contributors: [ingestReportContributor, evidenceReportContributor] })
    return () => c.close()
  }, 120_000)

  it('lists every evidence file with its kind, size and hash', () => {
    const files = listEvidence(c.db)
    expect(files.length).toBeGreaterThan(0)
    expect(data.evidence).toEqual(files.map((f) => ({ id: f.id, kind: f.kind, path: f.path, sha256: f.sha256, bytes: f.bytes, addedAt: f.addedAt })))
    for (const e of data.evidence) expect(e.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(data.recorded).toEqual(['scope', 'findings', 'initiatives', 'evidence', 'timeline'])
  })

  it("gives each initiative its timeline, as `lastmile timeline --json` does, each event pinned to its file's hash", () => {
    const sha = new Map(data.evidence.map((e) => [e.id, e.sha256]))
    let events = 0
    for (const ini of data.initiatives) {
      const cli = timelineOf(c.db, ini.id)
      const shown = cli.slice(0, 200)
      expect(ini.timeline.slice(0, shown.length).map((e) => [e.time, e.source, e.actor, e.action, e.resource])).toEqual(
        shown.map((e) => [e.time, e.source, e.actor, e.action, e.resource])
      )
      expect(ini.timeline.length).toBe(cli.length > 200 ? 201 : cli.length)
      for (const [k, e] of shown.entries()) {
        const ev = ini.timeline[k].evidence
        expect(ev).toHaveLength(1)
        expect(ev[0].id).toBe(e.evidence)
        expect(ev[0].label).toContain(e.path)
        expect(ev[0].sha256).toBe(sha.get(e.evidence))
        expect(ini.timeline[k].summary).toContain(e.summary)
      }
      events += ini.timeline.length
    }
    expect(events).toBeGreaterThan(0)
  })

  it('caps a long timeline and says how many events were left out', () => {
    const ini = data.initiatives.find((i) => timelineOf(c.db, i.id).length > 3)!
    expect(ini).toBeDefined()
    const all = timelineOf(c.db, ini.id)
    const capped = reportTimeline(c.db, ini.id, () => null, 3)
    expect(capped).toHaveLength(4)
    expect(capped.slice(0, 3).map((e) => e.time)).toEqual(all.slice(0, 3).map((e) => e.time))
    expect(capped[3]).toMatchObject({ source: 'lastmile', action: 'timeline.truncated', evidence: [] })
    expect(capped[3].summary).toContain(`The first 3 of ${all.length} events`)
    expect(reportTimeline(c.db, ini.id, () => null, all.length)).toHaveLength(all.length)
  })
})
