// Every control Lastmile evaluates from a bundle: those whose folder's control.ts has an evaluator
// (found by the control registry).
import type { EvaluationContext } from '../controls/evaluation'
import type { ControlId, Evaluation } from './types'
import { CONTROL_CODE } from '../controls/registry'

export interface ControlDefinition {
  id: ControlId
  evaluate(ctx: EvaluationContext): Evaluation[]
}

export const CONTROLS: readonly ControlDefinition[] = CONTROL_CODE.flatMap((m) => (m.evaluate ? [{ id: m.id, evaluate: m.evaluate.bind(m) }] : []))

/** Every control Lastmile can check from a bundle. */
export const CONTROL_IDS: readonly string[] = CONTROLS.map((c) => c.id)

export function isControlId(s: string): boolean {
  return CONTROL_IDS.includes(s)
}
