// The vocabulary of the control evaluators. The result types are declared once, in the shared
// contract (the renderer shows them too); this file adds what only main needs.
export { fail, pass, unknown, type Verdict } from '../semantics/verdict'
export { evaluation } from '../controls/evaluation'

export type { BundleEvaluation, Evaluation, EvaluationStatus } from '../../shared/contract'

export type { ControlId } from '../controls/evaluation'
export { DEFAULT_UNUSED_KEY_DAYS } from '../controls/evaluation'
import type { ControlId } from '../controls/evaluation'

export interface EvaluateOptions {
  /** only these controls (default: all) */
  controls?: readonly ControlId[]
  /** an active access key idle this many days or more is unused (default 45) */
  unusedKeyDays?: number
}
