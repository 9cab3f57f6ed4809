// The findings table's columns: what each shows, how it sorts, filters and groups. Kept apart
// from the table component so the initiative detail can show the same columns, fewer of them.
//
// Sorting and filtering run over up to 200,000 rows on every keystroke, so they compare plain
// values: ranks and numbers for ordered columns, `<` on strings (not localeCompare, which is
// some thirty times slower), and lower-cased text cached once per distinct string.
import type { ReactElement } from 'react'
import { SeverityBadge, StatusBadge, VerdictBadge } from '../components/charts'
import { formatTime } from '../format'
import type { FindingRow } from './data'

export type ColumnId =
  | 'id'
  | 'severity'
  | 'title'
  | 'control'
  | 'resource'
  | 'resourceType'
  | 'provider'
  | 'account'
  | 'region'
  | 'environment'
  | 'owner'
  | 'tools'
  | 'alerts'
  | 'status'
  | 'rci'
  | 'initiative'
  | 'firstSeen'
  | 'lastSeen'

export interface ColumnSpec {
  id: ColumnId
  header: string
  /** 'text': a search box; 'select': one of the values present; 'tool': rows whose tools include it */
  filter: 'text' | 'select' | 'tool' | 'none'
  /** the value sorted on (and grouped on) */
  sortValue(r: FindingRow): string | number
  /** the value a 'select' filter and a group show */
  label(r: FindingRow): string
  render(r: FindingRow): ReactElement | string
  /** columns a group-by makes sense for */
  groupable: boolean
  numeric?: boolean
}

const dash = '—'
const text = (v: string | null): string => v ?? dash

export const SEVERITY_LABEL: Record<string, string> = { informational: 'info', low: 'low', medium: 'medium', high: 'high', critical: 'critical' }
const STATUS_RANK: Record<string, number> = { open: 0, suppressed: 1, resolved: 2 }
const RCI_RANK: Record<string, number> = { UNSAFE: 0, RISKY: 1, SAFE: 2, UNSCORED: 3 }

export const COLUMNS: readonly ColumnSpec[] = [
  {
    id: 'id',
    header: 'ID',
    filter: 'none',
    sortValue: (r) => r.num,
    label: (r) => r.id,
    render: (r) => r.id,
    groupable: false,
    numeric: true
  },
  {
    id: 'severity',
    header: 'Severity',
    filter: 'select',
    sortValue: (r) => r.severityRank,
    label: (r) => SEVERITY_LABEL[r.severity] ?? r.severity,
    render: (r) => <SeverityBadge severity={r.severity} />,
    groupable: true
  },
  { id: 'title', header: 'Title', filter: 'text', sortValue: (r) => r.title, label: (r) => r.title, render: (r) => r.title, groupable: true },
  { id: 'control', header: 'Control', filter: 'select', sortValue: (r) => r.control, label: (r) => r.control, render: (r) => r.control, groupable: true },
  {
    id: 'resource',
    header: 'Resource',
    filter: 'text',
    sortValue: (r) => r.resource,
    label: (r) => r.resource,
    render: (r) => r.resourceName,
    groupable: false
  },
  { id: 'resourceType', header: 'Type', filter: 'select', sortValue: (r) => r.resourceType, label: (r) => r.resourceType, render: (r) => r.resourceType, groupable: true },
  { id: 'provider', header: 'Cloud', filter: 'select', sortValue: (r) => r.provider, label: (r) => r.provider, render: (r) => r.provider, groupable: true },
  { id: 'account', header: 'Account', filter: 'select', sortValue: (r) => r.account ?? '', label: (r) => text(r.account), render: (r) => text(r.account), groupable: true },
  { id: 'region', header: 'Region', filter: 'select', sortValue: (r) => r.region ?? '', label: (r) => text(r.region), render: (r) => text(r.region), groupable: true },
  {
    id: 'environment',
    header: 'Env',
    filter: 'select',
    sortValue: (r) => r.environment ?? '',
    label: (r) => text(r.environment),
    render: (r) => text(r.environment),
    groupable: true
  },
  { id: 'owner', header: 'Owner', filter: 'select', sortValue: (r) => r.owner ?? '', label: (r) => text(r.owner), render: (r) => text(r.owner), groupable: true },
  { id: 'tools', header: 'Tools', filter: 'tool', sortValue: (r) => r.tools, label: (r) => r.tools, render: (r) => r.tools, groupable: true },
  {
    id: 'alerts',
    header: 'Alerts',
    filter: 'none',
    sortValue: (r) => r.alerts,
    label: (r) => String(r.alerts),
    render: (r) => r.alerts.toLocaleString('en-US'),
    groupable: false,
    numeric: true
  },
  {
    id: 'status',
    header: 'Status',
    filter: 'select',
    sortValue: (r) => STATUS_RANK[r.status] ?? 9,
    label: (r) => r.status,
    render: (r) => (
      <>
        <StatusBadge status={r.status} />
        {r.regression ? <span className="regression-mark" title="Came back after a rescan had resolved it">regressed</span> : null}
      </>
    ),
    groupable: true
  },
  {
    id: 'rci',
    header: 'RCI',
    filter: 'select',
    sortValue: (r) => RCI_RANK[r.rci] ?? 9,
    label: (r) => (r.rci === 'UNSCORED' ? 'not scored' : r.rci),
    render: (r) => <VerdictBadge verdict={r.rci} />,
    groupable: true
  },
  {
    id: 'initiative',
    header: 'Initiative',
    filter: 'select',
    sortValue: (r) => (r.initiative ? Number(r.initiative.slice(2)) : Number.MAX_SAFE_INTEGER),
    label: (r) => text(r.initiative),
    render: (r) => text(r.initiative),
    groupable: true
  },
  {
    id: 'firstSeen',
    header: 'First seen',
    filter: 'none',
    sortValue: (r) => r.firstSeen,
    label: (r) => formatTime(r.firstSeen),
    render: (r) => formatTime(r.firstSeen),
    groupable: false
  },
  {
    id: 'lastSeen',
    header: 'Last seen',
    filter: 'none',
    sortValue: (r) => r.lastSeen,
    label: (r) => formatTime(r.lastSeen),
    render: (r) => formatTime(r.lastSeen),
    groupable: false
  }
]

export const COLUMN_BY_ID: ReadonlyMap<ColumnId, ColumnSpec> = new Map(COLUMNS.map((c) => [c.id, c]))

/** Shown until someone chooses otherwise. */
export const DEFAULT_HIDDEN: readonly ColumnId[] = ['control', 'resourceType', 'provider', 'region', 'owner', 'initiative', 'firstSeen']

// ---- filtering helpers ----------------------------------------------------------------------

const lowered = new Map<string, string>()
/** `s.toLowerCase()`, computed once per distinct string (titles and controls repeat a lot). */
export function lower(s: string): string {
  let l = lowered.get(s)
  if (l === undefined) {
    l = s.toLowerCase()
    // resource ids are nearly all distinct: do not let the cache grow without bound
    if (lowered.size > 500_000) lowered.clear()
    lowered.set(s, l)
  }
  return l
}

/** What the search box looks in: the columns people search by, as one lower-case string. */
const searchText = new WeakMap<FindingRow, string>()
export function searchTextOf(r: FindingRow): string {
  let s = searchText.get(r)
  if (s === undefined) {
    s = [r.id, r.title, r.control, r.resource, r.account ?? '', r.region ?? '', r.environment ?? '', r.owner ?? '', r.tools, r.initiative ?? '']
      .join('\n')
      .toLowerCase()
    searchText.set(r, s)
  }
  return s
}
