// The vocabulary of the control evaluators. The result types are declared once, in the shared
// contract (the renderer shows them too); this file adds what only main needs.
export { fail, pass, unknown, type Verdict } from '../semantics/verdict'
export { evaluation } from '../controls/evaluation'

export type { BundleEvaluation, Evaluation, EvaluationStatus } from '../../shared/contract'

export type { ControlId } from '../controls/evaluation'
import type { ControlId } from '../controls/evaluation'

/** CIS AWS Foundations 1.12 and Security Hub IAM.22: credentials unused for 45 days or more. */
export const DEFAULT_UNUSED_KEY_DAYS = 45

export interface EvaluateOptions {
  /** only these controls (default: all) */
  controls?: readonly ControlId[]
  /** an active access key idle this many days or more is unused (default 45) */
  unusedKeyDays?: number
}
