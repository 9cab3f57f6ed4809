// The findings table's header: a row of column titles that sort (Shift adds to the sort) with the
// box that selects every finding shown, and a row of filters, one per column that has one.
import { useEffect, useRef, type ReactElement } from 'react'
import { COLUMN_BY_ID, type ColumnId } from './columns'
import type { GridColumn } from './grid-state'

export function GridHeader({
  columns,
  multiSort,
  facets,
  shown,
  allShown,
  someSelected,
  onToggleAll
}: {
  columns: GridColumn[]
  /** more than one column sorts: each shows its place in the sort */
  multiSort: boolean
  /** the options of each select filter: the values present, most frequent first */
  facets: Map<ColumnId, Array<[string, number]>>
  shown: number
  allShown: boolean
  someSelected: boolean
  onToggleAll(): void
}): ReactElement {
  return (
    <thead>
      <tr aria-rowindex={1}>
        <th scope="col" className="c-select">
          <IndeterminateCheckbox
            checked={allShown}
            indeterminate={!allShown && someSelected}
            label={allShown ? 'Clear the selection' : `Select all ${shown.toLocaleString('en-US')} shown findings`}
            onChange={onToggleAll}
            disabled={shown === 0}
          />
        </th>
        {columns.map((column) => {
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
                  {sorted && multiSort ? column.getSortIndex() + 1 : ''}
                </span>
              </button>
            </th>
          )
        })}
      </tr>
      <tr aria-rowindex={2} className="filter-row">
        <td />
        {columns.map((column) => {
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
  )
}

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
