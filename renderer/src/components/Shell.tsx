import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react'
import { call } from '../api'
import { useAppState, useOpenCase } from '../app-state'
import { describeError } from '../errors'
import { NavigationContext, pageShortcut, shortcutsFor, useHashRoute, usePageShortcuts, type PageDef } from '../navigation'
import { roleLabel } from './IdentityForm'
import { LockIcon, LogoMark, UserIcon } from './icons'
import { Notice } from './Notice'

/** The window while a case is open: navigation, the case header, and the current page. */
export function Shell({ pages: declared }: { pages: readonly PageDef[] }): ReactElement {
  // Work sections first, then system ones (Settings); shortcuts follow this visible order.
  const pages = useMemo(() => [...declared.filter((p) => p.group !== 'system'), ...declared.filter((p) => p.group === 'system')], [declared])
  const [{ page, sub }, go] = useHashRoute(pages)
  const mainRef = useRef<HTMLElement>(null)
  // Asking for the page already shown still moves focus to its heading, as a new page would.
  const open = useCallback(
    (id: string, to = '') => {
      if (id === page.id && to === sub) mainRef.current?.querySelector<HTMLElement>('h1')?.focus()
      else go(id, to)
    },
    [page.id, sub, go]
  )
  usePageShortcuts(pages, open)
  const caseName = useOpenCase().name
  // The window title names the case, like any document-based desktop app.
  useEffect(() => {
    document.title = `${caseName} · ${page.title} · Lastmile`
    return () => {
      document.title = 'Lastmile'
    }
  }, [page.title, caseName])
  const nav = useMemo(() => ({ pages, current: page, sub, go: open, shortcuts: shortcutsFor(pages) }), [pages, page, sub, open])
  const Current = page.component
  const work = pages.filter((p) => p.group !== 'system')
  const system = pages.filter((p) => p.group === 'system')

  const link = (p: PageDef): ReactElement => {
    const keys = pageShortcut(pages.indexOf(p))
    return (
      <li key={p.id}>
        <a
          href={`#/${p.id}`}
          className="nav-link"
          aria-current={p.id === page.id ? 'page' : undefined}
          aria-keyshortcuts={keys ?? undefined}
          onClick={(e) => {
            e.preventDefault()
            open(p.id)
          }}
        >
          <p.icon />
          <span className="nav-label">{p.title}</span>
          {keys ? <kbd className="nav-kbd">{keys}</kbd> : null}
        </a>
      </li>
    )
  }

  return (
    <NavigationContext.Provider value={nav}>
      <div className="shell">
        <button type="button" className="skip-link" onClick={() => mainRef.current?.focus()}>
          Skip to content
        </button>
        <aside className="sidebar">
          <div className="brand">
            <LogoMark />
            <span>Lastmile</span>
          </div>
          <nav aria-label="Sections" className="nav">
            <ul>{work.map(link)}</ul>
            <ul className="nav-system">{system.map(link)}</ul>
          </nav>
          <p className="sidebar-hint">
            <kbd>Alt</kbd>+<kbd>1</kbd>–<kbd>{Math.min(pages.length, 9)}</kbd> switch section
          </p>
        </aside>
        <div className="workspace">
          <CaseHeader />
          <main id="main" ref={mainRef} tabIndex={-1} className="content">
            <Current key={page.id} />
          </main>
        </div>
      </div>
    </NavigationContext.Provider>
  )
}

function CaseHeader(): ReactElement {
  const { identity, setCurrent } = useAppState()
  const current = useOpenCase()
  const [error, setError] = useState<string | null>(null)
  const [closing, setClosing] = useState(false)

  async function close(): Promise<void> {
    setError(null)
    setClosing(true)
    try {
      await call('case.close', {})
      setCurrent(null)
    } catch (e) {
      setError(describeError(e))
      setClosing(false)
    }
  }

  return (
    <header className="case-header">
      <div className="case-header-row">
        <div className="case-title">
          <span className="case-label">Case</span>
          <span className="case-name" data-testid="case-name">
            {current.name}
          </span>
          <span className="case-path mono" data-testid="case-path" title={current.path}>
            {current.path}
          </span>
        </div>
        <div className="case-header-actions">
          {current.readOnly ? (
            // in review the person at the keyboard is the reviewer, whoever last worked on the case
            <span className="identity-chip" title="Reviewing: nothing you do here is recorded in the case">
              <UserIcon />
              <span data-testid="identity-name">{identity.osUser ?? identity.name}</span>
              <span className="role">reviewer</span>
            </span>
          ) : (
            <span className="identity-chip" title="Recorded with your actions in the audit trail">
              <UserIcon />
              <span data-testid="identity-name">{identity.name}</span>
              <span className="role">{roleLabel(identity.role).toLowerCase()}</span>
            </span>
          )}
          <button type="button" className="button" onClick={() => void close()} disabled={closing}>
            Close case
          </button>
        </div>
      </div>
      {current.readOnly ? (
        <div className="readonly-banner" role="status">
          <LockIcon />
          <span>
            <strong>Read-only review.</strong> This case was opened for review: you can read and verify everything, and nothing can be changed.
          </span>
        </div>
      ) : null}
      {error ? (
        <Notice tone="error" title="The case was not closed">
          {error}
        </Notice>
      ) : null}
    </header>
  )
}
