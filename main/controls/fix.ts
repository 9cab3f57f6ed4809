import type { Artefact } from '../../shared/remediation'
import type { Db } from '../db/case-db'

/** The finding a fix is rendered for, with its resource as the case knows it. */
export interface FixTarget {
  /** F-12 */
  finding: string
  control: string
  resourceId: string
  resourceType: string
  account: string | null
  region: string | null
  name: string | null
}

/**
 * The configuration a fix is computed from, as read from evidence. Its canonical hash is stored
 * with the plan: when a later bundle shows another configuration, the plan has drifted.
 */
export interface FixInputs {
  values: Record<string, unknown>
  /** evidence file ids the configuration was read from */
  evidence: string[]
  /** when that evidence was collected */
  collectedAt: string
}

export interface FixContext {
  db: Db
  target: FixTarget
  /** the plan the artefacts belong to (P-3), named in their headers */
  plan: string
  inputs: FixInputs
}

export interface RenderedFix {
  artefacts: Artefact[]
  rollback: Artefact[]
  preconditions: string[]
  /** how the result is checked, for this finding */
  validation: string
  notes: string[]
}

/** One control's fix: how to read its configuration, and how to render its artefacts from it. */
export interface FixRenderer {
  control: string
  /** what the fix changes, in a few words (for plan summaries and routing packages) */
  summary: string
  /** throws a LastmileError saying why no fix can be computed (no evidence, nothing to fix) */
  inputs(db: Db, target: FixTarget): FixInputs
  render(ctx: FixContext): RenderedFix
}
