// The findings table's selection: by finding id, in the table's state, so it survives sorting,
// filtering and scrolling. Shift extends from the last row clicked; the header's box selects
// every row shown, or clears them.
import type { RowSelectionState } from '@tanstack/react-table'
import { useCallback, useMemo, useRef } from 'react'
import type { FindingsStore, View } from './engine'
import type { GridTable } from './grid-state'

export function useGridSelection(table: GridTable, store: FindingsStore, view: View, rowSelection: RowSelectionState) {
  const selectedIds = useMemo(() => Object.keys(rowSelection).filter((k) => rowSelection[k]), [rowSelection])
  const allShown = useMemo(() => {
    if (view.rows.length === 0 || selectedIds.length < view.rows.length) return false
    for (const i of view.rows) if (!rowSelection[store.idOf(i)]) return false
    return true
  }, [view.rows, selectedIds.length, rowSelection, store])
  const clearSelection = useCallback(() => table.setRowSelection({}), [table])
  const anchor = useRef<number | null>(null)
  const toggleRow = useCallback(
    (item: number, range: boolean) => {
      const i = view.items[item]!
      const id = store.idOf(i)
      const from = anchor.current
      if (range && from !== null && from !== item) {
        // Shift: the rows between the last one clicked and this one take this one's new state
        const on = !rowSelection[id]
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
    [view.items, store, rowSelection, table]
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
  return { selectedIds, allShown, clearSelection, toggleRow, toggleAll }
}
