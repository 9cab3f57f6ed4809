import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useState, type ComponentType } from 'react'

/** One section of the app: one entry in `PAGES` (pages/index.ts) and one component. */
export interface PageDef {
  /** the address fragment, `#/<id>` */
  id: string
  /** the label in the navigation and the page's heading */
  title: string
  component: ComponentType
  icon: ComponentType
  /** 'system' pages (Settings) sit at the bottom of the navigation */
  group?: 'work' | 'system'
}

export interface Shortcut {
  keys: string
  does: string
}

export interface Navigation {
  pages: readonly PageDef[]
  current: PageDef
  go(id: string): void
  shortcuts: Shortcut[]
}

export const NavigationContext = createContext<Navigation | null>(null)

export function useNavigation(): Navigation {
  const n = useContext(NavigationContext)
  if (!n) throw new Error('useNavigation outside <NavigationContext.Provider>')
  return n
}

/** Alt+1 … Alt+9 open the pages in navigation order. */
export function pageShortcut(index: number): string | null {
  return index < 9 ? `Alt+${index + 1}` : null
}

export function shortcutsFor(pages: readonly PageDef[]): Shortcut[] {
  const list: Shortcut[] = []
  pages.forEach((p, i) => {
    const keys = pageShortcut(i)
    if (keys) list.push({ keys, does: `Open ${p.title}` })
  })
  list.push({ keys: 'Tab / Shift+Tab', does: 'Move to the next / previous control' })
  list.push({ keys: 'Enter', does: 'Submit the form or press the focused button' })
  list.push({ keys: 'Escape', does: 'Close a dialog' })
  return list
}

function idFromHash(hash: string): string {
  return hash.replace(/^#\/?/, '').split(/[/?]/, 1)[0] ?? ''
}

/**
 * The page shown, kept in the address fragment (`#/audit`), which works with the app's custom
 * scheme and with `base: './'` alike, and lets Back/Forward move between pages.
 */
export function useHashRoute(pages: readonly PageDef[]): [PageDef, (id: string) => void] {
  const find = useCallback((id: string): PageDef => pages.find((p) => p.id === id) ?? pages[0], [pages])
  const [page, setPage] = useState<PageDef>(() => find(idFromHash(window.location.hash)))
  useEffect(() => {
    const onHash = (): void => setPage(find(idFromHash(window.location.hash)))
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [find])
  const go = useCallback(
    (id: string) => {
      const target = find(id)
      if (window.location.hash !== `#/${target.id}`) window.location.hash = `#/${target.id}`
      setPage(target)
    },
    [find]
  )
  return [page, go]
}

/**
 * Alt+digit opens the page at that position, wherever the focus is. A layout effect, so the
 * shortcuts work from the moment the shell is on screen.
 */
export function usePageShortcuts(pages: readonly PageDef[], go: (id: string) => void): void {
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return
      const m = /^Digit([1-9])$/.exec(e.code)
      if (!m) return
      const page = pages[Number(m[1]) - 1]
      if (!page) return
      e.preventDefault()
      go(page.id)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [pages, go])
}
