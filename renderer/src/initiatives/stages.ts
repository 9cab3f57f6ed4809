// The board's columns: where an initiative is on its way to a validated fix. The stage itself is
// the workflow's (`workflow.board`, main/workflow/board.ts: an initiative is as far as its least
// advanced finding); this adds the two places an initiative can be outside those stages.
import type { BoardInitiative, BoardStage } from '../../../shared/remediation'

export type StageId = BoardStage | 'routed'

export interface Stage {
  id: StageId
  title: string
  /** what puts an initiative here, shown under the column's title */
  rule: string
}

/** In the order of the board: new → investigated → awaiting approval → … → validated. */
export const STAGES: readonly Stage[] = [
  { id: 'new', title: 'New', rule: 'Not investigated yet' },
  { id: 'investigated', title: 'Investigated', rule: 'Has RCI verdicts (from its playbook or the generic investigation); no plan yet' },
  { id: 'planned', title: 'Awaiting approval', rule: 'A fix is planned; it waits for a named approver' },
  { id: 'approved', title: 'Approved', rule: 'The fix may run' },
  { id: 'routed', title: 'Routed', rule: 'Unsafe to fix here: sent to the owning team' },
  { id: 'remediated', title: 'Remediated', rule: 'Fixed; a later scan will tell' },
  { id: 'validated', title: 'Validated', rule: 'A later scan or check confirmed the fix' }
]

/**
 * The column of an initiative, or null when people set every finding of it aside (suppressed or
 * risk-accepted): nothing is left to fix or to validate. Routed findings leave the workflow's
 * stages; an initiative whose every remaining finding went to its owners is "routed".
 */
export function stageOf(b: BoardInitiative): StageId | null {
  const active = b.total - b.suppressed - b.accepted
  if (active <= 0) return null
  if (b.states.routed > 0 && b.states.routed >= active) return 'routed'
  return b.stage
}
