// Reading the RCI the investigate stage stored (migration 0040). Part of the case read model, below
// the stages: the finding views, the report, the fixes and the workflow read it without importing
// the investigate stage that wrote it.
import type { InitiativeRci, RciDocument, RciHistoryEntry, RciView } from '../../shared/investigate'
import type { InvestigationStep, RciVerdict } from '../../shared/model'
import type { Db } from '../db/case-db'
import { LastmileError } from '../errors'

interface ResultRow {
  finding_id: number
  verdict: RciVerdict
  document: string
  digest: string
  updated_at: string
}

/** Is migration 0040 in this case? (A case opened read-only from an older Lastmile may lack it.) */
export function hasRciTables(db: Db): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rci_results'").get()
}

export function rciDocument(db: Db, findingId: number): RciDocument | null {
  if (!hasRciTables(db)) return null
  const r = db.prepare('SELECT document FROM rci_results WHERE finding_id = ?').get(findingId) as { document: string } | undefined
  return r ? (JSON.parse(r.document) as RciDocument) : null
}

/** The steps as CLI.md's `findings --json` prints them: {id, question, answer, evidence, explanation}. */
export function modelSteps(doc: RciDocument | null): InvestigationStep[] {
  return (doc?.steps ?? []).map((s) => ({ id: s.id, question: s.question, answer: s.answer, evidence: s.evidence, explanation: s.explanation }))
}

/**
 * Steps of many findings at once, for list views: one query, then a lookup per finding. Findings
 * never investigated get no steps (their verdict is UNSCORED).
 */
export function rciStepsLookup(db: Db): (findingId: number) => InvestigationStep[] {
  if (!hasRciTables(db)) return () => []
  const rows = db.prepare('SELECT finding_id, document FROM rci_results').all() as Array<{ finding_id: number; document: string }>
  const byId = new Map(rows.map((r) => [r.finding_id, r.document]))
  return (id) => {
    const d = byId.get(id)
    return d ? modelSteps(JSON.parse(d) as RciDocument) : []
  }
}

function findingId(ref: string): number {
  const m = /^F-(\d{1,15})$/i.exec(ref.trim())
  if (!m) throw new LastmileError('bad-input', `${ref}: not a finding id (F-12)`)
  return Number(m[1])
}

export function rciView(db: Db, ref: string): RciView {
  const id = findingId(ref)
  const f = db.prepare('SELECT rci_verdict FROM findings WHERE id = ?').get(id) as { rci_verdict: RciVerdict } | undefined
  if (!f) throw new LastmileError('not-found', `${ref}: no such finding in this case`)
  const finding = `F-${id}`
  if (!hasRciTables(db)) return { finding, verdict: f.rci_verdict, document: null, digest: null, updatedAt: null, history: [] }
  const r = db.prepare('SELECT * FROM rci_results WHERE finding_id = ?').get(id) as ResultRow | undefined
  const history = (
    db.prepare('SELECT h.*, r.finished_at FROM rci_history h JOIN investigation_runs r ON r.id = h.run_id WHERE h.finding_id = ? ORDER BY h.id').all(id) as Array<{
      id: number
      run_id: number
      at: string
      verdict: RciVerdict
      previous: RciVerdict | null
      reason: RciHistoryEntry['reason']
      changes: string
      bundles: string
      digest: string
    }>
  ).map(
    (h): RciHistoryEntry => ({
      seq: h.id,
      at: h.at,
      run: h.run_id,
      verdict: h.verdict,
      previous: h.previous,
      reason: h.reason,
      changes: JSON.parse(h.changes),
      bundles: JSON.parse(h.bundles),
      digest: h.digest
    })
  )
  return {
    finding,
    verdict: r?.verdict ?? f.rci_verdict,
    document: r ? (JSON.parse(r.document) as RciDocument) : null,
    digest: r?.digest ?? null,
    updatedAt: r?.updated_at ?? null,
    history
  }
}

/** Each finding of an initiative with its verdict, for the initiative detail screen. */
export function initiativeRci(db: Db, ref: string): InitiativeRci {
  const m = /^I-(\d{1,15})$/i.exec(ref.trim())
  if (!m) throw new LastmileError('bad-input', `${ref}: not an initiative id (I-3)`)
  const id = Number(m[1])
  if (!db.prepare('SELECT 1 FROM initiatives WHERE id = ?').get(id)) throw new LastmileError('not-found', `${ref}: no such initiative in this case`)
  const tables = hasRciTables(db)
  const rows = db
    .prepare(
      `SELECT f.id, f.status, f.muted, f.decision, f.rci_verdict, r.canonical_id, r.name, r.account, r.region, r.environment
              ${tables ? ', x.document' : ', NULL AS document'}
       FROM findings f JOIN resources r ON r.id = f.resource_id ${tables ? 'LEFT JOIN rci_results x ON x.finding_id = f.id' : ''}
       WHERE f.initiative_id = ? ORDER BY f.id`
    )
    .all(id) as Array<{
    id: number
    status: 'open' | 'resolved'
    muted: number
    decision: string | null
    rci_verdict: RciVerdict
    canonical_id: string
    name: string | null
    account: string | null
    region: string | null
    environment: string | null
    document: string | null
  }>
  const counts: Record<RciVerdict, number> = { SAFE: 0, RISKY: 0, UNSAFE: 0, UNSCORED: 0 }
  const resources = rows.map((r) => {
    const doc = r.document ? (JSON.parse(r.document) as RciDocument) : null
    // the same reading of status as the findings view (a decision or a tool's mute suppresses)
    const status = r.decision !== null || (r.status === 'open' && r.muted === 1) ? ('suppressed' as const) : r.status
    if (status === 'open') counts[r.rci_verdict]++
    return {
      finding: `F-${r.id}`,
      status,
      resource: { id: r.canonical_id, name: r.name, account: r.account, region: r.region, environment: r.environment },
      verdict: r.rci_verdict,
      because: doc?.because ?? null,
      playbook: doc?.playbook?.id ?? null
    }
  })
  return { initiative: `I-${id}`, counts, resources }
}
