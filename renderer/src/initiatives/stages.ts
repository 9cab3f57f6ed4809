// Where an initiative is on its way to a validated fix, read from what the case holds today.
//
// The board's stages (issue: new, investigating, ready, awaiting approval, routed, remediated,
// validated) come from two kinds of data. The RCI verdicts of an initiative's findings and what
// later scans closed are in `initiatives.list` now, so those stages are shown. Awaiting approval,
// routed and remediated come from plans, approvals and routing, which have no contract call yet:
// they join STAGES when those calls exist, rather than as columns that could never fill.
import type { InitiativeView } from '../../../shared/ingest'

export type StageId = 'new' | 'investigating' | 'ready' | 'validated'

export interface Stage {
  id: StageId
  title: string
  /** what puts an initiative here, shown under the column's title */
  rule: string
}

export const STAGES: readonly Stage[] = [
  { id: 'new', title: 'New', rule: 'No open finding investigated yet' },
  { id: 'investigating', title: 'Investigating', rule: 'Some open findings have an RCI verdict' },
  { id: 'ready', title: 'Ready', rule: 'Every open finding has an RCI verdict' },
  { id: 'validated', title: 'Validated', rule: 'A later scan resolved every finding' }
]

/**
 * The stage of an initiative, or null when nothing in it is open or resolved: every finding was
 * suppressed or accepted by a person, so there is nothing left to fix or to validate.
 */
export function stageOf(i: InitiativeView): StageId | null {
  if (i.findings === 0) return i.resolved > 0 ? 'validated' : null
  const unscored = i.rci.UNSCORED
  if (unscored >= i.findings) return 'new'
  if (unscored === 0) return 'ready'
  return 'investigating'
}
