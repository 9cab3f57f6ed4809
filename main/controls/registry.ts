// The one place that knows which controls have code: every playbooks/<id>/control.ts, found by
// scripts/controls-index.mjs (index.generated.ts). The stages ask it for a control's evaluator,
// step functions, fix and guardrails; none of them keeps a list of controls.
import type { ControlModule } from './control'
import { loadControls } from './catalogue'
import { CONTROL_MODULES } from './index.generated'
import type { StepFunction } from './step'

export type { ControlModule } from './control'

/** Check the modules found: each names its own folder, and no step function is defined twice. */
function checkModules(found: ReadonlyArray<readonly [string, ControlModule]>): ControlModule[] {
  const steps = new Map<string, string>()
  for (const [folder, m] of found) {
    if (!m || typeof m !== 'object') throw new Error(`playbooks/${folder}/control.ts: its default export is not a control (use defineControl)`)
    if (m.id !== folder) throw new Error(`playbooks/${folder}/control.ts: declares control ${m.id}, not ${folder} (a control's folder is named by its id)`)
    for (const s of m.steps ?? []) {
      const other = steps.get(s.name)
      if (other) throw new Error(`playbooks/${folder}/control.ts: step function ${s.name} is already defined by ${other}`)
      steps.set(s.name, folder)
    }
  }
  return found.map(([, m]) => m)
}

export const CONTROL_CODE: readonly ControlModule[] = checkModules(CONTROL_MODULES)

const BY_ID = new Map(CONTROL_CODE.map((m) => [m.id, m]))

/** A control's code, or null when it has none (only a playbook, or only a catalogue entry). */
export function controlCode(id: string): ControlModule | null {
  return BY_ID.get(id) ?? null
}

/**
 * The code that answers a control: its own folder's, or — for a control defined elsewhere that a
 * folder's playbook serves — that folder's, when the folder says its fix and guardrails answer the
 * controls it serves (answersServedControls).
 */
export function codeFor(control: string): ControlModule | null {
  const own = BY_ID.get(control)
  if (own) return own
  const folder = loadControls().servedBy(control)
  const m = folder ? BY_ID.get(folder) : undefined
  return m?.answersServedControls ? m : null
}

/** Every step function the controls define, by name. */
export function controlSteps(): StepFunction[] {
  return CONTROL_CODE.flatMap((m) => [...(m.steps ?? [])]) as StepFunction[]
}
