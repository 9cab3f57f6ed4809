// The findings table: its state and the TanStack table holding it (grid-state.ts), the selection
// (grid-selection.ts), and what it draws — the toolbar (GridToolbar), the header with its sort
// and filters (GridHeader) and the virtual body (GridBody). engine.ts computes what the state
// shows over the typed columns, and TanStack Virtual puts only the rows in view in the DOM:
// 200,000 findings stay fluid.
//
// Layout: a real <table role="grid"> (screen readers announce rows and columns) with a fixed
// layout, so column widths do not jump as rows scroll in and out. The column widths, like the
// spacer rows' heights, are set through the CSSOM (the app's CSP forbids style attributes).
//
// Keyboard: Tab reaches the search, the filters and the rows (one tab stop); in the rows, ↑ ↓
// Home End PgUp PgDn move, Enter opens the finding (or a group), Space selects it; `/` focuses
// the search box.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactElement, type ReactNode, type RefObject } from 'react'
import { COLUMN_BY_ID, DEFAULT_HIDDEN, FLEX_MIN, SELECT_WIDTH, type ColumnId } from './columns'
import type { FindingsStore, Group } from './engine'
import { GridBody } from './GridBody'
import { GridHeader } from './GridHeader'
import { useGridSelection } from './grid-selection'
import { useGridTable } from './grid-state'
import { GridToolbar } from './GridToolbar'

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
  /** actions on the selected findings, shown in the toolbar while some are selected (the selection stays, so their outcome does) */
  selectionActions?(ids: string[]): ReactNode
}

export function FindingsGrid({ store, subset, label, viewKey, hidden = DEFAULT_HIDDEN, without = [], onOpen, selectionActions }: FindingsGridProps): ReactElement {
  const { state, table, columnVisibility, visible, visibleIds, grouped, view, total, facets } = useGridTable({ store, subset, viewKey, hidden, without })
  const { selectedIds, allShown, clearSelection, toggleRow, toggleAll } = useGridSelection(table, store, view, state.rowSelection)

  const toggleGroup = useCallback(
    (g: Group) =>
      table.setExpanded((old) => {
        if (old === true) return Object.fromEntries(view.groups.filter((x) => x.id !== g.id).map((x) => [x.id, true]))
        return { ...old, [g.id]: !old[g.id] }
      }),
    [table, view.groups]
  )
  const someExpanded = state.expanded === true || Object.values(state.expanded).some(Boolean)

  const tableRef = useRef<HTMLTableElement>(null)
  useColumnWidths(tableRef, visibleIds)

  // the first search should not pay for preparing the text columns: do it while nothing happens
  useEffect(() => {
    const id = requestIdleCallback(() => store.warm(), { timeout: 5000 })
    return () => cancelIdleCallback(id)
  }, [store])

  // the scroll element as state, not a ref: the virtual body must render again once it exists
  const [scrollEl, setScrollEl] = useState<HTMLDivElement | null>(null)

  const shown = view.rows.length

  return (
    <div className="grid-card">
      <GridToolbar
        table={table}
        label={label}
        search={state.globalFilter}
        grouped={grouped}
        someExpanded={someExpanded}
        filtered={state.columnFilters.length > 0 || state.globalFilter !== ''}
        without={without}
        isVisible={(id) => columnVisibility[id] !== false}
        shown={shown}
        total={total}
        selected={selectedIds.length}
      />
      {selectedIds.length && selectionActions ? (
        <div className="grid-selection" role="region" aria-label="Selected findings">
          {selectionActions(selectedIds)}
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
          <GridHeader
            columns={visible}
            multiSort={state.sorting.length > 1}
            facets={facets}
            shown={shown}
            allShown={allShown}
            someSelected={selectedIds.length > 0}
            onToggleAll={toggleAll}
          />
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
        {view.items.length === 0 ? (
          <p className="grid-empty">{total === 0 ? 'No findings yet. Import scanner exports to see them here.' : 'No finding matches these filters.'}</p>
        ) : null}
      </div>
    </div>
  )
}

/**
 * Column widths through the CSSOM (the CSP allows no style attributes); the table is at least as
 * wide as its columns, so a narrow window scrolls sideways instead of squeezing the title.
 */
function useColumnWidths(tableRef: RefObject<HTMLTableElement | null>, visibleIds: ColumnId[]): void {
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
  }, [tableRef, visibleIds])
}
