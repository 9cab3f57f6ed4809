// `lastmile evaluate BUNDLE`: every known control over the current configuration in a bundle.
//
// Deterministic by construction: ages are measured from the manifest's collectedAt, files and
// folders are visited in sorted order, and the result is sorted by control, resource, region with
// plain code-unit comparison (not locale-aware), so the same bundle gives byte-identical output.
import { LastmileError } from '../errors'
import type { EvaluationContext } from '../controls/evaluation'
import { loadBundle, type LoadedBundle } from '../semantics/inventory'
import { CONTROL_IDS, CONTROLS, isControlId } from './registry'
import type { BundleEvaluation, ControlId, EvaluateOptions, Evaluation } from './types'
import { DEFAULT_UNUSED_KEY_DAYS } from './types'

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export function compareEvaluations(a: Evaluation, b: Evaluation): number {
  return cmp(a.control, b.control) || cmp(a.resource, b.resource) || cmp(a.region ?? '', b.region ?? '') || cmp(a.status, b.status) || cmp(a.reason, b.reason)
}

const keyOf = (e: Evaluation): string => `${e.control}\u0000${e.resource}\u0000${e.region ?? ''}`

/**
 * One row per (control, resource, region). A bundle that describes the same resource twice (two
 * entries for one bucket) gets one row: the same answer is kept once; different answers become
 * UNKNOWN, since the bundle contradicts itself.
 */
function oneRowPerResource(rows: Evaluation[]): Evaluation[] {
  const groups = new Map<string, Evaluation[]>()
  for (const r of rows) groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), r])
  const out: Evaluation[] = []
  for (const list of groups.values()) {
    const evidence = [...new Set(list.flatMap((r) => r.evidence))].sort()
    if (list.length === 1) out.push(list[0])
    else if (list.every((r) => r.status === list[0].status && r.reason === list[0].reason)) out.push({ ...list[0], evidence })
    else {
      out.push({
        ...list[0],
        status: 'UNKNOWN',
        evidence,
        reason: `the bundle describes this resource ${list.length} times with different answers: ${list.map((r) => `${r.status} (${r.reason})`).join(' / ')}`
      })
    }
  }
  return out
}

function checkOptions(opts: EvaluateOptions = {}): { controls: ControlId[]; unusedKeyDays: number } {
  const days = opts.unusedKeyDays ?? DEFAULT_UNUSED_KEY_DAYS
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw new LastmileError('bad-input', `unused-key days: ${days} is not a whole number of days between 1 and 3650`)
  }
  const controls = opts.controls?.length ? [...new Set(opts.controls)] : [...CONTROL_IDS]
  for (const c of controls) {
    if (!isControlId(c)) throw new LastmileError('bad-input', `unknown control "${String(c)}" (known: ${CONTROL_IDS.join(', ')})`)
  }
  return { controls, unusedKeyDays: days }
}

/** Evaluate an already loaded bundle (the investigate and validate engines may load once). */
export function evaluateLoaded(bundle: LoadedBundle, opts: EvaluateOptions = {}): BundleEvaluation {
  const { controls, unusedKeyDays } = checkOptions(opts)
  const notes = [...bundle.notes]
  const ctx: EvaluationContext = { bundle, at: new Date(bundle.collectedAt), unusedKeyDays, note: (t) => notes.push(t) }
  const rows = CONTROLS.filter((c) => controls.includes(c.id)).flatMap((c) => c.evaluate(ctx))
  return {
    bundle: bundle.dir,
    collectedAt: bundle.collectedAt,
    unusedKeyDays,
    evaluations: oneRowPerResource(rows).sort(compareEvaluations),
    notes: [...new Set(notes)]
  }
}

/** Read a bundle and evaluate every control (or those asked for). */
export async function evaluateBundle(dir: string, opts: EvaluateOptions = {}): Promise<BundleEvaluation> {
  checkOptions(opts)
  return evaluateLoaded(await loadBundle(dir), opts)
}

/**
 * The evaluation of one control on one resource, as finding-facing code asks it: "is this finding
 * still true in the bundle?" `region` matters only for regional account settings (EBS default
 * encryption); without it the first row for the resource is returned.
 */
export function findEvaluation(result: Pick<BundleEvaluation, 'evaluations'>, control: string, resource: string, region?: string | null): Evaluation | undefined {
  const id = resource.startsWith('/subscriptions/') ? resource.toLowerCase() : resource
  return result.evaluations.find((e) => e.control === control && e.resource === id && (region == null || e.region === null || e.region === region))
}
