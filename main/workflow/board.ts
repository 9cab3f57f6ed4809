// The board: where each initiative is on its way from verdict to closed finding, and each
// finding's workflow history (transitions, decisions, executions, validations).
import type { Actor } from '../../shared/model'
import type { BoardInitiative, BoardStage, FindingWorkflowView, WorkflowState } from '../../shared/remediation'
import { WORKFLOW_STATES } from '../../shared/remediation'
import type { Db } from '../db/case-db'
import { cachedRead } from '../db/read-cache'
import { listInitiatives } from '../ingest/initiatives'
import { executionView } from './execution'
import { approvalView } from './plans'
import { findingById, findingRef, planRef } from './store'
import { validationView } from './validation'
import { leastAdvanced, STAGE_ORDER, stageOf, type StageInputs } from './stages'

export { initiativeStage, placeOf, stageOf, type StageInputs } from './stages'

/** One group of an initiative's findings that share everything the board counts by. */
interface BoardGroup extends StageInputs {
  initiative: number
  regression: boolean
  n: number
}

/**
 * The board from the groups of findings kept at write time (what the board counts, per
 * initiative: migration 0120), instead of loading every finding of every initiative — or even
 * one pass over them, which cost 0.3 s of decryption on a case of 200,000 findings opened cold.
 */
export function boardInitiatives(db: Db): BoardInitiative[] {
  return cachedRead(db, 'board', () => computeBoard(db))
}

function computeBoard(db: Db): BoardInitiative[] {
  const groups = new Map<number, BoardGroup[]>()
  // the groups are kept at write time by the triggers of migration 0120 (read-models)
  for (const r of db
    .prepare(
      `SELECT initiative_id AS initiative, status, muted, nullif(decision, '') AS decision, rci_verdict AS verdict, state, regression, investigated, sum(n) AS n
       FROM initiative_finding_counts WHERE n > 0 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`
    )
    .iterate() as IterableIterator<Omit<BoardGroup, 'muted' | 'regression' | 'investigated'> & { muted: number; regression: number; investigated: number }>) {
    const g: BoardGroup = { ...r, muted: r.muted === 1, regression: r.regression === 1, investigated: r.investigated === 1 }
    const list = groups.get(g.initiative)
    if (list) list.push(g)
    else groups.set(g.initiative, [g])
  }
  const isRegression = (g: BoardGroup): boolean => g.state === 'regression' || (g.regression && g.status === 'open' && g.state === 'new')
  // the findings named one by one: regressions and drifted plans (few, and found through indexes)
  const named = (sql: string): Map<number, string[]> => {
    const m = new Map<number, string[]>()
    for (const r of db.prepare(sql).iterate() as IterableIterator<{ i: number; id: number }>) {
      const list = m.get(r.i)
      if (list) list.push(findingRef(r.id))
      else m.set(r.i, [findingRef(r.id)])
    }
    return m
  }
  const anyRegression = [...groups.values()].some((gs) => gs.some(isRegression))
  const regressions = anyRegression
    ? named(
        // two halves, each through its index (workflow_findings_state, findings_regression), not a scan of every finding
        `SELECT f.initiative_id AS i, f.id FROM workflow_findings w JOIN findings f ON f.id = w.finding_id
         WHERE w.state = 'regression' AND f.initiative_id IS NOT NULL
         UNION
         SELECT f.initiative_id, f.id FROM findings f LEFT JOIN workflow_findings w ON w.finding_id = f.id
         WHERE f.regression = 1 AND f.status = 'open' AND f.initiative_id IS NOT NULL AND ifnull(w.state, 'new') = 'new'
         ORDER BY 2`
      )
    : new Map<number, string[]>()
  const drifted = named(
    `SELECT DISTINCT f.initiative_id AS i, t.finding_id AS id FROM workflow_findings w JOIN workflow_transitions t ON t.finding_id = w.finding_id
     JOIN findings f ON f.id = w.finding_id
     WHERE w.state IN ('planned', 'approved') AND t.reason LIKE 'drift:%' ORDER BY 1, 2`
  )
  return listInitiatives(db).map((ini) => {
    const n = Number(ini.id.slice(2))
    const gs = groups.get(n) ?? []
    const states = Object.fromEntries(WORKFLOW_STATES.map((s) => [s, 0])) as Record<WorkflowState, number>
    const stages = Object.fromEntries(STAGE_ORDER.map((s) => [s, 0])) as Record<BoardStage, number>
    let suppressed = 0
    let accepted = 0
    let total = 0
    for (const g of gs) {
      total += g.n
      if (!g.decision) states[g.state] += g.n
      const s = stageOf(g)
      if (s) stages[s] += g.n
      if (g.decision === 'suppressed' || (g.muted && g.status === 'open' && !g.decision)) suppressed += g.n
      if (g.decision === 'risk-accepted') accepted += g.n
    }
    return {
      id: ini.id,
      title: ini.title,
      control: ini.control,
      stage: leastAdvanced(gs.map(stageOf)),
      states,
      stages,
      suppressed,
      accepted,
      regressions: regressions.get(n) ?? [],
      drifted: drifted.get(n) ?? [],
      total
    }
  })
}

export function findingWorkflow(db: Db, ref: string): FindingWorkflowView {
  const f = findingById(db, ref)
  const history = (
    db.prepare('SELECT * FROM workflow_transitions WHERE finding_id = ? ORDER BY id').all(f.id) as Array<{
      from_state: WorkflowState
      to_state: WorkflowState
      event: string
      plan_id: number | null
      reason: string | null
      actor: string
      at: string
    }>
  ).map((t) => ({
    at: t.at,
    from: t.from_state,
    to: t.to_state,
    event: t.event,
    reason: t.reason,
    actor: JSON.parse(t.actor) as Actor,
    plan: t.plan_id === null ? null : planRef(t.plan_id)
  }))
  return {
    finding: f.ref,
    state: f.state,
    plan: f.planId === null ? null : planRef(f.planId),
    reason: f.stateReason,
    decision: f.decision ? { decision: f.decision, reason: f.decisionReason ?? '', by: f.decisionActor!, at: f.decisionAt ?? '', expires: f.decisionExpires } : null,
    history,
    approvals: (db.prepare('SELECT * FROM approvals WHERE finding_id = ? ORDER BY id').all(f.id) as Array<Record<string, unknown>>).map(approvalView),
    executions: (db.prepare('SELECT id FROM executions WHERE finding_id = ? ORDER BY id').all(f.id) as Array<{ id: number }>).map((e) => executionView(db, e.id)),
    validations: (db.prepare('SELECT id FROM validations WHERE finding_id = ? ORDER BY id').all(f.id) as Array<{ id: number }>).map((v) => validationView(db, v.id))
  }
}
