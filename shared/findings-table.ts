// The findings of a case as columns, for the renderer's findings table (`findings.table`).
//
// Why a second shape beside `FindingView`: a case holds up to hundreds of thousands of findings,
// and the table must show all of them at once (sort, filter, group on the client). One object
// per finding with nested alerts costs seconds to build, clone over IPC and parse; parallel
// Int32Arrays (cloned over IPC as one block of memory each), with every repeated string
// (control, title, account, type, tool set, time of an import…) stored once in `strings` and
// referred to by index, cost a fraction of that. Per-finding detail (alerts, decision, RCI
// steps) stays in `findings.get`.
//
// Types only: no Node built-ins, no Electron, no DOM.
import type { RciVerdict, Severity } from './model'

/** `status` codes, in this order */
export const TABLE_STATUSES = ['open', 'resolved', 'suppressed'] as const
/** `rci` codes, in this order */
export const TABLE_VERDICTS: readonly RciVerdict[] = ['SAFE', 'RISKY', 'UNSAFE', 'UNSCORED']
/**
 * `stage` codes, in this order: where the finding is on its way to a validated fix (the board's
 * stages, main/workflow/board.ts), or outside them: routed to its owner, or set aside (suppressed,
 * risk accepted, muted in every tool).
 */
export const TABLE_STAGES = ['new', 'investigated', 'planned', 'approved', 'remediated', 'validated', 'routed', 'set aside'] as const
export type TableStage = (typeof TABLE_STAGES)[number]
/** `severity` codes: the rank, 0 (informational) to 4 (critical) */
export const TABLE_SEVERITIES: readonly Severity[] = ['informational', 'low', 'medium', 'high', 'critical']

/**
 * Row i of the table is the i-th entry of every column. A "coded" column holds an index into
 * `strings`, or -1 for none. Rows come in the order of `findings.list`: most severe first.
 */
export interface FindingsTable {
  count: number
  strings: string[]
  /** the finding's number: row i is finding `F-${id[i]}` */
  id: Int32Array
  /** coded: the canonical control id */
  control: Int32Array
  /** coded */
  title: Int32Array
  /** index into TABLE_SEVERITIES */
  severity: Int32Array
  /** index into TABLE_STATUSES (suppressed: a person's decision, or muted in every tool) */
  status: Int32Array
  /** index into TABLE_VERDICTS */
  rci: Int32Array
  /** 1: the verdict came from a generic investigation (no playbook of its own covers the finding), else 0 */
  rciGeneric: Int32Array
  /** index into TABLE_STAGES */
  stage: Int32Array
  /** 1: came back after a rescan had resolved it */
  regression: Int32Array
  /** the initiative's number (`I-${n}`), or -1 */
  initiative: Int32Array
  /** the canonical resource id, as is (nearly every row has its own) */
  resource: string[]
  /** coded: the resource's name when it is not `shortName(resource)`, else -1 */
  resourceName: Int32Array
  /** coded */
  resourceType: Int32Array
  /** coded */
  provider: Int32Array
  /** coded */
  account: Int32Array
  /** coded */
  region: Int32Array
  /** coded: from the evidence (tag, account map), else as the tools gave it */
  environment: Int32Array
  /** coded: from the evidence (owner tag or creator), -1 when the evidence does not say */
  owner: Int32Array
  /** coded: the tools that reported it, sorted and joined with ", " */
  tools: Int32Array
  /** alerts linked to it, from every tool, open or closed */
  alerts: Int32Array
  /** coded: ISO times (one per import, so they repeat) */
  firstSeen: Int32Array
  lastSeen: Int32Array
}

/** The last part of a resource id, for people: `arn:aws:s3:::logs` → `logs`. */
export function shortName(resource: string): string {
  const s = resource.replace(/\/+$/, '')
  const cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf(':'))
  return cut >= 0 && cut < s.length - 1 ? s.slice(cut + 1) : s
}
