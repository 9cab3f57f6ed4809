// Stage 3 (investigate) types shared by main, preload and the renderer: playbooks as the app
// lists them, the Remediation Confidence Indicator (RCI) of a finding with its reasoning, the
// verdict history, and an investigation run. Types only: no Node built-ins, no Electron, no DOM.
import type { InvestigationStep, RciVerdict, StepAnswer } from './model'
import type { FixEffect } from './ingest'

export type StepCertainty = 'proven' | 'inferred'

/**
 * Where in the evidence timeline a step's answer can be seen: the renderer passes this to
 * `evidence.timeline` (resources + from/to + sources) and highlights `events`.
 */
export interface TimelineLink {
  resources: string[]
  from: string | null
  to: string | null
  sources: string[]
  /** the timeline event ids that carry the answer (at most 20, most recent first) */
  events: number[]
}

/** One investigative step as the RCI records it: the model's step plus how it was answered. */
export interface RciStep extends InvestigationStep {
  /** the step function that answered (playbook `function`) */
  function: string
  /** proven: the source documents it; inferred: read from indirect signs; null: no evidence either way */
  certainty: StepCertainty | null
  /** the evidence sources the step consulted (aws.cloudtrail.s3-data, aws.s3-access-logs, …) */
  sources: string[]
  /** the window the step judged, or null when it judged configuration only */
  window: { from: string; to: string } | null
  timeline: TimelineLink | null
}

/**
 * The RCI of one finding, as the engine derived it. Stable by construction: the same evidence and
 * playbook give the same document byte for byte (it holds no wall-clock time; the evidence window
 * stands for "now").
 */
export interface RciDocument {
  finding: string
  control: string
  resource: string
  playbook: { id: string; version: number; sha256: string; custom: boolean } | null
  verdict: RciVerdict
  /** why, for people: the matched rule's because-text (with the cap's reason when capped) */
  because: string
  /** the matched verdict rule, 1-based, or null (no playbook, resource type not covered) */
  rule: number | null
  /** SAFE lowered to RISKY because a step the rule depends on answered unknown */
  capped: { from: RciVerdict; steps: string[] } | null
  window: { from: string; to: string } | null
  /** the evidence bundles in the case when it was derived */
  bundles: string[]
  steps: RciStep[]
  /**
   * Present when no playbook of its own covers the control: the generic investigation judged it by
   * what its fix does (effect) and how that was decided (the catalogue's effectBy).
   */
  generic?: { effect: FixEffect; effectBy: string }
}

export interface RciStepChange {
  step: string
  question: string
  before: StepAnswer | null
  after: StepAnswer | null
}

/** One point in a finding's verdict history: written only when the RCI changed. */
export interface RciHistoryEntry {
  seq: number
  /** when the run that changed it happened */
  at: string
  run: number
  verdict: RciVerdict
  previous: RciVerdict | null
  /** first: first investigation; evidence: the evidence changed; playbook: the playbook changed */
  reason: 'first' | 'evidence' | 'playbook' | 'finding'
  changes: RciStepChange[]
  bundles: string[]
  digest: string
}

/** `rci.get`: a finding's current RCI (null when never investigated) and how it evolved. */
export interface RciView {
  finding: string
  verdict: RciVerdict
  document: RciDocument | null
  digest: string | null
  updatedAt: string | null
  history: RciHistoryEntry[]
}

export type ArtefactKind = 'aws-cli' | 'terraform' | 'cloudformation' | 'azure-cli' | 'policy-json'
export const ARTEFACT_KINDS: readonly ArtefactKind[] = ['aws-cli', 'terraform', 'cloudformation', 'azure-cli', 'policy-json']

export interface PlaybookTemplate {
  kind: ArtefactKind
  title: string
  /** the text with {{parameter}} placeholders (rendered by the remediation stage) */
  template: string
  /** guardrails only: what enforces it */
  mechanism?: string
}

interface PlaybookParameter {
  name: string
  description: string
  /** where the value comes from: resource.name, resource.id, resource.account, resource.region, … or input */
  source: string
  default?: string
  pattern?: string
}

/** A loaded playbook, as `playbooks.list` and `lastmile playbooks --json` show it. */
export interface PlaybookSummary {
  id: string
  version: number
  title: string
  summary: string
  controls: Array<{ id: string; rules: Record<string, string[]> }>
  resourceTypes: string[]
  windowDays: number
  evidence: Array<{ source: string; why: string }>
  steps: Array<{ id: string; question: string; function: string; params: Record<string, unknown> }>
  rules: Array<{ when: Record<string, StepAnswer[]>; requires: string[]; verdict: Exclude<RciVerdict, 'UNSCORED'>; because: string }>
  /** the verdicts its rules can produce (RISKY included when a SAFE rule can be capped) */
  verdicts: Array<Exclude<RciVerdict, 'UNSCORED'>>
  parameters: PlaybookParameter[]
  fix: PlaybookTemplate[]
  rollback: PlaybookTemplate[]
  guardrails: PlaybookTemplate[]
  file: string
  sha256: string
  custom: boolean
  /**
   * Set on the generic investigations only (their `controls` is empty: they are chosen by what a
   * control's fix does, not by a list): the effect they judge, the catalogue's controls without a
   * playbook of their own whose fix has it, and what they serve, in words.
   */
  generic?: { effect: FixEffect; controls: number; serves: string }
}

export interface InvestigationRunResult {
  /** cancelled: nothing was written */
  status: 'completed' | 'cancelled'
  run: number | null
  /** open findings looked at */
  findings: number
  verdicts: Record<RciVerdict, number>
  /** findings whose RCI changed in this run (a history entry each) */
  changed: Array<{ finding: string; before: RciVerdict | null; after: RciVerdict; changes: RciStepChange[] }>
  unchanged: number
  /** findings no playbook of their own covers, judged by the generic investigation */
  generic: number
  playbooks: Array<{ id: string; sha256: string; custom: boolean }>
  bundles: string[]
  durationMs: number
  /** where a completed run's time went, in ms (the benchmark prints it) */
  timing?: InvestigationTiming
}

export interface InvestigationTiming {
  /** the playbooks, the open findings and the evidence list read */
  readMs: number
  /** the findings investigated by a playbook of their own */
  dedicatedMs: number
  /** the findings investigated by the generic investigation */
  genericMs: number
  /** the run, its results and the audit entry written */
  writeMs: number
}

/** `initiatives.rci`: the verdict of every finding of an initiative, for its detail screen. */
export interface InitiativeRci {
  initiative: string
  counts: Record<RciVerdict, number>
  resources: Array<{
    finding: string
    status: 'open' | 'resolved' | 'suppressed'
    resource: { id: string; name: string | null; account: string | null; region: string | null; environment: string | null }
    verdict: RciVerdict
    because: string | null
    playbook: string | null
  }>
}
