// The investigation's part of the signed PDF report: each finding's RCI with its steps, and the
// evidence behind every answer pinned by its SHA-256, so a reader sees the reasoning and can check
// that the evidence is the evidence. Read-only (the export may run on a case open for review).
import type { ReportContributor } from '../report/contributor'
import type { ReportEvidenceRef } from '../report/data'
import { hasRciTables, rciDocument } from '../case/rci'

export const investigateReportContributor: ReportContributor = {
  name: 'investigate',
  // the findings section is the ingest stage's; this fills the RCI of the findings it listed,
  // so it must come after the ingest contributor in REPORT_CONTRIBUTORS
  fills: [],
  contribute(ctx, data) {
    const db = ctx.c.db
    if (!hasRciTables(db)) return
    const fileStmt = db.prepare('SELECT path, sha256 FROM evidence_files WHERE id = ?')
    const refs = new Map<string, ReportEvidenceRef>()
    const refOf = (id: string): ReportEvidenceRef => {
      let r = refs.get(id)
      if (!r) {
        const f = fileStmt.get(id) as { path: string; sha256: string } | undefined
        // step evidence is evidence files, or (container images) the scanner alerts themselves
        r = f ? { id, label: f.path, sha256: f.sha256 } : { id, label: /^A-\d+$/.test(id) ? `alert ${id} (its record is kept in the case)` : id, sha256: null }
        refs.set(id, r)
      }
      return r
    }
    for (const f of data.findings) {
      const m = /^F-(\d+)$/.exec(f.id)
      if (!m) continue
      const doc = rciDocument(db, Number(m[1]))
      if (!doc) continue
      f.rci = {
        verdict: doc.verdict,
        because: doc.because,
        generic: doc.generic?.effect ?? null,
        steps: doc.steps.map((s) => ({
          id: s.id,
          question: s.question,
          answer: s.answer,
          explanation: s.explanation + (s.certainty ? ` (${s.certainty})` : ''),
          evidence: s.evidence.map(refOf)
        }))
      }
    }
  }
}
