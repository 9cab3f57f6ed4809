// The findings table: TanStack Table v9 owns its state and columns (sort with multi-sort, a
// filter per column, the search, grouping and expansion, which columns show, the selection) and
// its header model; engine.ts computes what that state shows over the typed columns (TanStack's
// manual modes: its own row models cost a second per change at 200,000 rows); TanStack Virtual
// puts only the rows in view in the DOM. 200,000 findings stay fluid.
//
// Layout: a real <table role="grid"> (screen readers announce rows and columns) with a fixed
// layout, so column widths do not jump as rows scroll in and out. The rows out of view are two
// spacer rows whose heights, like the column widths, are set through the CSSOM (the app's CSP
// forbids style attributes).
//
// Keyboard: Tab reaches the search, the filters and the rows (one tab stop); in the rows, ↑ ↓
// Home End PgUp PgDn move, Enter opens the finding (or a group), Space selects it; `/` focuses
// the search box.
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
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactElement, type ReactNode } from 'react'
import { recall, remember } from '../view-memory'
import { COLUMN_BY_ID, COLUMNS, DEFAULT_HIDDEN, FLEX_MIN, SELECT_WIDTH, type ColumnId, type ColumnSpec } from './columns'
import type { FindingRow, FindingsStore, Group, View } from './engine'

const features = tableFeatures({
  rowSortingFeature,
  columnFilteringFeature,
  globalFilteringFeature,
  columnGroupingFeature,
  rowExpandingFeature,
  columnVisibilityFeature,
  rowSelectionFeature
})

const ROW_HEIGHT = 32
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

// ---- the view's state, kept while the case is open ---------------------------------------

