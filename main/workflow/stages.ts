// Where a finding is on its way from verdict to closed finding (its stage), and an initiative as
// far as its least advanced finding: the rule the board, the findings table and the report share.
// Kept apart from the board so that a worker thread reading the findings table loads only this.
import type { TableStage } from '../../shared/findings-table'
import type { BoardStage } from '../../shared/remediation'
import type { WfFinding } from './store'

export const STAGE_ORDER: readonly BoardStage[] = ['new', 'investigated', 'planned', 'approved', 'remediated', 'validated']

/** What decides a finding's stage: its decision, muting, status, workflow state, verdict and whether it was investigated. */
export type StageInputs = Pick<WfFinding, 'decision' | 'muted' | 'status' | 'state' | 'verdict' | 'investigated'>

/** How far one finding has come. Null: out of the stages (set aside, or with its owner). */
export function stageOf(f: StageInputs): BoardStage | null {
  if (f.decision || (f.muted && f.status === 'open') || f.state === 'routed') return null
  switch (f.state) {
    case 'new':
      if (f.status === 'resolved') return 'validated'
      // investigated even when no playbook covers the control (UNSCORED): it is not "new" any more
      return f.verdict === 'UNSCORED' && !f.investigated ? 'new' : 'investigated'
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

/** A finding's place on its way: its stage, or outside the stages: set aside (a decision, or muted in every tool) or routed to its owner. */
export function placeOf(f: StageInputs): TableStage {
  if (f.decision || (f.muted && f.status === 'open')) return 'set aside'
  if (f.state === 'routed') return 'routed'
  return stageOf(f) ?? 'set aside'
}

/** An initiative is as far as its least advanced finding that is still in the stages. */
export function initiativeStage(findings: readonly StageInputs[]): BoardStage {
  return leastAdvanced(findings.map(stageOf))
}

export function leastAdvanced(stages: ReadonlyArray<BoardStage | null>): BoardStage {
  let least: BoardStage | null = null
  for (const s of stages) if (s !== null && (least === null || STAGE_ORDER.indexOf(s) < STAGE_ORDER.indexOf(least))) least = s
  return least ?? 'new'
}
