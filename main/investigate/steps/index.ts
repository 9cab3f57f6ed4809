// The step-function registry: every function a playbook may name, as each control folder defines
// them (playbooks/<id>/control.ts, through the control registry), and the generic ones.
import { controlSteps } from '../../controls/registry'
import type { StepFunction } from '../../controls/step'
import { GENERIC_STEPS } from './generic'

// the control folders' own, and the generic steps any playbook may name (./generic.ts)
const ALL: StepFunction[] = [...controlSteps(), ...GENERIC_STEPS]

export const STEP_FUNCTIONS: ReadonlyMap<string, StepFunction> = new Map(ALL.map((s) => [s.name, s]))
if (STEP_FUNCTIONS.size !== ALL.length)
  throw new Error(
    `step functions defined twice: ${ALL.map((s) => s.name)
      .filter((n, i, a) => a.indexOf(n) !== i)
      .join(', ')}`
  )

export type { StepFunction, StepContext, StepOutcome, EvidenceView, FindingSubject } from '../../controls/step'
