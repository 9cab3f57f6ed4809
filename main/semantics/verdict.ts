// A verdict before it is placed on a resource: what the shared judgements (iam-policy's
// httpsOnlyVerdict, the per-resource evaluators) return. The statuses are the shared contract's.
import type { EvaluationStatus } from '../../shared/contract'

export interface Verdict {
  status: EvaluationStatus
  reason: string
}

export const pass = (reason: string): Verdict => ({ status: 'PASS', reason })
export const fail = (reason: string): Verdict => ({ status: 'FAIL', reason })
export const unknown = (reason: string): Verdict => ({ status: 'UNKNOWN', reason })
