// The case's findings as the renderer keeps them: one plain object per finding, decoded from the
// columns of `findings.table` (shared/findings-table.ts), held once per open case and shared by
// the Findings table, the initiatives board and the initiative detail. Anything that changes
// findings (an import, a decision, a split or merge) calls `invalidateFindings()`, and every view
// showing them loads the new state.
import { TABLE_SEVERITIES, TABLE_STATUSES, TABLE_VERDICTS, type FindingsTable } from '../../../shared/findings-table'
import type { FindingStatus, RciVerdict, Severity } from '../../../shared/model'
import { call } from '../api'

export interface FindingRow {
  /** F-12 */
  id: string
  num: number
  control: string
  title: string
  severity: Severity
  /** 0 (informational) … 4 (critical), for sorting */
  severityRank: number
  status: FindingStatus
  rci: RciVerdict
  regression: boolean
  /** I-3, or null */
  initiative: string | null
  resource: string
  /** a short name: the tool's, else the last part of the id */
  resourceName: string
  resourceType: string
  provider: string
  account: string | null
  region: string | null
  environment: string | null
  owner: string | null
  /** "prowler, securityhub" */
  tools: string
  alerts: number
  firstSeen: string
  lastSeen: string
}

/** The last part of a resource id, for people: `arn:aws:s3:::logs` → `logs`. */
export function shortName(resource: string): string {
  const s = resource.replace(/\/+$/, '')
  const cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf(':'))
  return cut >= 0 && cut < s.length - 1 ? s.slice(cut + 1) : s
}

export function decodeFindingsTable(t: FindingsTable): FindingRow[] {
  const str = t.strings
  const s = (c: number | undefined): string | null => (c === undefined || c < 0 ? null : (str[c] ?? null))
  const rows: FindingRow[] = new Array(t.count)
  for (let i = 0; i < t.count; i++) {
    const num = t.id[i]!
    const ini = t.initiative[i]!
    const resource = t.resource[i]!
    rows[i] = {
      id: `F-${num}`,
      num,
      control: s(t.control[i]) ?? '',
      title: s(t.title[i]) ?? '',
      severity: TABLE_SEVERITIES[t.severity[i]!] ?? 'informational',
      severityRank: t.severity[i]!,
      status: TABLE_STATUSES[t.status[i]!] ?? 'open',
      rci: TABLE_VERDICTS[t.rci[i]!] ?? 'UNSCORED',
      regression: t.regression[i] === 1,
      initiative: ini < 0 ? null : `I-${ini}`,
      resource,
      resourceName: s(t.resourceName[i]) ?? shortName(resource),
      resourceType: s(t.resourceType[i]) ?? '',
      provider: s(t.provider[i]) ?? '',
      account: s(t.account[i]),
      region: s(t.region[i]),
      environment: s(t.environment[i]),
      owner: s(t.owner[i]),
      tools: s(t.tools[i]) ?? '',
      alerts: t.alerts[i]!,
      firstSeen: s(t.firstSeen[i]) ?? '',
      lastSeen: s(t.lastSeen[i]) ?? ''
    }
  }
  return rows
}

// ---- the one copy per case ------------------------------------------------------------------

interface Held {
  caseId: string
  version: number
  promise: Promise<FindingRow[]>
}

let held: Held | null = null
let version = 0
const listeners = new Set<() => void>()

/** The findings of the open case; loaded once, until `invalidateFindings()`. */
export function loadFindings(caseId: string): Promise<FindingRow[]> {
  if (held && held.caseId === caseId && held.version === version) return held.promise
  const promise = call('findings.table', {}).then(decodeFindingsTable)
  held = { caseId, version, promise }
  // a failed load is not kept: the next view asks again
  promise.catch(() => {
    if (held?.promise === promise) held = null
  })
  return promise
}

/** Findings changed in main: views showing them reload. */
export function invalidateFindings(): void {
  version++
  held = null
  for (const l of listeners) l()
}

export function onFindingsChanged(listener: () => void): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

export function findingsVersion(): number {
  return version
}
