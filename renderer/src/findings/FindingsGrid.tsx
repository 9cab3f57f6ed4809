// The findings table: TanStack Table v9 for the model (sort, filter per column and globally,
// group, column visibility, selection) and TanStack Virtual for the rows, so 200,000 findings
// stay fluid: only the rows in view (and a few around them) are in the DOM.
//
// Layout: a real <table> (screen readers announce rows and columns) with a fixed layout, so
// column widths come from CSS classes and do not jump as rows scroll in and out. The rows out of
// view are two spacer rows whose heights are CSS variables set through the CSSOM (the app's CSP
// forbids style attributes).
//
// Keyboard: Tab reaches the search, the filters and the rows (one tab stop); in the rows, ↑ ↓
// Home End PgUp PgDn move, Enter opens the finding, Space selects it; `/` focuses the search.
import {
  columnFilteringFeature,
  columnGroupingFeature,
  columnVisibilityFeature,
  createColumnHelper,
  createExpandedRowModel,
  createFilteredRowModel,
  createGroupedRowModel,
  createSortedRowModel,
  functionalUpdate,
  globalFilteringFeature,
  rowExpandingFeature,
  rowSelectionFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnFiltersState,
  type ExpandedState,
  type FilterFn,
  type GroupingState,
  type Row,
  type RowSelectionState,
  type SortFn,
  type SortingState,
  type Updater,
  type ColumnVisibilityState
} from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactElement, type ReactNode } from 'react'
import { COLUMN_BY_ID, COLUMNS, DEFAULT_HIDDEN, lower, searchTextOf, type ColumnId, type ColumnSpec } from './columns'
import type { FindingRow } from './data'

const features = tableFeatures({
  rowSortingFeature,
  columnFilteringFeature,
  globalFilteringFeature,
  columnGroupingFeature,
  rowExpandingFeature,
  columnVisibilityFeature,
  rowSelectionFeature,
  filteredRowModel: createFilteredRowModel(),
  groupedRowModel: createGroupedRowModel(),
  sortedRowModel: createSortedRowModel(),
  expandedRowModel: createExpandedRowModel()
})
type F = typeof features
type TRow = Row<F, FindingRow>

const ROW_HEIGHT = 32

// ---- columns --------------------------------------------------------------------------------

const compare: SortFn<F, FindingRow> = (a, b, id) => {
  const spec = COLUMN_BY_ID.get(id as ColumnId)!
  const x = spec.sortValue(a.original)
  const y = spec.sortValue(b.original)
  return x < y ? -1 : x > y ? 1 : 0
}

function filterFor(spec: ColumnSpec): FilterFn<F, FindingRow> | undefined {
  switch (spec.filter) {
    case 'select':
      return (row, _id, value: string) => spec.label(row.original) === value
    case 'tool':
      return (row, _id, value: string) => row.original.tools.split(', ').includes(value)
    case 'text':
      return (row, _id, value: string) => lower(spec.label(row.original)).includes(value)
    default:
      return undefined
  }
}
// Text filters compare lower-case: the typed value is lowered once, not per row.
const lowerFilterValue = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v)

const helper = createColumnHelper<F, FindingRow>()
const columns = helper.columns(
  COLUMNS.map((spec) => {
    const filterFn = filterFor(spec)
    if (filterFn && spec.filter === 'text') filterFn.resolveFilterValue = lowerFilterValue
    return helper.accessor((r: FindingRow) => spec.sortValue(r), {
      id: spec.id,
      header: spec.header,
      sortFn: compare,
      // numbers and severities read best highest first
      sortDescFirst: spec.numeric === true || spec.id === 'severity',
      enableColumnFilter: filterFn !== undefined,
      filterFn: filterFn ?? (() => true),
      enableGrouping: spec.groupable,
      // the search box searches every row once (searchTextOf), through the ID column alone
      enableGlobalFilter: spec.id === 'id',
      getGroupingValue: (r: FindingRow) => spec.label(r)
    })
  })
)

const globalFilterFn: FilterFn<F, FindingRow> = (row, _id, value: string) => searchTextOf(row.original).includes(value)
globalFilterFn.resolveFilterValue = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v)

