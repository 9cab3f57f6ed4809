// The RCI engine: run a playbook's steps over one finding and derive the verdict from its rules
// (semantics in schema.ts). Pure over an EvidenceView: no clock, no randomness, no writes — the
// same evidence and playbook give the same document, byte for byte once canonicalised.
import type { RciDocument, RciStep } from '../../shared/investigate'
import type { RciVerdict, StepAnswer } from '../../shared/model'
import { isLastmileError } from '../errors'
import type { LoadedPlaybook, LoadedRule } from './loader'
import type { EvidenceView, FindingSubject, StepOutcome } from './steps'
import { playbookWindow } from '../case/evidence'
import { deriveTwinRci, twinTypeOfPlaybook } from './twin'

export interface RuleResult {
  verdict: Exclude<RciVerdict, 'UNSCORED'>
  because: string
  /** 1-based */
  rule: number
  capped: { from: RciVerdict; steps: string[] } | null
}

/** The first rule that holds, then the cap (schema.ts, "Verdict rules — the exact semantics"). */
export function applyRules(rules: readonly LoadedRule[], answers: ReadonlyMap<string, StepAnswer>): RuleResult {
  const i = rules.findIndex((r) => Object.entries(r.when).every(([step, accepted]) => accepted.includes(answers.get(step) ?? 'unknown')))
  // the loader guarantees a default last rule; -1 would be a loader bug
  const r = rules[i]
  const depends = [...new Set([...Object.keys(r.when), ...r.requires])]
  const unknown = depends.filter((s) => (answers.get(s) ?? 'unknown') === 'unknown')
  if (r.verdict === 'SAFE' && unknown.length) {
    return {
      verdict: 'RISKY',
      because: `${r.because} — but capped at RISKY: ${unknown.join(', ')} answered unknown, and absence of evidence is not evidence of safety`,
      rule: i + 1,
      capped: { from: 'SAFE', steps: unknown }
    }
  }
  return { verdict: r.verdict, because: r.because, rule: i + 1, capped: null }
}

export interface DeriveContext {
  /** the end of the evidence window over every bundle in the case */
  evidenceEnd: string | null
  /** the bundle an evidence file came with (a result names the bundles it drew on, no others) */
  bundleOf: (evidenceId: string) => string | null
  /** how the catalogue decided a control's effect (for a generic investigation's document) */
  effectBy?: (control: string) => string
}

function unscored(subject: FindingSubject, because: string, ctx: DeriveContext, pb: LoadedPlaybook | null): RciDocument {
  return {
    finding: subject.ref,
    control: subject.control,
    resource: subject.resource.id,
    playbook: pb ? { id: pb.id, version: pb.def.version, sha256: pb.sha256, custom: pb.custom } : null,
    verdict: 'UNSCORED',
    because,
    rule: null,
    capped: null,
    window: null,
    bundles: [],
    steps: []
  }
}

function runStep(fn: () => StepOutcome): StepOutcome {
  try {
    return fn()
  } catch (e) {
    // Evidence that cannot be read (a file gone from the case, a malformed record) makes this one
    // answer unknown and says why; a bug anywhere else still stops the run.
    if (!isLastmileError(e)) throw e
    return {
      answer: 'unknown',
      explanation: `the evidence for this step could not be read: ${e.message}`,
      evidence: [],
      certainty: null,
      sources: [],
      windowed: false,
      timeline: null
    }
  }
}

/** The RCI of one finding under its playbook (null: no playbook serves the control). */
export function deriveRci(pb: LoadedPlaybook | null, subject: FindingSubject, ev: EvidenceView, ctx: DeriveContext): RciDocument {
  if (!pb) return unscored(subject, `no playbook serves the control ${subject.control}: the finding is not scored`, ctx, null)
  if (!pb.generic && !pb.def.resourceTypes.includes(subject.resource.type)) {
    // an IaC finding of a control whose folder finds its deployed twin (./twin.ts)
    const twin = twinTypeOfPlaybook(pb, subject.resource.type)
    if (twin) return deriveTwinRci(pb, subject, ev, ctx, twin, deriveRci)
    return unscored(
      subject,
      `playbook ${pb.id} investigates ${pb.def.resourceTypes.join(', ')}; this finding's resource is a ${subject.resource.type} (${subject.resource.id})`,
      ctx,
      pb
    )
  }
  const window = playbookWindow(ctx.evidenceEnd, pb.def.window.days)
  const steps: RciStep[] = []
  const answers = new Map<string, StepAnswer>()
  for (const s of pb.steps) {
    const o = runStep(() => s.fn.run({ finding: subject, window, ev }, s.params))
    answers.set(s.id, o.answer)
    steps.push({
      id: s.id,
      question: s.question,
      answer: o.answer,
      evidence: [...new Set(o.evidence)].sort(),
      explanation: o.explanation,
      function: s.fn.name,
      certainty: o.certainty,
      sources: o.sources,
      window: o.windowed ? window : null,
      timeline: o.timeline ?? null
    })
  }
  const r = applyRules(pb.rules, answers)
  // said plainly wherever the verdict's reason is shown (page, CLI, report, routing)
  const because = pb.generic
    ? `Generic investigation: no playbook of its own covers ${subject.control}, so the verdict follows what its fix does (${pb.generic}). ${r.because}`
    : r.because
  // a bundle about other resources leaves this result untouched
  const bundles = [
    ...new Set(
      steps
        .flatMap((s) => s.evidence)
        .map(ctx.bundleOf)
        .filter((b): b is string => b !== null)
    )
  ].sort()
  const doc: RciDocument = {
    finding: subject.ref,
    control: subject.control,
    resource: subject.resource.id,
    playbook: { id: pb.id, version: pb.def.version, sha256: pb.sha256, custom: pb.custom },
    verdict: r.verdict,
    because,
    rule: r.rule,
    capped: r.capped,
    window,
    bundles,
    steps
  }
  if (pb.generic) doc.generic = { effect: pb.generic, effectBy: ctx.effectBy?.(subject.control) ?? 'not in the catalogue: restrictive by default' }
  return doc
}
