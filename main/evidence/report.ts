// The evidence stage's part of the signed PDF report: the evidence register (every file attached
// to the case, with its SHA-256) and each initiative's evidence timeline, as `lastmile timeline
// CASE I-n --json` gives it, each event pinned to the file it was read from. It fills the
// initiatives the ingest contributor listed, so it must come after it in REPORT_CONTRIBUTORS.
// Read-only (the export may run on a case open for review).
import type { Db } from '../db/case-db'
import type { ReportContributor } from '../report/contributor'
import type { ReportEvidenceItem, ReportTimelineEvent } from '../report/data'
import { evidenceKeyOf } from '../semantics/ids'
import { listEvidence } from '../case/evidence'
import { resourcesOfRef, timelineOf } from '../case/timeline'

/** Events printed per initiative; the rest are named in a closing line (the CLI lists them all). */
const REPORT_TIMELINE_CAP = 200

function hasTable(db: Db, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name)
}

/** Every evidence file in the case, oldest bundle first. */
function evidenceRegister(db: Db): ReportEvidenceItem[] {
  return listEvidence(db).map((f) => ({ id: f.id, kind: f.kind, path: f.path, sha256: f.sha256, bytes: f.bytes, addedAt: f.addedAt }))
}

/**
 * The evidence timeline of a finding or initiative, oldest first, at most `cap` events. When
 * there are more, a last line says how many were left out and where to read them all: the report
 * has no field for it, and a silently cut timeline would read as the whole story.
 */
export function reportTimeline(db: Db, ref: string, sha256Of: (fileId: string) => string | null, cap = REPORT_TIMELINE_CAP): ReportTimelineEvent[] {
  const events = timelineOf(db, ref, { limit: cap + 1 })
  const shown = events.slice(0, cap).map(
    (e): ReportTimelineEvent => ({
      time: e.time,
      source: e.source,
      actor: e.actor,
      action: e.action,
      resource: e.resource,
      summary: e.summary,
      evidence: [{ id: e.evidence, label: e.place ? `${e.path} (${e.place})` : e.path, sha256: sha256Of(e.evidence) }]
    })
  )
  if (events.length > cap) {
    const keys = [...new Set(resourcesOfRef(db, ref).map(evidenceKeyOf))]
    const total = (db.prepare('SELECT count(*) AS n FROM evidence_timeline WHERE resource_id IN (SELECT value FROM json_each(?))').get(JSON.stringify(keys)) as { n: number }).n
    shown.push({
      time: shown[shown.length - 1].time,
      source: 'lastmile',
      actor: '—',
      action: 'timeline.truncated',
      resource: ref,
      summary: `The first ${cap} of ${total} events are printed here; \`lastmile timeline CASE ${ref} --json\` lists them all.`,
      evidence: []
    })
  }
  return shown
}

export const evidenceReportContributor: ReportContributor = {
  name: 'evidence',
  fills: ['evidence', 'timeline'],
  contribute(ctx, data) {
    const db = ctx.c.db
    if (!hasTable(db, 'evidence_files') || !hasTable(db, 'evidence_timeline')) return
    data.evidence = evidenceRegister(db)
    const sha = new Map(data.evidence.map((e) => [e.id, e.sha256]))
    const sha256Of = (id: string): string | null => sha.get(id) ?? null
    for (const ini of data.initiatives) {
      if (!/^I-\d+$/.test(ini.id)) continue
      ini.timeline = reportTimeline(db, ini.id, sha256Of)
    }
  }
}