// ---- the view's state, kept while the app runs --------------------------------------------

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

const kept = new Map<string, GridState>()

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

/** Forget a view's filters and selection, e.g. when the case closes. */
export function forgetGridState(): void {
  kept.clear()
}

// ---- the component --------------------------------------------------------------------------

export interface FindingsGridProps {
  rows: FindingRow[]
  /** the table's name for assistive technology, e.g. "Findings" */
  label: string
  /** filters, sort and selection of this view are kept under this key while the app runs */
  viewKey: string
  hidden?: readonly ColumnId[]
  /** columns that are never shown here (e.g. Initiative inside an initiative) */
  without?: readonly ColumnId[]
  onOpen(id: string): void
  /** actions on the selected findings, shown in the toolbar while some are selected */
  selectionActions?(ids: string[], clear: () => void): ReactNode
  /** the total before filters, when `rows` is already a part of the case (shown as "of N") */
  total?: number
}

export function FindingsGrid({ rows, label, viewKey, hidden = DEFAULT_HIDDEN, without = [], onOpen, selectionActions, total }: FindingsGridProps): ReactElement {
  const [state, setState] = useState<GridState>(() => kept.get(viewKey) ?? initialState(hidden))
  useEffect(() => {
    kept.set(viewKey, state)
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
  const columnVisibility = useMemo(
    () => ({ ...state.columnVisibility, ...Object.fromEntries(without.map((id) => [id, false])) }),
    [state.columnVisibility, without]
  )

  const table = useTable({
    features,
    columns,
    data: rows,
    getRowId: (r: FindingRow) => r.id,
    globalFilterFn,
    // grouped columns stay where they are, and show the group's value in their cell
    groupedColumnMode: false,
    enableSubRowSelection: false,
    autoResetExpanded: false,
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
  const visibleIds = useMemo(() => visible.map((c) => c.id as ColumnId), [visible])
  const model = table.getRowModel().rows
  const filteredCount = table.getFilteredRowModel().rows.length
  const selectedIds = useMemo(() => Object.keys(state.rowSelection).filter((k) => state.rowSelection[k]), [state.rowSelection])
  const clearSelection = useCallback(() => setState((s) => ({ ...s, rowSelection: {} })), [])

  // Options of each 'select' filter: the values present in the rows, most frequent first.
  const options = useMemo(() => {
    const out = new Map<ColumnId, Array<[string, number]>>()
    for (const spec of COLUMNS) {
      if (spec.filter !== 'select' && spec.filter !== 'tool') continue
      const counts = new Map<string, number>()
      for (const r of rows) {
        const values = spec.filter === 'tool' ? (r.tools ? r.tools.split(', ') : []) : [spec.label(r)]
        for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
      }
      out.set(
        spec.id,
        [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      )
    }
    return out
  }, [rows])

  // ---- virtual rows ----
  const scrollRef = useRef<HTMLDivElement>(null)
  const bodyRef = useRef<HTMLTableSectionElement>(null)
  const virtualizer = useVirtualizer({
    count: model.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // the sticky header covers the top of the scroll area: keep a row scrolled to below it
    scrollPaddingStart: 64,
    initialOffset: () => state.scrollTop
  })
  const items = virtualizer.getVirtualItems()
  const padTop = items.length ? items[0]!.start : 0
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0
  useLayoutEffect(() => {
    bodyRef.current?.style.setProperty('--pad-top', `${padTop}px`)
    bodyRef.current?.style.setProperty('--pad-bottom', `${padBottom}px`)
  }, [padTop, padBottom])
  const saveScroll = useRef(0)
  useEffect(() => {
    const el = scrollRef.current
    if (!el) return
    const onScroll = (): void => {
      saveScroll.current = el.scrollTop
    }
    el.addEventListener('scroll', onScroll, { passive: true })
    return () => {
      el.removeEventListener('scroll', onScroll)
      const s = kept.get(viewKey)
      if (s) kept.set(viewKey, { ...s, scrollTop: saveScroll.current })
    }
  }, [viewKey])

  // ---- keyboard: one active row, moved with the arrow keys ----
  const [active, setActive] = useState(0)
  const focusRow = useRef(false)
  const activeIndex = Math.min(active, Math.max(0, model.length - 1))
  useEffect(() => {
    if (!focusRow.current) return
    virtualizer.scrollToIndex(activeIndex, { align: 'auto' })
    const id = requestAnimationFrame(() => {
      scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${activeIndex}"]`)?.focus({ preventScroll: true })
    })
    return () => cancelAnimationFrame(id)
  }, [activeIndex, virtualizer])

  const onRowsKey = (e: KeyboardEvent<HTMLTableSectionElement>): void => {
    const target = e.target as HTMLElement
    if (target.tagName !== 'TR') return
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 2)
    const move: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page }
    let next: number | null = null
    if (e.key in move) next = activeIndex + move[e.key]!
    else if (e.key === 'Home') next = 0
    else if (e.key === 'End') next = model.length - 1
    if (next !== null) {
      e.preventDefault()
      focusRow.current = true
      setActive(Math.max(0, Math.min(model.length - 1, next)))
      return
    }
    const row = model[activeIndex]
    if (!row) return
    if (e.key === 'Enter') {
      e.preventDefault()
      if (row.getIsGrouped()) row.toggleExpanded()
      else onOpen(row.original.id)
    } else if (e.key === ' ' && !row.getIsGrouped()) {
      e.preventDefault()
      row.toggleSelected()
    }
  }

  // `/` focuses the search box, as in most tools that list things.
  const searchRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent): void => {
      if (e.key !== '/' || e.altKey || e.ctrlKey || e.metaKey) return
      const t = e.target as HTMLElement | null
      if (t && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName))) return
      e.preventDefault()
      searchRef.current?.focus()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const allShown = filteredCount > 0 && table.getIsAllRowsSelected()
  const someShown = !allShown && selectedIds.length > 0
  const caseTotal = total ?? rows.length
  const grouped = state.grouping[0] ?? ''
  const searchId = useId()
  const groupId = useId()

  return (
    <div className="grid-card">
      <div className="grid-toolbar" role="toolbar" aria-label={`${label}: search, group and columns`}>
        <div className="grid-search">
          <label htmlFor={searchId} className="sr-only">
            Search {label.toLowerCase()}
          </label>
          <input
            id={searchId}
            ref={searchRef}
            type="search"
            placeholder="Search id, title, resource, account, owner…   /"
            value={state.globalFilter}
            onChange={(e) => table.setGlobalFilter(e.target.value)}
          />
        </div>
        <label className="inline-field" htmlFor={groupId}>
          Group by
        </label>
        <select
          id={groupId}
          className="compact"
          value={grouped}
          onChange={(e) => {
            const id = e.target.value
            setState((s) => ({ ...s, grouping: id ? [id] : [], expanded: {} }))
          }}
        >
          <option value="">Nothing</option>
          {COLUMNS.filter((c) => c.groupable && !without.includes(c.id)).map((c) => (
            <option key={c.id} value={c.id}>
              {c.header}
            </option>
          ))}
        </select>
        {grouped ? (
          <button type="button" className="button small" onClick={() => table.toggleAllRowsExpanded(!table.getIsSomeRowsExpanded())}>
            {table.getIsSomeRowsExpanded() ? 'Collapse all' : 'Expand all'}
          </button>
        ) : null}
        <ColumnChooser
          columns={COLUMNS.filter((c) => !without.includes(c.id) && c.id !== 'id')}
          isVisible={(id) => columnVisibility[id] !== false}
          toggle={(id) => table.getColumn(id)?.toggleVisibility()}
        />
        {state.columnFilters.length || state.globalFilter ? (
          <button type="button" className="button small ghost" onClick={() => setState((s) => ({ ...s, columnFilters: [], globalFilter: '' }))}>
            Clear filters
          </button>
        ) : null}
        <span className="grid-count" data-testid="findings-count" aria-live="polite">
          {filteredCount === caseTotal
            ? `${caseTotal.toLocaleString('en-US')} findings`
            : `${filteredCount.toLocaleString('en-US')} of ${caseTotal.toLocaleString('en-US')} findings`}
          {selectedIds.length ? ` · ${selectedIds.length.toLocaleString('en-US')} selected` : ''}
        </span>
      </div>
      {selectedIds.length && selectionActions ? (
        <div className="grid-selection" role="region" aria-label="Selected findings">
          {selectionActions(selectedIds, clearSelection)}
          <button type="button" className="button small ghost" onClick={clearSelection}>
            Clear selection
          </button>
        </div>
      ) : null}
      <div className="grid-scroll" ref={scrollRef}>
        <table role="grid" className="grid" aria-label={label} aria-rowcount={model.length + 2} aria-multiselectable="true">
          <colgroup>
            <col className="c-select" />
            {visibleIds.map((id) => (
              <col key={id} className={`c-${id}`} />
            ))}
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col" className="c-select">
                <IndeterminateCheckbox
                  checked={allShown}
                  indeterminate={someShown}
                  label={allShown ? 'Clear the selection' : `Select all ${filteredCount.toLocaleString('en-US')} shown findings`}
                  onChange={() => table.toggleAllRowsSelected(!allShown)}
                  disabled={filteredCount === 0}
                />
              </th>
              {visible.map((column) => {
                const sorted = column.getIsSorted()
                const spec = COLUMN_BY_ID.get(column.id as ColumnId)!
                return (
                  <th key={column.id} scope="col" className={spec.numeric ? 'num' : undefined} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}>
                    <button type="button" className="sort-button" onClick={column.getToggleSortingHandler()} title={`Sort by ${spec.header} (Shift: add to the sort)`}>
                      {spec.header}
                      <span className="sort-mark" aria-hidden="true">
                        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                      </span>
                    </button>
                  </th>
                )
              })}
            </tr>
            <tr aria-rowindex={2} className="filter-row">
              <td />
              {visible.map((column) => {
                const spec = COLUMN_BY_ID.get(column.id as ColumnId)!
                const value = (column.getFilterValue() as string | undefined) ?? ''
                if (spec.filter === 'text') {
                  return (
                    <td key={column.id}>
                      <input
                        type="search"
                        className="filter-input"
                        aria-label={`Filter ${spec.header}`}
                        placeholder="Filter"
                        value={value}
                        onChange={(e) => column.setFilterValue(e.target.value || undefined)}
                      />
                    </td>
                  )
                }
                if (spec.filter === 'select' || spec.filter === 'tool') {
                  return (
                    <td key={column.id}>
                      <select className="filter-input" aria-label={`Filter ${spec.header}`} value={value} onChange={(e) => column.setFilterValue(e.target.value || undefined)}>
                        <option value="">All</option>
                        {(options.get(spec.id) ?? []).map(([v, n]) => (
                          <option key={v} value={v}>
                            {v} ({n.toLocaleString('en-US')})
                          </option>
                        ))}
                      </select>
                    </td>
                  )
                }
                return <td key={column.id} />
              })}
            </tr>
          </thead>
          <tbody ref={bodyRef} onKeyDown={onRowsKey}>
            <tr className="spacer spacer-top" aria-hidden="true">
              <td colSpan={visibleIds.length + 1} />
            </tr>
            {items.map((item) => {
              const row = model[item.index]
              if (!row) return null
              return row.getIsGrouped() ? (
                <GroupRow
                  key={row.id}
                  row={row}
                  index={item.index}
                  span={visibleIds.length + 1}
                  expanded={row.getIsExpanded()}
                  active={item.index === activeIndex}
                  onActivate={setActive}
                />
              ) : (
                <FindingRowView
                  key={row.id}
                  row={row}
                  index={item.index}
                  columns={visibleIds}
                  selected={state.rowSelection[row.id] === true}
                  active={item.index === activeIndex}
                  onActivate={setActive}
                  onOpen={onOpen}
                />
              )
            })}
            <tr className="spacer spacer-bottom" aria-hidden="true">
              <td colSpan={visibleIds.length + 1} />
            </tr>
          </tbody>
        </table>
        {model.length === 0 ? (
          <p className="grid-empty">{rows.length === 0 ? 'No findings yet. Import scanner exports to see them here.' : 'No finding matches these filters.'}</p>
        ) : null}
      </div>
    </div>
  )
}

