// The findings table's columns: what each shows, how it is filtered, whether it can group.
// Sorting, filtering and grouping themselves run in engine.ts, on the table's typed columns.
import type { ReactElement } from 'react'
import { SeverityBadge, StatusBadge, VerdictBadge } from '../components/charts'
import { formatTime } from '../format'
import { NONE, STAGE_LABEL, type ColumnId, type FindingRow } from './engine'

export type { ColumnId } from './engine'

export interface ColumnSpec {
  id: ColumnId
  header: string
  /** 'text': a search box; 'select': one of the values present; 'tool': rows whose tools include it */
  filter: 'text' | 'select' | 'tool' | 'none'
  render(r: FindingRow): ReactElement | string
  /** columns a group-by makes sense for */
  groupable: boolean
  numeric?: boolean
  /** px; the title (or, without it, the resource) takes the room left instead, at least FLEX_MIN */
  width: number
}

export const FLEX_MIN = 300
export const SELECT_WIDTH = 34

const text = (v: string | null): string => v ?? NONE

// In the order a person reads a row by: what it is and how bad, what Lastmile concluded and where
// it stands (kept on screen at 1024 px), then what and where.
export const COLUMNS: readonly ColumnSpec[] = [
  {
    id: 'id',
    width: 78,
    header: 'ID',
    filter: 'none',
    render: (r) => r.id,
    groupable: false,
    numeric: true
  },
  {
    id: 'severity',
    width: 88,
    header: 'Severity',
    filter: 'select',
    render: (r) => <SeverityBadge severity={r.severity} />,
    groupable: true
  },
  {
    id: 'rci',
    width: 150,
    header: 'RCI',
    filter: 'select',
    render: (r) =>
      r.rciGeneric ? (
        <span className="rci-generic" title="From a generic investigation: no playbook of its own covers this finding">
          <VerdictBadge verdict={r.rci} /> <span className="muted small-print">generic</span>
        </span>
      ) : (
        <VerdictBadge verdict={r.rci} />
      ),
    groupable: true
  },
  {
    id: 'stage',
    width: 124,
    header: 'Stage',
    filter: 'select',
    render: (r) => STAGE_LABEL[r.stage],
    groupable: true
  },
  {
    id: 'status',
    width: 84,
    header: 'Status',
    filter: 'select',
    render: (r) => (
      <>
        <StatusBadge status={r.status} />
        {r.regression ? (
          <span className="regression-mark" title="Came back after a rescan had resolved it">
            regressed
          </span>
        ) : null}
      </>
    ),
    groupable: true
  },
  { id: 'title', width: 320, header: 'Title', filter: 'text', render: (r) => r.title, groupable: true },
  { id: 'control', width: 190, header: 'Control', filter: 'select', render: (r) => r.control, groupable: true },
  {
    id: 'resource',
    width: 210,
    header: 'Resource',
    filter: 'text',
    render: (r) => r.resourceName,
    groupable: false
  },
  { id: 'resourceType', width: 150, header: 'Type', filter: 'select', render: (r) => r.resourceType, groupable: true },
  { id: 'provider', width: 70, header: 'Cloud', filter: 'select', render: (r) => r.provider, groupable: true },
  { id: 'account', width: 118, header: 'Account', filter: 'select', render: (r) => text(r.account), groupable: true },
  { id: 'region', width: 110, header: 'Region', filter: 'select', render: (r) => text(r.region), groupable: true },
  {
    id: 'environment',
    width: 70,
    header: 'Env',
    filter: 'select',
    render: (r) => text(r.environment),
    groupable: true
  },
  { id: 'owner', width: 140, header: 'Owner', filter: 'select', render: (r) => text(r.owner), groupable: true },
  { id: 'tools', width: 124, header: 'Tools', filter: 'tool', render: (r) => r.tools, groupable: true },
  {
    id: 'alerts',
    width: 60,
    header: 'Alerts',
    filter: 'none',
    render: (r) => r.alerts.toLocaleString('en-US'),
    groupable: false,
    numeric: true
  },
  {
    id: 'initiative',
    width: 86,
    header: 'Initiative',
    filter: 'select',
    render: (r) => text(r.initiative),
    groupable: true
  },
  {
    id: 'firstSeen',
    width: 140,
    header: 'First seen',
    filter: 'none',
    render: (r) => formatTime(r.firstSeen),
    groupable: false
  },
  {
    id: 'lastSeen',
    width: 140,
    header: 'Last seen',
    filter: 'none',
    render: (r) => formatTime(r.lastSeen),
    groupable: false
  }
]

export const COLUMN_BY_ID: ReadonlyMap<ColumnId, ColumnSpec> = new Map(COLUMNS.map((c) => [c.id, c]))

/** Shown until someone chooses otherwise. */
export const DEFAULT_HIDDEN: readonly ColumnId[] = ['control', 'resourceType', 'provider', 'region', 'owner', 'initiative', 'alerts', 'firstSeen', 'lastSeen']
