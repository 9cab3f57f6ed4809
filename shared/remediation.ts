// Stages 4 and 5 (remediate, approve, execute, validate, prevent): the types main returns to the
// CLI and the renderer. Types only: no Node built-ins, no Electron, no DOM.
import type { Actor, RciVerdict } from './model'

/** What an artefact is for people and tools (CLI.md `plan --json` artefacts[].kind). */
export type ArtefactKind =
  | 'aws-cli'
  | 'azure-cli'
  | 'kubectl'
  | 'terraform'
  | 'cloudformation'
  | 'policy-json'
  | 'aws-scp'
  | 'aws-rcp'
  | 'aws-config-rule'
  | 'azure-policy'
  | 'procedure'
  | 'code-change'

export type ArtefactLanguage = 'bash' | 'hcl' | 'yaml' | 'json' | 'markdown'

export interface Artefact {
  kind: ArtefactKind
  language: ArtefactLanguage
  content: string
  /** a file name to save it under (unique within its plan or bundle) */
  name: string
  /** the finding it acts on (F-12); null for what covers several */
  finding: string | null
  /** one sentence: what running or applying it does */
  purpose: string
}

/**
 * Where a finding is in the workflow (DESIGN.md stages 4–5). `new` is every finding no plan has
 * touched yet; a person's suppression or risk acceptance is shown beside it (`decision`), and
 * blocks planning, approval and routing until it is cleared or expires.
 */
export type WorkflowState = 'new' | 'planned' | 'approved' | 'rejected' | 'routed' | 'failed' | 'remediated' | 'closed' | 'reopened' | 'regression'

export const WORKFLOW_STATES: readonly WorkflowState[] = ['new', 'planned', 'approved', 'rejected', 'routed', 'failed', 'remediated', 'closed', 'reopened', 'regression']

export interface ApprovalView {
  id: string
  plan: string
  finding: string
  decision: 'approved' | 'rejected'
  actor: Actor
  reason: string
  at: string
  /** the RCI verdict and the evidence the decision was based on */
  verdict: RciVerdict
  evidence: string[]
  /** approvals of several SAFE findings given at once share a batch */
  batch: string | null
  /** set when the verdict or its evidence changed afterwards, or the plan was re-rendered */
  void: { at: string; reason: string } | null
}

export interface PlanFindingView {
  id: string
  control: string
  resource: string
  account: string | null
  region: string | null
  verdict: RciVerdict
  state: WorkflowState
  /** the latest decision on this finding under this plan */
  approval: ApprovalView | null
}

export interface PlanView {
  /** P-3 */
  id: string
  /** the finding or initiative it was requested for (F-12 / I-3) */
  target: string
  /** the least safe verdict among its findings */
  verdict: RciVerdict
  status: 'active' | 'superseded'
  supersededBy: string | null
  supersedeReason: string | null
  requestedBy: Actor
  createdAt: string
  artefacts: Artefact[]
  rollback: Artefact[]
  guardrails: Artefact[]
  preconditions: string[]
  /** how the result will be validated */
  validation: string
  findings: PlanFindingView[]
  /** findings of the target left out of the plan, and why (UNSAFE: routed; suppressed; resolved…) */
  excluded: Array<{ finding: string; reason: string }>
  notes: string[]
  /** the approver must not be the person who requested the plan */
  fourEyes: boolean
  sha256: string
}

export interface PlanSummary {
  id: string
  target: string
  verdict: RciVerdict
  status: 'active' | 'superseded'
  requestedBy: Actor
  createdAt: string
  findings: number
  approved: number
  rejected: number
}

/** One row of the Approvals queue: a finding in an active plan, waiting for a decision. */
export interface ApprovalQueueItem {
  plan: string
  finding: string
  initiative: string | null
  control: string
  resource: string
  verdict: RciVerdict
  /** SAFE findings may be approved together per initiative; others one by one, with a reason */
  bulk: boolean
  requestedBy: Actor
  requestedAt: string
  state: WorkflowState
  /** why this person may not approve it (four-eyes, or the role), when `as` was given to the query */
  blockedFor: string | null
}

export interface DecisionResult {
  plan: string
  decision: 'approved' | 'rejected'
  approvals: ApprovalView[]
  /** findings of the plan still waiting for a decision (RISKY ones need their own) */
  pending: string[]
}

export interface ExecutionView {
  id: string
  plan: string
  finding: string
  outcome: 'executed' | 'failed'
  actor: Actor
  at: string
  outputName: string | null
  outputSha256: string
  outputBytes: number
  state: WorkflowState
}

export interface ValidationView {
  id: string
  finding: string
  plan: string | null
  method: 'evidence' | 'rescan'
  result: 'passed' | 'failed' | 'unknown'
  reason: string
  evidence: string[]
  actor: Actor
  at: string
  /** the finding's state after it */
  state: WorkflowState
}

interface RoutingFile {
  name: string
  sha256: string
  bytes: number
}

export interface RoutingResult {
  id: string
  groupBy: 'initiative' | 'owner'
  dir: string
  findings: string[]
  files: RoutingFile[]
  /** one ticket per initiative or owner */
  tickets: number
}

export interface FindingWorkflowView {
  finding: string
  state: WorkflowState
  plan: string | null
  reason: string | null
  decision: { decision: 'suppressed' | 'risk-accepted'; reason: string; by: Actor; at: string; expires: string | null } | null
  history: Array<{ at: string; from: WorkflowState; to: WorkflowState; event: string; reason: string | null; actor: Actor; plan: string | null }>
  approvals: ApprovalView[]
  executions: ExecutionView[]
  validations: ValidationView[]
}

/** Where an initiative is on its way through the five stages (as the signed report prints it). */
export type BoardStage = 'new' | 'investigated' | 'planned' | 'approved' | 'remediated' | 'validated'

export interface BoardInitiative {
  id: string
  title: string
  control: string
  stage: BoardStage
  /** findings per workflow state (suppressed and accepted ones are counted apart) */
  states: Record<WorkflowState, number>
  /** findings per board stage (each finding's own stage; routed and set-aside ones are in none) */
  stages: Record<BoardStage, number>
  suppressed: number
  accepted: number
  regressions: string[]
  /** findings whose resource changed after their plan was made (the plan was re-rendered) */
  drifted: string[]
  total: number
}

export interface BoardView {
  initiatives: BoardInitiative[]
  /** what the automatic checks changed just now (expired acceptances, voided approvals, rescans) */
  changes: string[]
}

export interface GuardrailView {
  kind: ArtefactKind
  language: ArtefactLanguage
  name: string
  content: string
  control: string
  /** every control this one file guards, when it guards more than `control` (one SCP for both S3 public-access controls) */
  covers?: string[]
  /** what applying it prevents */
  prevents: string
  /** what it would break or refuse, named from the case's evidence where known */
  wouldBreak: string[]
  /** resources excepted from it because changing them is UNSAFE */
  exceptions: string[]
}

export interface GuardrailBundle {
  scope: string
  controls: string[]
  guardrails: GuardrailView[]
  /** the README that travels with the files */
  readme: string
  notes: string[]
}

export interface GuardrailExport {
  dir: string
  scope: string
  controls: string[]
  files: RoutingFile[]
  notes: string[]
}

export interface WorkflowSettings {
  fourEyes: boolean
}
