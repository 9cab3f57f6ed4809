// The findings table's body: TanStack Virtual puts only the rows in view in the DOM, between two
// spacer rows whose heights are set through the CSSOM (the app's CSP forbids style attributes).
// Keyboard: the rows are one tab stop; ↑ ↓ Home End PgUp PgDn move, Enter opens the finding (or
// a group), Space selects it.
import type { ExpandedState, RowSelectionState } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactElement } from 'react'
import { recall, remember } from '../view-memory'
import { COLUMN_BY_ID, type ColumnId } from './columns'
import type { FindingRow, FindingsStore, Group, View } from './engine'
import { gridMemoryKey, type GridState } from './grid-state'

/** every row's height (screens.css .grid tbody td): two lines, so a long title is read, not cut */
const ROW_HEIGHT = 44

/**
 * The rows in view and a spacer above and below them. Its own component: scrolling re-renders
 * this and the rows coming into view, not the toolbar, the header and its filters.
 */
export function GridBody({
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
      const s = recall<GridState>(gridMemoryKey(viewKey))
      if (s) remember(gridMemoryKey(viewKey), { ...s, scrollTop: offset.current })
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
            {id === 'title' ? <span className="two-lines">{spec.render(f)}</span> : spec.render(f)}
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