// ---- rows -----------------------------------------------------------------------------------

interface RowViewProps {
  row: TRow
  index: number
  columns: ColumnId[]
  selected: boolean
  active: boolean
  onActivate(index: number): void
  onOpen(id: string): void
}

/** One finding. Memoised: scrolling re-renders only the rows that come into view. */
const FindingRowView = memo(function FindingRowView({ row, index, columns, selected, active, onActivate, onOpen }: RowViewProps): ReactElement {
  const f = row.original
  return (
    <tr
      data-index={index}
      aria-rowindex={index + 3}
      aria-selected={selected}
      tabIndex={active ? 0 : -1}
      className={selected ? 'selected' : undefined}
      onClick={(e) => {
        onActivate(index)
        if (e.detail === 2) onOpen(f.id)
      }}
    >
      <td className="c-select">
        <input type="checkbox" aria-label={`Select ${f.id}`} checked={selected} tabIndex={-1} onChange={row.getToggleSelectedHandler()} onClick={(e) => e.stopPropagation()} />
      </td>
      {columns.map((id) => {
        const spec = COLUMN_BY_ID.get(id)!
        if (id === 'id') {
          return (
            <td key={id} className="num mono">
              <a href={`#/findings/${f.id}`} tabIndex={-1} onClick={(e) => (e.preventDefault(), onOpen(f.id))}>
                {f.id}
              </a>
            </td>
          )
        }
        return (
          <td key={id} className={spec.numeric ? 'num' : id === 'resource' ? 'mono' : undefined} title={id === 'resource' ? f.resource : id === 'title' ? f.title : undefined}>
            {spec.render(f)}
          </td>
        )
      })}
    </tr>
  )
})

