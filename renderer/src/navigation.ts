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
  /** what follows the page in the address: `F-12` in `#/findings/F-12`, '' for the page itself */
  sub: string
  /** open a page, or one thing on it (`go('findings', 'F-12')`) */
  go(id: string, sub?: string): void
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
  list.push({ keys: '↑ ↓ Home End PgUp PgDn', does: 'Move between rows of the findings table' })
  list.push({ keys: 'Enter / Space', does: 'Open the focused finding / select it' })
  list.push({ keys: '/', does: 'Search the findings (on the Findings page)' })
  return list
}

/** `#/findings/F-12` → ['findings', 'F-12']; `#/audit` → ['audit', '']. */
function parseHash(hash: string): [string, string] {
  const path = hash.replace(/^#\/?/, '').split('?', 1)[0] ?? ''
  const slash = path.indexOf('/')
  if (slash < 0) return [path, '']
  let sub = path.slice(slash + 1)
  try {
    sub = decodeURIComponent(sub)
  } catch {
    // a hand-typed address with a stray %: keep it as typed
  }
  return [path.slice(0, slash), sub]
}

function hashFor(id: string, sub = ''): string {
  return sub ? `#/${id}/${encodeURIComponent(sub)}` : `#/${id}`
}

export interface Route {
  page: PageDef
  sub: string
}

/**
 * The page shown, kept in the address fragment (`#/audit`, `#/findings/F-12`), which works with
 * the app's custom scheme and with `base: './'` alike, and lets Back/Forward move between pages.
 */
export function useHashRoute(pages: readonly PageDef[]): [Route, (id: string, sub?: string) => void] {
  const find = useCallback(
    (hash: string): Route => {
      const [id, sub] = parseHash(hash)
      const page = pages.find((p) => p.id === id)
      // an unknown page shows the first one, without the rest of the address
      return page ? { page, sub } : { page: pages[0], sub: '' }
    },
    [pages]
  )
  const [route, setRoute] = useState<Route>(() => find(window.location.hash))
  useEffect(() => {
    const onHash = (): void => setRoute(find(window.location.hash))
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [find])
  const go = useCallback(
    (id: string, sub = '') => {
      const hash = hashFor(id, sub)
      const target = find(hash)
      if (window.location.hash !== hashFor(target.page.id, target.sub)) window.location.hash = hashFor(target.page.id, target.sub)
      setRoute(target)
    },
    [find]
  )
  return [route, go]
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
