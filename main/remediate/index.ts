// Stage 4's engine: a fix for one finding, rendered from the configuration in evidence. The
// workflow (main/workflow) decides which findings get one and keeps the plans; this folder only
// turns (finding, evidence) into artefacts — deterministic, so the same evidence renders the same
// bytes and a changed configuration is seen as drift.
import { createHash } from 'node:crypto'
import { canonicalJson } from '../audit/canonical'
import type { Db } from '../db/case-db'
import { CONTROL_CODE, codeFor, controlCode } from '../controls/registry'
import { iacFixRenderer } from '../controls/iac-fix'
import { twinTypeFor } from '../controls/iac-twin'
import { LastmileError } from '../errors'
import type { FixInputs, FixRenderer, FixTarget, RenderedFix } from '../controls/fix'

export type { FixInputs, FixRenderer, FixTarget, RenderedFix } from '../controls/fix'

/** Every control's fix: each control folder's (playbooks/<id>/control.ts). */
export const FIX_RENDERERS: readonly FixRenderer[] = [...CONTROL_CODE.flatMap((m) => (m.fix ? [{ ...m.fix, control: m.id }] : []))]

/** Whether Lastmile computes a fix for a control (its own folder's, or that of the folder serving it). */
export function hasComputedFix(control: string): boolean {
  return !!codeFor(control)?.fix
}

export function fixRendererFor(control: string): FixRenderer {
  const m = codeFor(control)
  const r = m?.fix ? { ...m.fix, control: m.id } : undefined
  if (!r) {
    throw new LastmileError(
      'conflict',
      `no fix is known for control ${control} (Lastmile renders fixes for ${FIX_RENDERERS.map((x) => x.control).join(', ')}); route the finding to its owner instead`
    )
  }
  return r
}

/** The hash of the configuration a fix depends on: a different hash later means drift. */
export function inputsHash(inputs: FixInputs): string {
  return createHash('sha256').update(canonicalJson(inputs.values)).digest('hex')
}

/**
 * The fix of one finding: its control's, or — for an IaC finding of a control whose folder declares
 * its Terraform type — the code change, with what terraform apply will do to the deployed twin
 * (../controls/iac-fix.ts).
 */
function rendererFor(target: FixTarget): FixRenderer {
  const code = controlCode(target.control)
  if (code?.iac && twinTypeFor(code.iac, target.resourceType)) return iacFixRenderer(target.control, code.iac, code.fix ?? null)
  return fixRendererFor(target.control)
}

export function readFixInputs(db: Db, target: FixTarget): FixInputs {
  return rendererFor(target).inputs(db, target)
}

export function renderFix(db: Db, target: FixTarget, plan: string, inputs: FixInputs = readFixInputs(db, target)): RenderedFix {
  return rendererFor(target).render({ db, target, plan, inputs })
}