const GroupRow = memo(function GroupRow({
  row,
  index,
  span,
  expanded,
  active,
  onActivate
}: {
  row: TRow
  index: number
  span: number
  expanded: boolean
  active: boolean
  onActivate(index: number): void
}): ReactElement {
  const spec = COLUMN_BY_ID.get(row.groupingColumnId as ColumnId)
  const count = row.subRows.length
  return (
    <tr data-index={index} aria-rowindex={index + 3} aria-expanded={expanded} tabIndex={active ? 0 : -1} className="group-row" onClick={() => onActivate(index)}>
      <td colSpan={span}>
        <button type="button" className="group-toggle" tabIndex={-1} onClick={row.getToggleExpandedHandler()} aria-label={`${expanded ? 'Collapse' : 'Expand'} ${spec?.header ?? ''} ${String(row.groupingValue)}`}>
          <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
        </button>
        <span className="group-label">{spec?.header}:</span> <strong>{String(row.groupingValue)}</strong>
        <span className="muted"> · {count.toLocaleString('en-US')} {count === 1 ? 'finding' : 'findings'}</span>
      </td>
    </tr>
  )
})

function IndeterminateCheckbox({
  checked,
  indeterminate,
  label,
  onChange,
  disabled
}: {
  checked: boolean
  indeterminate: boolean
  label: string
  onChange(): void
  disabled?: boolean
}): ReactElement {
  const ref = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate
  }, [indeterminate])
  return <input ref={ref} type="checkbox" aria-label={label} checked={checked} onChange={onChange} disabled={disabled} />
}

/** The "Columns" menu: a popover of checkboxes, one per column that can be hidden. */
function ColumnChooser({ columns, isVisible, toggle }: { columns: readonly ColumnSpec[]; isVisible(id: ColumnId): boolean; toggle(id: ColumnId): void }): ReactElement {
  const id = useId()
  return (
    <>
      <button type="button" className="button small" popoverTarget={id}>
        Columns
      </button>
      <div id={id} popover="auto" className="popover column-chooser" role="group" aria-label="Columns to show">
        <p className="popover-title">Columns to show</p>
        {columns.map((c) => (
          <label key={c.id} className="popover-check">
            <input type="checkbox" checked={isVisible(c.id)} onChange={() => toggle(c.id)} />
            {c.header}
          </label>
        ))}
      </div>
    </>
  )
}
