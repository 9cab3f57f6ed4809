// Writing an investigation run: the run, every finding's new RCI (only where it changed), a
// history entry per change with the step answers before and after, the findings' verdict column,
// and the audit entry — all in one transaction, so a run is in the case entirely or not at all.
import { createHash } from 'node:crypto'
import type { InvestigationRunResult, RciDocument, RciHistoryEntry, RciStepChange } from '../../shared/investigate'
import type { Actor, RciVerdict } from '../../shared/model'
import { canonicalJson } from '../audit/canonical'
import { audited } from '../audit/chain'
import type { WritableCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { deferFindingsTableForResults } from '../case/findings-table-refresh'
import { hasRciTables } from '../case/rci'

/**
 * One finding's RCI as the run keeps it until it is written: the document as stored (canonical
 * JSON) and what writing needs besides, not the document's objects — at 200,000 findings those
 * held ~2 GB until the end of the run.
 */
export interface DerivedRci {
  findingId: number
  /** the finding's ref (F-12) */
  finding: string
  verdict: RciVerdict
  playbook: { id: string; sha256: string } | null
  /** the document as stored (canonical JSON) and its SHA-256 */
  text: string
  digest: string
  /** the bundles it drew on, as stored in its history entry (canonical JSON) */
  bundles: string
  steps: Array<Pick<RciDocument['steps'][number], 'id' | 'question' | 'answer'>>
}

/** What the run keeps of a document it derived. */
export function derivedRci(findingId: number, doc: RciDocument): DerivedRci {
  const { text, digest } = documentText(doc)
  return {
    findingId,
    finding: doc.finding,
    verdict: doc.verdict,
    playbook: doc.playbook ? { id: doc.playbook.id, sha256: doc.playbook.sha256 } : null,
    text,
    digest,
    bundles: canonicalJson(doc.bundles),
    steps: doc.steps.map((s) => ({ id: s.id, question: s.question, answer: s.answer }))
  }
}

export interface RunToWrite {
  startedAt: string
  results: DerivedRci[]
  playbooks: Array<{ id: string; sha256: string; custom: boolean }>
  bundles: string[]
}

/** The document as stored: canonical JSON, so the same RCI is the same bytes and digest. */
function documentText(doc: RciDocument): { text: string; digest: string } {
  const text = canonicalJson(doc)
  return { text, digest: createHash('sha256').update(text, 'utf8').digest('hex') }
}

function stepChanges(before: RciDocument | null, after: DerivedRci): RciStepChange[] {
  const prev = new Map((before?.steps ?? []).map((s) => [s.id, s]))
  const out: RciStepChange[] = []
  for (const s of after.steps) {
    const p = prev.get(s.id)
    if (!p || p.answer !== s.answer) out.push({ step: s.id, question: s.question, before: p?.answer ?? null, after: s.answer })
    prev.delete(s.id)
  }
  for (const p of prev.values()) out.push({ step: p.id, question: p.question, before: p.answer, after: null })
  return out
}

function reasonOf(before: RciDocument | null, after: DerivedRci): RciHistoryEntry['reason'] {
  if (!before) return 'first'
  if (before.playbook?.sha256 !== after.playbook?.sha256) return 'playbook'
  if (canonicalJson(before.bundles) !== after.bundles) return 'evidence'
  return 'finding'
}

export function writeRun(c: WritableCaseDb, run: RunToWrite, opts: { actor: Actor; now: () => string }): Omit<InvestigationRunResult, 'status' | 'durationMs' | 'generic'> {
  if (!hasRciTables(c.db))
    throw new LastmileError('conflict', `${c.path}: this case has no investigation tables (migration 0040); open it with a writable connection to upgrade it`)
  const db = c.db
  const verdicts: Record<RciVerdict, number> = { SAFE: 0, RISKY: 0, UNSAFE: 0, UNSCORED: 0 }
  for (const r of run.results) verdicts[r.verdict]++
  // the digest first: a result unchanged needs nothing more, and its document (kilobytes, on pages
  // to decrypt) is read and parsed only for a result that changed
  const current = db.prepare('SELECT verdict, digest FROM rci_results WHERE finding_id = ?')
  const currentDocument = db.prepare('SELECT document FROM rci_results WHERE finding_id = ?').pluck()
  return audited(
    db,
    c.id,
    opts.now,
    () => {
      const finishedAt = opts.now()
      const planned = run.results.map((r) => ({ ...r, prev: current.get(r.findingId) as { verdict: RciVerdict; digest: string } | undefined }))
      const changed = planned
        .filter((p) => p.prev?.digest !== p.digest)
        .map((p) => ({ ...p, prev: p.prev ? { ...p.prev, doc: JSON.parse(currentDocument.get(p.findingId) as string) as RciDocument } : null }))
      const runId = Number(
        db
          .prepare('INSERT INTO investigation_runs (started_at, finished_at, actor, playbooks, bundles, findings, changed, verdicts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(
            run.startedAt,
            finishedAt,
            canonicalJson(opts.actor),
            canonicalJson(run.playbooks),
            canonicalJson(run.bundles),
            run.results.length,
            changed.length,
            canonicalJson(verdicts)
          ).lastInsertRowid
      )
      const upsert = db.prepare(
        `INSERT INTO rci_results (finding_id, verdict, playbook, document, digest, run_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (finding_id) DO UPDATE SET verdict = excluded.verdict, playbook = excluded.playbook, document = excluded.document,
           digest = excluded.digest, run_id = excluded.run_id, updated_at = excluded.updated_at`
      )
      const history = db.prepare('INSERT INTO rci_history (finding_id, run_id, at, verdict, previous, reason, changes, bundles, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      const mirror = db.prepare('UPDATE findings SET rci_verdict = ? WHERE id = ? AND rci_verdict IS NOT ?')
      const out: InvestigationRunResult['changed'] = []
      // the findings table's rows of the findings written here are computed once, at the end
      const table = deferFindingsTableForResults(db)
      const written = new Set<number>()
      for (const p of changed) {
        const changes = stepChanges(p.prev?.doc ?? null, p)
        upsert.run(p.findingId, p.verdict, p.playbook?.id ?? null, p.text, p.digest, runId, finishedAt)
        history.run(p.findingId, runId, finishedAt, p.verdict, p.prev?.verdict ?? null, reasonOf(p.prev?.doc ?? null, p), canonicalJson(changes), p.bundles, p.digest)
        written.add(p.findingId)
        out.push({ finding: p.finding, before: p.prev?.verdict ?? null, after: p.verdict, changes })
      }
      for (const p of planned) if (mirror.run(p.verdict, p.findingId, p.verdict).changes) written.add(p.findingId)
      table.finish(written)
      return { run: runId, findings: run.results.length, verdicts, changed: out, unchanged: planned.length - changed.length, playbooks: run.playbooks, bundles: run.bundles }
    },
    (r) => ({
      actor: opts.actor,
      action: 'investigate.run',
      target: `run-${r.run}`,
      details: {
        findings: r.findings,
        verdicts: r.verdicts,
        unchanged: r.unchanged,
        changedCount: r.changed.length,
        // the first changes in full; the history table holds every one
        changed: r.changed
          .slice(0, 200)
          .map((x) => ({ finding: x.finding, before: x.before, after: x.after, steps: x.changes.map((s) => `${s.step}: ${s.before ?? '-'} → ${s.after ?? '-'}`) })),
        playbooks: r.playbooks,
        bundles: r.bundles
      }
    })
  )
}
