// The vocabulary of the control evaluators. The result types are declared once, in the shared
// contract (the renderer shows them too); this file adds what only main needs.
import type { Evaluation } from '../../shared/contract'
import type { Verdict } from '../semantics/verdict'

export { fail, pass, unknown, type Verdict } from '../semantics/verdict'

export type { BundleEvaluation, Evaluation, EvaluationStatus } from '../../shared/contract'

/** A control id (aws.s3.https-only); the controls with an evaluator are listed by ./registry.ts. */
export type ControlId = string

/** CIS AWS Foundations 1.12 and Security Hub IAM.22: credentials unused for 45 days or more. */
export const DEFAULT_UNUSED_KEY_DAYS = 45

export interface EvaluateOptions {
  /** only these controls (default: all) */
  controls?: readonly ControlId[]
  /** an active access key idle this many days or more is unused (default 45) */
  unusedKeyDays?: number
}


export function evaluation(
  control: ControlId,
  resource: string,
  verdict: Verdict,
  where: { account: string | null; region?: string | null; evidence: string[] }
): Evaluation {
  return {
    control,
    resource,
    status: verdict.status,
    reason: verdict.reason,
    account: where.account,
    region: where.region ?? null,
    evidence: where.evidence
  }
}
