// Every control Lastmile evaluates from a bundle: those whose folder's control.ts has an evaluator
// (found by the control registry), and the controls not yet moved into a folder of their own.
import type { EvaluationContext } from '../controls/evaluation'
import type { AwsAccountInventory } from '../semantics/inventory'
import { evaluatePublicAccess, evaluatePublicAccessBlock } from './s3'
import type { ControlId, Evaluation } from './types'
import { CONTROL_CODE } from '../controls/registry'

export interface ControlDefinition {
  id: ControlId
  evaluate(ctx: EvaluationContext): Evaluation[]
}

const perAccount =
  (fn: (ctx: EvaluationContext, inv: AwsAccountInventory) => Evaluation[]) =>
  (ctx: EvaluationContext): Evaluation[] =>
    ctx.bundle.aws.flatMap((inv) => fn(ctx, inv))

const NOT_YET_IN_FOLDERS: readonly ControlDefinition[] = [
  {
    id: 'aws.s3.public-access',
    evaluate: perAccount(evaluatePublicAccess)
  },
  {
    id: 'aws.s3.public-access-block',
    evaluate: perAccount(evaluatePublicAccessBlock)
  }
]

export const CONTROLS: readonly ControlDefinition[] = [
  ...NOT_YET_IN_FOLDERS,
  ...CONTROL_CODE.flatMap((m) => (m.evaluate ? [{ id: m.id, evaluate: m.evaluate.bind(m) }] : []))
]

/** Every control Lastmile can check from a bundle. */
export const CONTROL_IDS: readonly string[] = CONTROLS.map((c) => c.id)

export function isControlId(s: string): boolean {
  return CONTROL_IDS.includes(s)
}
