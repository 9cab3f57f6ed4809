// What the signed PDF audit report shows, as one typed value: the report's contract, below the
// stages that fill it and the export that assembles and draws it. It is assembled from the case by
// report contributors (./contributor.ts, listed in main/export/report-assemble.ts), one per domain: the case and its audit
// trail fill it today; ingest, evidence, investigation and remediation each add their part by
// filling their fields and naming their section in `recorded`. The renderer draws whatever is
// there, and says plainly what is not: "none in this case" when a recorded section is empty,
// "not recorded by this version of Lastmile" when no contributor fills it yet.
//
// Plain data only (strings, numbers, arrays): it crosses to the export worker by structured clone.
import type { Actor, Provider, RciVerdict, Resource, Severity, StepAnswer } from '../../shared/model'
import type { FixEffect } from '../../shared/ingest'
import type { CatalogueShare } from '../../shared/ingest'
import type { Checkpoint } from '../audit/checkpoint'
import type { SignerDescriptor } from '../audit/checkpoint-signer'

/** The sections a contributor can fill; `recorded` lists those that were. */
export type ReportSection = 'scope' | 'findings' | 'initiatives' | 'evidence' | 'timeline' | 'plans' | 'decisions' | 'validation' | 'guardrails'
export const REPORT_SECTIONS: readonly ReportSection[] = ['scope', 'findings', 'initiatives', 'evidence', 'timeline', 'plans', 'decisions', 'validation', 'guardrails']

export interface ReportData {
  generatedAt: string
  generatedBy: Actor
  /** the banner printed on every page (e.g. "CONFIDENTIAL — Internal audit"); '' for none */
  classification: string
  case: { id: string; name: string; createdAt: string; schemaVersion: number }
  /** the period the case's evidence and activity span (first/last audit entry if nothing better) */
  period: { from: string | null; to: string | null }
  scope: ReportScope
  /** every deduplicated finding; `initiative` links it to one of `initiatives` (or none) */
  findings: ReportFinding[]
  initiatives: ReportInitiative[]
  /** the case's evidence register: every item attached, with its hash */
  evidence: ReportEvidenceItem[]
  audit: ReportAuditSummary
  /** the checkpoint written for this export; the report's appendix prints it in full */
  checkpoint: Checkpoint | null
  /** every checkpoint in the case, oldest first (summaries) */
  checkpoints: ReportCheckpointSummary[]
  /** who signs the PDF (filled by the exporter from the chosen certificate) */
  pdfSigner: Pick<SignerDescriptor, 'kind' | 'algorithm' | 'fingerprint' | 'subject'> | null
  /** the sections some contributor filled; the rest print "not recorded by this version" */
  recorded: ReportSection[]
}

export interface ReportScope {
  providers: Provider[]
  accounts: string[]
  regions: string[]
  tools: string[]
  /** each imported scanner export */
  imports: ReportImport[]
}

export interface ReportImport {
  id: string
  file: string
  tool: string
  format: string
  importedAt: string
  alerts: number
  sha256: string | null
  /** its failing alerts on catalogued controls and on per-tool ones, as the import recorded it (null before Lastmile recorded it) */
  catalogue: CatalogueShare | null
}

export interface ReportFinding {
  id: string
  control: string
  title: string
  resource: Resource
  severity: Severity
  status: 'open' | 'resolved' | 'suppressed'
  tools: string[]
  alerts: number
  /** first time a tool reported it failing */
  firstSeen: string
  /** when it closed (rescan, live check), null while open */
  closedAt: string | null
  rci: {
    verdict: RciVerdict
    steps: ReportStep[]
    /** the verdict's reason (the matched rule's, as the RCI document has it) */
    because?: string | null
    /** set when no playbook of its own covers the control: the generic investigation judged it by this effect */
    generic?: FixEffect | null
  }
  initiative: string | null
}

export interface ReportStep {
  id: string
  question: string
  answer: StepAnswer
  explanation: string
  evidence: ReportEvidenceRef[]
}

/** A pointer to evidence, as the report prints it: what it is, and the hash that pins it. */
export interface ReportEvidenceRef {
  id: string
  label: string
  sha256: string | null
}

export interface ReportEvidenceItem {
  id: string
  kind: string
  path: string
  sha256: string
  bytes: number
  addedAt: string
}

/** Where an initiative is on its way through the five stages. */
export type InitiativeStage = 'new' | 'investigated' | 'planned' | 'approved' | 'remediated' | 'validated'
export const INITIATIVE_STAGES: readonly InitiativeStage[] = ['new', 'investigated', 'planned', 'approved', 'remediated', 'validated']

export interface ReportInitiative {
  id: string
  control: string
  title: string
  stage: InitiativeStage
  tools: string[]
  /** ids of its findings, in the order the table lists them */
  findingIds: string[]
  /** the evidence timeline (as `lastmile timeline --json`) */
  timeline: ReportTimelineEvent[]
  plan: ReportPlan | null
  /** every approval or rejection of its plan(s), oldest first */
  decisions: ReportDecision[]
  validation: ReportValidation | null
  guardrails: ReportArtefact[]
}

export interface ReportTimelineEvent {
  time: string
  source: string
  actor: string
  action: string
  resource: string
  summary: string
  evidence: ReportEvidenceRef[]
}

interface ReportArtefact {
  kind: string
  language: string
  content: string
}

export interface ReportPlan {
  id: string
  target: string
  verdict: RciVerdict
  requestedBy: Actor | null
  createdAt: string | null
  artefacts: ReportArtefact[]
  rollback: ReportArtefact[]
  preconditions: string[]
  /** how the fix will be checked (text) */
  validation: string
}

export interface ReportDecision {
  id: string
  plan: string
  decision: 'approved' | 'rejected'
  actor: Actor
  reason: string
  at: string
}

export interface ReportValidation {
  at: string
  method: 'rescan' | 'live-check' | 'evaluate'
  result: 'closed' | 'still-open' | 'regressed' | 'drifted'
  summary: string
  evidence: ReportEvidenceRef[]
}

interface ReportAuditSummary {
  entries: number
  firstSeq: number | null
  lastSeq: number | null
  fromTime: string | null
  toTime: string | null
  headHash: string | null
  /** the chain and checkpoints verified when the report was made */
  verified: boolean
  /** the first break, when not verified */
  firstBad: string | null
  byAction: Array<{ action: string; count: number }>
  byActor: Array<{ actor: string; count: number }>
  /** the most recent entries, newest first (at most a page's worth) */
  recent: Array<{ seq: number; time: string; actor: string; action: string; target: string; hash: string }>
  /** who decided what, each decision signed by its person's key (main/identity/verify.ts) */
  people: {
    owner: { name: string; key: string; osUser: string } | null
    /** every time the four-eyes rule was switched, oldest first: the report shows it prominently */
    fourEyes: Array<{ seq: number; time: string; enabled: boolean; by: string; key: string | null; reason: string }>
    decisions: Array<{ seq: number; time: string; action: string; target: string; name: string; role: string; key: string | null; osUser: string | null; signed: boolean }>
  }
}

interface ReportCheckpointSummary {
  number: number
  firstSeq: number
  lastSeq: number
  headHash: string
  fromTime: string
  toTime: string
  createdAt: string
  signer: Pick<SignerDescriptor, 'kind' | 'algorithm' | 'fingerprint' | 'subject'>
}

export function actorLabel(a: Actor): string {
  return a.kind === 'person' ? `${a.name} (${a.role})` : `${a.name} (engine)`
}
