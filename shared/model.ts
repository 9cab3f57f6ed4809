// The domain model: the same words in code, UI, CLI, PDF and docs (see DESIGN.md).
// This file is imported by main, preload and renderer alike, so it must stay free of
// Node built-ins, Electron and DOM APIs.

export type Provider = 'aws' | 'azure' | 'gcp' | 'kubernetes' | 'container' | 'iac' | 'unknown'

export type Severity = 'informational' | 'low' | 'medium' | 'high' | 'critical'

/** The person or process that acted. The engine acts for itself; people act with a role. */
export type Actor =
  | { kind: 'engine'; name: string }
  /** `key`: the id (fingerprint) of the person's signing key; their decisions are signed with it */
  | { kind: 'person'; name: string; role: Role; key?: string }

export type Role = 'analyst' | 'approver' | 'auditor' | 'operator' | 'admin'
export const ROLES: readonly Role[] = ['analyst', 'approver', 'auditor', 'operator', 'admin']
/** Who may approve a plan, and suppress a finding or accept its risk (a decision that leaves it unfixed). */
export const APPROVER_ROLES = ['approver', 'admin'] as const satisfies readonly Role[]

export interface Case {
  id: string
  name: string
  path: string
  createdAt: string
  schemaVersion: number
  /** true when opened from an auditor's case file: every mutating call is refused */
  readOnly: boolean
}

export interface Resource {
  /** canonical id: AWS ARN, Azure resource id lower-cased, image digest, or IaC file#address */
  id: string
  type: string
  provider: Provider
  account: string | null
  region: string | null
  name?: string | null
}

export type FindingStatus = 'open' | 'resolved' | 'suppressed'

export type RciVerdict = 'SAFE' | 'RISKY' | 'UNSAFE' | 'UNSCORED'
export const RCI_VERDICTS: readonly RciVerdict[] = ['SAFE', 'RISKY', 'UNSAFE', 'UNSCORED']

export type StepAnswer = 'yes' | 'no' | 'unknown'

export interface InvestigationStep {
  id: string
  question: string
  answer: StepAnswer
  evidence: string[]
  explanation: string
}

export interface AuditEntry {
  seq: number
  time: string
  actor: Actor
  action: string
  target: string
  details: Record<string, unknown>
  prevHash: string
  hash: string
  /** the digest of the sealed case state after this entry (absent on entries from before the seal) */
  state?: string
}

export interface AuditVerification {
  ok: boolean
  entries: number
  headHash: string
  /** the first entry whose stored hash or link does not match, when !ok */
  firstBad: { seq: number; reason: string } | null
}

export interface Progress {
  operation: string
  /** units done so far (records, bytes…) */
  done: number
  /** total units when known */
  total: number | null
  unit: string
  /** units per second */
  rate: number
  message?: string
}

/** What a path token lets main do with its path (shared/contract.ts, main/services/path-grants.ts). */
export type PathKind = 'open-file' | 'open-folder' | 'save-file' | 'save-folder'

/** A file or folder main handed the renderer: the token to give back, and the path to show people. */
export interface ChosenPath {
  token: string
  path: string
  /** the last part of the path */
  name: string
  /** a file to write that exists: the person confirmed replacing it in the save dialog */
  replaces?: true
}