interface GridState {
  sorting: SortingState
  columnFilters: ColumnFiltersState
  globalFilter: string
  grouping: GroupingState
  expanded: ExpandedState
  columnVisibility: ColumnVisibilityState
  rowSelection: RowSelectionState
  scrollTop: number
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

// ---- the component --------------------------------------------------------------------------

export interface FindingsGridProps {
  store: FindingsStore
  /** only these findings (e.g. one initiative's); default: all */
  subset?: Int32Array
  /** the table's name for assistive technology, e.g. "Findings" */
  label: string
  /** filters, sort and selection of this view are kept under this key while the case is open */
  viewKey: string
  hidden?: readonly ColumnId[]
  /** columns that are never shown here (e.g. Initiative inside an initiative) */
  without?: readonly ColumnId[]
  onOpen(id: string): void
  /** actions on the selected findings, shown in the toolbar while some are selected */
  selectionActions?(ids: string[], clear: () => void): ReactNode
}

export function FindingsGrid({ store, subset, label, viewKey, hidden = DEFAULT_HIDDEN, without = [], onOpen, selectionActions }: FindingsGridProps): ReactElement {
  const [state, setState] = useState<GridState>(() => recall<GridState>(`grid:${viewKey}`) ?? initialState(hidden))
  useEffect(() => {
    remember(`grid:${viewKey}`, state)
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
    // rows are processed by the engine (below) and rendered from it: the table holds state only
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

  // ---- selection ----
  const selectedIds = useMemo(() => Object.keys(state.rowSelection).filter((k) => state.rowSelection[k]), [state.rowSelection])
  const allShown = useMemo(() => {
    if (view.rows.length === 0 || selectedIds.length < view.rows.length) return false
    for (const i of view.rows) if (!state.rowSelection[store.idOf(i)]) return false
    return true
  }, [view.rows, selectedIds.length, state.rowSelection, store])
  const clearSelection = useCallback(() => table.setRowSelection({}), [table])
  const anchor = useRef<number | null>(null)
  const toggleRow = useCallback(
    (item: number, range: boolean) => {
      const i = view.items[item]!
      const id = store.idOf(i)
      const from = anchor.current
      if (range && from !== null && from !== item) {
        // Shift: the rows between the last one clicked and this one take this one's new state
        const on = !state.rowSelection[id]
        const [lo, hi] = from < item ? [from, item] : [item, from]
        table.setRowSelection((old) => {
          const next = { ...old }
          for (let k = lo; k <= hi; k++) {
            const r = view.items[k]!
            if (r < 0) continue
            if (on) next[store.idOf(r)] = true
            else delete next[store.idOf(r)]
          }
          return next
        })
      } else {
        table.setRowSelection((old) => {
          const next = { ...old }
          if (next[id]) delete next[id]
          else next[id] = true
          return next
        })
      }
      anchor.current = item
    },
    [view.items, store, state.rowSelection, table]
  )
  const toggleAll = (): void => {
    if (allShown) {
      table.setRowSelection({})
      return
    }
    const next: RowSelectionState = {}
    for (const i of view.rows) next[store.idOf(i)] = true
    table.setRowSelection(next)
  }

  const toggleGroup = useCallback(
    (g: Group) =>
      table.setExpanded((old) => {
        if (old === true) return Object.fromEntries(view.groups.filter((x) => x.id !== g.id).map((x) => [x.id, true]))
        return { ...old, [g.id]: !old[g.id] }
      }),
    [table, view.groups]
  )
  const someExpanded = state.expanded === true || Object.values(state.expanded).some(Boolean)

  // Column widths through the CSSOM (the CSP allows no style attributes); the table is at least
  // as wide as its columns, so a narrow window scrolls sideways instead of squeezing the title.
  const tableRef = useRef<HTMLTableElement>(null)
  useLayoutEffect(() => {
    const t = tableRef.current
    if (!t) return
    // one column takes the room left over: the title, else the resource, else the last one
    const flexible = visibleIds.find((id) => id === 'title') ?? visibleIds.find((id) => id === 'resource') ?? visibleIds[visibleIds.length - 1]
    let min = 0
    t.querySelectorAll<HTMLTableColElement>('col[data-col]').forEach((col) => {
      const id = col.dataset.col
      const w = id === 'select' ? SELECT_WIDTH : id === flexible ? null : (COLUMN_BY_ID.get(id as ColumnId)?.width ?? FLEX_MIN)
      if (w) col.style.setProperty('width', `${w}px`)
      else col.style.removeProperty('width')
      min += w ?? FLEX_MIN
    })
    t.style.setProperty('--grid-min-width', `${min}px`)
  }, [visibleIds])

  // the first search should not pay for preparing the text columns: do it while nothing happens
  useEffect(() => {
    const id = requestIdleCallback(() => store.warm(), { timeout: 5000 })
    return () => cancelIdleCallback(id)
  }, [store])

  // the scroll element as state, not a ref: the virtual body must render again once it exists
  const [scrollEl, setScrollEl] = useState<HTMLDivElement | null>(null)

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

  const shown = view.rows.length
  const searchId = useId()
  const groupId = useId()

  return (
    <div className="grid-card">
      <div className="grid-toolbar" role="toolbar" aria-label={`${label}: search, group and columns`}>
        <div className="grid-search">
          <label htmlFor={searchId} className="sr-only">
            Search {label.charAt(0).toLowerCase() + label.slice(1)}
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
        <select id={groupId} className="compact" value={grouped ?? ''} onChange={(e) => (table.setGrouping(e.target.value ? [e.target.value] : []), table.setExpanded({}))}>
          <option value="">Nothing</option>
          {COLUMNS.filter((c) => c.groupable && !without.includes(c.id)).map((c) => (
            <option key={c.id} value={c.id}>
              {c.header}
            </option>
          ))}
        </select>
        {grouped ? (
          <button type="button" className="button small" onClick={() => table.setExpanded(someExpanded ? {} : true)}>
            {someExpanded ? 'Collapse all' : 'Expand all'}
          </button>
        ) : null}
        <ColumnChooser
          columns={COLUMNS.filter((c) => !without.includes(c.id) && c.id !== 'id')}
          isVisible={(id) => columnVisibility[id] !== false}
          toggle={(id) => table.getColumn(id)?.toggleVisibility()}
        />
        {state.columnFilters.length || state.globalFilter ? (
          <button type="button" className="button small ghost" onClick={() => (table.resetColumnFilters(true), table.setGlobalFilter(''))}>
            Clear filters
          </button>
        ) : null}
        <span className="grid-count" data-testid="findings-count" aria-live="polite">
          {shown === total ? `${total.toLocaleString('en-US')} findings` : `${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} findings`}
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
      <div className="grid-scroll" ref={setScrollEl}>
        <table ref={tableRef} role="grid" className="grid" aria-label={label} aria-rowcount={view.items.length + 2} aria-multiselectable="true">
          <colgroup>
            <col data-col="select" />
            {visibleIds.map((id) => (
              <col key={id} data-col={id} />
            ))}
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col" className="c-select">
                <IndeterminateCheckbox
                  checked={allShown}
                  indeterminate={!allShown && selectedIds.length > 0}
                  label={allShown ? 'Clear the selection' : `Select all ${shown.toLocaleString('en-US')} shown findings`}
                  onChange={toggleAll}
                  disabled={shown === 0}
                />
              </th>
              {visible.map((column) => {
                const sorted = column.getIsSorted()
                const spec = COLUMN_BY_ID.get(column.id as ColumnId)!
                return (
                  <th
                    key={column.id}
                    scope="col"
                    className={spec.numeric && spec.id !== 'id' ? 'num' : undefined}
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                  >
                    <button type="button" className="sort-button" onClick={column.getToggleSortingHandler()} title={`Sort by ${spec.header} (Shift: add to the sort)`}>
                      {spec.header}
                      <span className="sort-mark" aria-hidden="true">
                        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                        {sorted && state.sorting.length > 1 ? column.getSortIndex() + 1 : ''}
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
                const set = (v: string): void => column.setFilterValue(v || undefined)
                if (spec.filter === 'text') {
                  return (
                    <td key={column.id}>
                      <input type="search" className="filter-input" aria-label={`Filter ${spec.header}`} placeholder="Filter" value={value} onChange={(e) => set(e.target.value)} />
                    </td>
                  )
                }
                if (spec.filter === 'select' || spec.filter === 'tool') {
                  return (
                    <td key={column.id}>
                      <select className="filter-input" aria-label={`Filter ${spec.header}`} value={value} onChange={(e) => set(e.target.value)}>
                        <option value="">All</option>
                        {(facets.get(spec.id) ?? []).map(([v, n]) => (
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
          <GridBody
            store={store}
            view={view}
            columns={visibleIds}
            rowSelection={state.rowSelection}
            expanded={state.expanded}
            scrollEl={scrollEl}
            viewKey={viewKey}
            initialScrollTop={state.scrollTop}
            onOpen={onOpen}
            onToggleRow={toggleRow}
            onToggleGroup={toggleGroup}
          />
        </table>
        {view.items.length === 0 ? <p className="grid-empty">{total === 0 ? 'No findings yet. Import scanner exports to see them here.' : 'No finding matches these filters.'}</p> : null}
      </div>
    </div>
  )
}

const NO_ROWS: FindingRow[] = []

// ---- the virtual body -----------------------------------------------------------------------

/**
 * The rows in view and a spacer above and below them. Its own component: scrolling re-renders
 * this and the rows coming into view, not the toolbar, the header and its filters.
 */
function GridBody({
  store,
  view,
  columns,
  rowSelection,
  expanded,
  scrollEl,
  viewKey,
  initialScrollTop,
  onOpen,
  onToggleRow,
  onToggleGroup
}: {
  store: FindingsStore
  view: View
  columns: ColumnId[]
  rowSelection: RowSelectionState
  expanded: ExpandedState
  scrollEl: HTMLDivElement | null
  viewKey: string
  initialScrollTop: number
  onOpen(id: string): void
  onToggleRow(item: number, range: boolean): void
  onToggleGroup(g: Group): void
}): ReactElement {
  const topRef = useRef<HTMLTableCellElement>(null)
  const bottomRef = useRef<HTMLTableCellElement>(null)
  const count = view.items.length
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollEl,
    estimateSize: () => ROW_HEIGHT,
    // Rows rendered beyond the view: each one is laid out and painted again on every scrolled
    // frame (the table's layout and the text in its cells are most of a frame's cost), while a
    // fling moves ~12 rows a frame whatever the overscan. 3 instead of 8 dropped fewer frames.
    overscan: 3,
    // the sticky header covers the top of the scroll area: keep a row scrolled to below it
    scrollPaddingStart: 64,
    initialOffset: () => initialScrollTop
  })
  const items = virtualizer.getVirtualItems()
  const padTop = items.length ? items[0]!.start : 0
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0
  // On the spacer cells themselves: a custom property on the tbody would restyle every cell
  // under it on every scrolled frame.
  useLayoutEffect(() => {
    topRef.current?.style.setProperty('height', `${padTop}px`)
    bottomRef.current?.style.setProperty('height', `${padBottom}px`)
  }, [padTop, padBottom])
  // where the table was scrolled to, for coming back to it (the virtualizer already knows)
  const offset = useRef(0)
  offset.current = virtualizer.scrollOffset ?? 0
  useEffect(
    () => () => {
      const s = recall<GridState>(`grid:${viewKey}`)
      if (s) remember(`grid:${viewKey}`, { ...s, scrollTop: offset.current })
    },
    [viewKey]
  )

  // ---- keyboard: one active row, moved with the arrow keys ----
  const [active, setActive] = useState(0)
  const focusRow = useRef(false)
  const activeIndex = Math.min(active, Math.max(0, count - 1))
  useEffect(() => {
    if (!focusRow.current) return
    virtualizer.scrollToIndex(activeIndex, { align: 'auto' })
    const id = requestAnimationFrame(() => {
      scrollEl?.querySelector<HTMLElement>(`tr[data-index="${activeIndex}"]`)?.focus({ preventScroll: true })
    })
    return () => cancelAnimationFrame(id)
  }, [activeIndex, virtualizer, scrollEl])

  const onRowsKey = (e: KeyboardEvent<HTMLTableSectionElement>): void => {
    if ((e.target as HTMLElement).tagName !== 'TR') return
    const page = Math.max(1, Math.floor((scrollEl?.clientHeight ?? 400) / ROW_HEIGHT) - 2)
    const move: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page }
    let next: number | null = null
    if (e.key in move) next = activeIndex + move[e.key]!
    else if (e.key === 'Home') next = 0
    else if (e.key === 'End') next = count - 1
    if (next !== null) {
      e.preventDefault()
      focusRow.current = true
      setActive(Math.max(0, Math.min(count - 1, next)))
      return
    }
    const ref = view.items[activeIndex]
    if (ref === undefined) return
    if (e.key === 'Enter') {
      e.preventDefault()
      if (ref < 0) onToggleGroup(view.groups[-1 - ref]!)
      else onOpen(store.idOf(ref))
    } else if (e.key === ' ' && ref >= 0) {
      e.preventDefault()
      onToggleRow(activeIndex, e.shiftKey)
    }
  }

  const span = columns.length + 1
  return (
    <tbody onKeyDown={onRowsKey}>
      <tr className="spacer" aria-hidden="true">
        <td ref={topRef} colSpan={span} />
      </tr>
      {items.map((item) => {
        const ref = view.items[item.index]
        if (ref === undefined) return null
        if (ref < 0) {
          const g = view.groups[-1 - ref]!
          return (
            <GroupRow
              key={g.id}
              group={g}
              index={item.index}
              span={span}
              expanded={expanded === true || expanded[g.id] === true}
              active={item.index === activeIndex}
              onActivate={setActive}
              onToggle={onToggleGroup}
            />
          )
        }
        const f = store.row(ref)
        return (
          <FindingRowView
            key={f.id}
            finding={f}
            index={item.index}
            columns={columns}
            selected={rowSelection[f.id] === true}
            active={item.index === activeIndex}
            onActivate={setActive}
            onOpen={onOpen}
            onToggle={onToggleRow}
          />
        )
      })}
      <tr className="spacer" aria-hidden="true">
        <td ref={bottomRef} colSpan={span} />
      </tr>
    </tbody>
  )
}

// ---- rows -----------------------------------------------------------------------------------

interface RowViewProps {
  finding: FindingRow
  index: number
  columns: ColumnId[]
  selected: boolean
  active: boolean
  onActivate(index: number): void
  onOpen(id: string): void
  onToggle(item: number, range: boolean): void
}

/** One finding. Memoised: scrolling renders only the rows that come into view. */
const FindingRowView = memo(function FindingRowView({ finding: f, index, columns, selected, active, onActivate, onOpen, onToggle }: RowViewProps): ReactElement {
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
        <input
          type="checkbox"
          aria-label={`Select ${f.id}`}
          checked={selected}
          tabIndex={-1}
          // click, not change: the change event does not tell whether Shift was held
          onClick={(e: MouseEvent<HTMLInputElement>) => {
            e.stopPropagation()
            onActivate(index)
            onToggle(index, e.shiftKey)
          }}
          onChange={() => undefined}
        />
      </td>
      {columns.map((id) => {
        const spec = COLUMN_BY_ID.get(id)!
        if (id === 'id') {
          return (
            <td key={id} className="mono">
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
  group,
  index,
  span,
  expanded,
  active,
  onActivate,
  onToggle
}: {
  group: Group
  index: number
  span: number
  expanded: boolean
  active: boolean
  onActivate(index: number): void
  onToggle(g: Group): void
}): ReactElement {
  const spec = COLUMN_BY_ID.get(group.column)
  return (
    <tr data-index={index} aria-rowindex={index + 3} tabIndex={active ? 0 : -1} className="group-row" onClick={() => onActivate(index)}>
      <td colSpan={span}>
        <button
          type="button"
          className="group-toggle"
          tabIndex={-1}
          aria-expanded={expanded}
          onClick={() => onToggle(group)}
          aria-label={`${expanded ? 'Collapse' : 'Expand'} ${spec?.header ?? ''} ${group.label}`}
        >
          <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
        </button>
        <span className="group-label">{spec?.header}:</span> <strong>{group.label}</strong>
        <span className="muted">
          {' '}
          · {group.count.toLocaleString('en-US')} {group.count === 1 ? 'finding' : 'findings'}
        </span>
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
