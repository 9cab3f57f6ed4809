// The findings of a case as columns, for the renderer's findings table (`findings.table`).
//
// Why a second shape beside `FindingView`: a case holds up to hundreds of thousands of findings,
// and the table must show all of them at once (sort, filter, group on the client). One object
// per finding with nested alerts costs seconds to build, clone over IPC and parse; parallel
// arrays of numbers, with every repeated string (control, title, account, type, tool set, time
// of an import…) stored once in `strings` and referred to by index, cost a fraction of that.
// Per-finding detail (alerts, decision, RCI steps) stays in `findings.get`.
//
// Types only: no Node built-ins, no Electron, no DOM.
import type { RciVerdict, Severity } from './model'

/** `status` codes, in this order */
export const TABLE_STATUSES = ['open', 'resolved', 'suppressed'] as const
/** `rci` codes, in this order */
export const TABLE_VERDICTS: readonly RciVerdict[] = ['SAFE', 'RISKY', 'UNSAFE', 'UNSCORED']
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
  id: number[]
  /** coded: the canonical control id */
  control: number[]
  /** coded */
  title: number[]
  /** index into TABLE_SEVERITIES */
  severity: number[]
  /** index into TABLE_STATUSES (suppressed: a person's decision, or muted in every tool) */
  status: number[]
  /** index into TABLE_VERDICTS */
  rci: number[]
  /** 1: came back after a rescan had resolved it */
  regression: number[]
  /** the initiative's number (`I-${n}`), or -1 */
  initiative: number[]
  /** the canonical resource id, as is (nearly every row has its own) */
  resource: string[]
  /** coded: the resource's short name */
  resourceName: number[]
  /** coded */
  resourceType: number[]
  /** coded */
  provider: number[]
  /** coded */
  account: number[]
  /** coded */
  region: number[]
  /** coded: from the evidence (tag, account map), else as the tools gave it */
  environment: number[]
  /** coded: from the evidence (owner tag or creator), -1 when the evidence does not say */
  owner: number[]
  /** coded: the tools that reported it, sorted and joined with ", " */
  tools: number[]
  /** alerts linked to it, from every tool, open or closed */
  alerts: number[]
  /** coded: ISO times (one per import, so they repeat) */
  firstSeen: number[]
  lastSeen: number[]
}
