// The findings table's toolbar: the search (`/` focuses it, as in most tools that list things),
// the group-by, the columns to show, clearing the filters, and the count of findings shown and
// selected.
import { useEffect, useId, useRef, type ReactElement } from 'react'
import { COLUMNS, type ColumnId, type ColumnSpec } from './columns'
import type { GridTable } from './grid-state'

export function GridToolbar({
  table,
  label,
  search,
  grouped,
  someExpanded,
  filtered,
  without,
  isVisible,
  shown,
  total,
  selected
}: {
  table: GridTable
  label: string
  search: string
  grouped: ColumnId | null
  someExpanded: boolean
  /** a column filter or the search is set */
  filtered: boolean
  without: readonly ColumnId[]
  isVisible(id: ColumnId): boolean
  shown: number
  total: number
  selected: number
}): ReactElement {
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
  const searchId = useId()
  const groupId = useId()

  return (
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
          value={search}
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
      <ColumnChooser columns={COLUMNS.filter((c) => !without.includes(c.id) && c.id !== 'id')} isVisible={isVisible} toggle={(id) => table.getColumn(id)?.toggleVisibility()} />
      {filtered ? (
        <button type="button" className="button small ghost" onClick={() => (table.resetColumnFilters(true), table.setGlobalFilter(''))}>
          Clear filters
        </button>
      ) : null}
      <span className="grid-count" data-testid="findings-count" aria-live="polite">
        {shown === total ? `${total.toLocaleString('en-US')} findings` : `${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} findings`}
        {selected ? ` · ${selected.toLocaleString('en-US')} selected` : ''}
      </span>
    </div>
  )
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
