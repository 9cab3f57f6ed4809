// The board: where each initiative is on its way from verdict to closed finding, and each
// finding's workflow history (transitions, decisions, executions, validations).
import type { Actor } from '../../shared/model'
import type { BoardInitiative, BoardStage, FindingWorkflowView, WorkflowState } from '../../shared/remediation'
import { WORKFLOW_STATES } from '../../shared/remediation'
import type { Db } from '../db/case-db'
import { listInitiatives } from '../ingest/initiatives'
import { executionView } from './execution'
import { approvalView } from './plans'
import { findingById, findingsWhere, planRef, type WfFinding } from './store'
import { validationView } from './validation'

const STAGE_ORDER: readonly BoardStage[] = ['new', 'investigated', 'planned', 'approved', 'remediated', 'validated']

/** How far one finding has come. Null: out of the stages (set aside, or with its owner). */
export function stageOf(f: WfFinding): BoardStage | null {
  if (f.decision || (f.muted && f.status === 'open') || f.state === 'routed') return null
  switch (f.state) {
    case 'new':
      if (f.status === 'resolved') return 'validated'
      return f.verdict === 'UNSCORED' ? 'new' : 'investigated'
    case 'rejected':
    case 'reopened':
    case 'regression':
      return 'investigated'
    case 'planned':
      return 'planned'
    case 'approved':
    case 'failed':
      return 'approved'
    case 'remediated':
      return 'remediated'
    case 'closed':
      return 'validated'
    default:
      return null
  }
}

/** An initiative is as far as its least advanced finding that is still in the stages. */
export function initiativeStage(findings: readonly WfFinding[]): BoardStage {
  const stages = findings.map(stageOf).filter((s): s is BoardStage => s !== null)
  if (!stages.length) return 'new'
  return stages.reduce((a, b) => (STAGE_ORDER.indexOf(b) < STAGE_ORDER.indexOf(a) ? b : a))
}

export function boardInitiatives(db: Db): BoardInitiative[] {
  return listInitiatives(db).map((ini) => {
    const n = Number(ini.id.slice(2))
    const findings = findingsWhere(db, 'f.initiative_id = ?', [n])
    const states = Object.fromEntries(WORKFLOW_STATES.map((s) => [s, 0])) as Record<WorkflowState, number>
    for (const f of findings) if (!f.decision) states[f.state]++
    const stages = Object.fromEntries(STAGE_ORDER.map((s) => [s, 0])) as Record<BoardStage, number>
    for (const f of findings) {
      const s = stageOf(f)
      if (s) stages[s]++
    }
    const drifted = db
      .prepare(
        `SELECT DISTINCT t.finding_id FROM workflow_transitions t JOIN findings f ON f.id = t.finding_id JOIN workflow_findings w ON w.finding_id = f.id
         WHERE f.initiative_id = ? AND t.reason LIKE 'drift:%' AND w.state IN ('planned', 'approved')`
      )
      .all(n) as Array<{ finding_id: number }>
    return {
      id: ini.id,
      title: ini.title,
      control: ini.control,
      stage: initiativeStage(findings),
      states,
      stages,
      suppressed: findings.filter((f) => f.decision === 'suppressed' || (f.muted && f.status === 'open' && !f.decision)).length,
      accepted: findings.filter((f) => f.decision === 'risk-accepted').length,
      regressions: findings.filter((f) => f.state === 'regression' || (f.regression && f.status === 'open' && f.state === 'new')).map((f) => f.ref),
      drifted: drifted.map((d) => `F-${d.finding_id}`),
      total: findings.length
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
  ).map((t) => ({ at: t.at, from: t.from_state, to: t.to_state, event: t.event, reason: t.reason, actor: JSON.parse(t.actor) as Actor, plan: t.plan_id === null ? null : planRef(t.plan_id) }))
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
