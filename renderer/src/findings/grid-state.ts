// The findings table's state and the TanStack table that holds it: TanStack Table v9 owns the
// state and columns (sort with multi-sort, a filter per column, the search, grouping and
// expansion, which columns show, the selection) and its header model; engine.ts computes what
// that state shows over the typed columns (TanStack's manual modes: its own row models cost a
// second per change at 200,000 rows). The state is kept per view while the case is open.
import {
  columnFilteringFeature,
  columnGroupingFeature,
  columnVisibilityFeature,
  createColumnHelper,
  functionalUpdate,
  globalFilteringFeature,
  rowExpandingFeature,
  rowSelectionFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnFiltersState,
  type ColumnVisibilityState,
  type ExpandedState,
  type GroupingState,
  type RowSelectionState,
  type SortingState,
  type Updater
} from '@tanstack/react-table'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { recall, remember } from '../view-memory'
import { COLUMN_BY_ID, COLUMNS, type ColumnId } from './columns'
import type { FindingRow, FindingsStore, View } from './engine'

const features = tableFeatures({
  rowSortingFeature,
  columnFilteringFeature,
  globalFilteringFeature,
  columnGroupingFeature,
  rowExpandingFeature,
  columnVisibilityFeature,
  rowSelectionFeature
})

const TEXT_COLUMNS: ReadonlySet<ColumnId> = new Set(COLUMNS.filter((c) => c.filter === 'text').map((c) => c.id))

const helper = createColumnHelper<typeof features, FindingRow>()
const columns = helper.columns(
  COLUMNS.map((spec) =>
    helper.accessor((r: FindingRow) => r.id, {
      id: spec.id,
      header: spec.header,
      // numbers and severities read best highest first
      sortDescFirst: spec.numeric === true || spec.id === 'severity',
      enableColumnFilter: spec.filter !== 'none',
      enableGrouping: spec.groupable,
      enableHiding: spec.id !== 'id'
    })
  )
)

// rows are processed by the engine and rendered from it: the table holds state only
const NO_ROWS: FindingRow[] = []

// ---- the view's state, kept while the case is open ---------------------------------------

export interface GridState {
  sorting: SortingState
  columnFilters: ColumnFiltersState
  globalFilter: string
  grouping: GroupingState
  expanded: ExpandedState
  columnVisibility: ColumnVisibilityState
  rowSelection: RowSelectionState
  scrollTop: number
}

/** Where a view's state is kept (view-memory.ts) while the case is open. */
export function gridMemoryKey(viewKey: string): string {
  return `grid:${viewKey}`
}

function initialState(hidden: readonly ColumnId[]): GridState {
  return {
    sorting: [],
    columnFilters: [],
    globalFilter: '',
    grouping: [],
    expanded: {},
    columnVisibility: Object.fromEntries(hidden.map((id) => [id, false])),
    rowSelection: {},
    scrollTop: 0
  }
}

export interface GridOptions {
  store: FindingsStore
  subset: Int32Array | undefined
  viewKey: string
  hidden: readonly ColumnId[]
  without: readonly ColumnId[]
}

/**
 * The view's state (recalled, and remembered as it changes), the TanStack table holding it, and
 * what it shows: the engine's view, the columns shown and the options of their select filters.
 */
export function useGridTable({ store, subset, viewKey, hidden, without }: GridOptions) {
  const [state, setState] = useState<GridState>(() => recall<GridState>(gridMemoryKey(viewKey)) ?? initialState(hidden))
  useEffect(() => {
    remember(gridMemoryKey(viewKey), state)
  }, [viewKey, state])
  const slice = useCallback(
    <K extends keyof GridState>(key: K) =>
      (updater: Updater<GridState[K]>) =>
        setState((s) => ({ ...s, [key]: functionalUpdate(updater, s[key]) })),
    []
  )
  const handlers = useMemo(
    () => ({
      onSortingChange: slice('sorting'),
      onColumnFiltersChange: slice('columnFilters'),
      onGlobalFilterChange: slice('globalFilter'),
      onGroupingChange: slice('grouping'),
      onExpandedChange: slice('expanded'),
      onColumnVisibilityChange: slice('columnVisibility'),
      onRowSelectionChange: slice('rowSelection')
    }),
    [slice]
  )
  const columnVisibility = useMemo(() => ({ ...state.columnVisibility, ...Object.fromEntries(without.map((id) => [id, false])) }), [state.columnVisibility, without])

  const table = useTable({
    features,
    columns,
    data: NO_ROWS,
    manualSorting: true,
    manualFiltering: true,
    manualGrouping: true,
    manualExpanding: true,
    autoResetAll: false,
    enableMultiSort: true,
    state: {
      sorting: state.sorting,
      columnFilters: state.columnFilters,
      globalFilter: state.globalFilter,
      grouping: state.grouping,
      expanded: state.expanded,
      columnVisibility,
      rowSelection: state.rowSelection
    },
    ...handlers
  })

  const visible = table.getVisibleLeafColumns()
  // a stable array while the columns shown stay the same: the memoised rows compare it
  const visibleKey = visible.map((c) => c.id).join(',')
  const visibleIds = useMemo(() => (visibleKey ? (visibleKey.split(',') as ColumnId[]) : []), [visibleKey])
  const grouped = (state.grouping[0] as ColumnId | undefined) ?? null

  const view: View = useMemo(
    () =>
      store.view({
        filters: state.columnFilters.map((f) => ({ id: f.id as ColumnId, value: String(f.value ?? '') })),
        search: state.globalFilter,
        sort: state.sorting.map((s) => ({ id: s.id as ColumnId, desc: s.desc })),
        groupBy: grouped,
        expanded: state.expanded,
        subset,
        textColumns: TEXT_COLUMNS
      }),
    [store, subset, state.columnFilters, state.globalFilter, state.sorting, grouped, state.expanded]
  )
  const total = subset ? subset.length : store.count

  // Options of the select filters shown: the values present, most frequent first.
  const facets = useMemo(() => {
    const out = new Map<ColumnId, Array<[string, number]>>()
    for (const id of visibleIds) {
      const spec = COLUMN_BY_ID.get(id)
      if (spec && (spec.filter === 'select' || spec.filter === 'tool')) out.set(id, store.facet(id, subset))
    }
    return out
  }, [store, subset, visibleIds])

  return { state, table, columnVisibility, visible, visibleIds, grouped, view, total, facets }
}

/** The TanStack table of the findings grid. */
export type GridTable = ReturnType<typeof useGridTable>['table']
/** One column of it, as the header shows it (sort and filter). */
export type GridColumn = ReturnType<typeof useGridTable>['visible'][number]
