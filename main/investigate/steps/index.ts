// The step-function registry: every function a playbook may name, as each control folder defines
// them (playbooks/<id>/control.ts, through the control registry).
import { controlSteps } from '../../controls/registry'
import type { StepFunction } from '../../controls/step'

const ALL: StepFunction[] = controlSteps()

export const STEP_FUNCTIONS: ReadonlyMap<string, StepFunction> = new Map(ALL.map((s) => [s.name, s]))
if (STEP_FUNCTIONS.size !== ALL.length)
  throw new Error(
    `step functions defined twice: ${ALL.map((s) => s.name)
      .filter((n, i, a) => a.indexOf(n) !== i)
      .join(', ')}`
  )

export type { StepFunction, StepContext, StepOutcome, EvidenceView, FindingSubject } from '../../controls/step'
