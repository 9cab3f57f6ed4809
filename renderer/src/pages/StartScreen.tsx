import { useEffect, useRef, useState, type ReactElement } from 'react'
import type { RecentCaseEntry } from '../../../shared/contract'
import type { Case } from '../../../shared/model'
import { call } from '../api'
import { useAppState } from '../app-state'
import { CreateCaseForm, OpenCaseForm, PassphrasePrompt } from '../components/CaseForms'
import { IdentityForm, roleLabel } from '../components/IdentityForm'
import { CaseIcon, FolderIcon, LockIcon, LogoMark, PlusIcon, UserIcon } from '../components/icons'
import { Modal } from '../components/Modal'
import { Notice } from '../components/Notice'
import { ReviewCaseFileButton } from '../components/ReviewCaseFile'
import { OpenDemoButton } from '../components/OpenDemo'
import { describeError } from '../errors'
import { formatTime } from '../format'

type Panel = 'choose' | 'create' | 'open'

/** What the window shows while no case is open: recent cases, create, open. */
export function StartScreen(): ReactElement {
  const { info, identity, setCurrent } = useAppState()
  const [panel, setPanel] = useState<Panel>('choose')
  const [recent, setRecent] = useState<RecentCaseEntry[] | null>(null)
  const [recentError, setRecentError] = useState<string | null>(null)
  const [prompt, setPrompt] = useState<{ recent: RecentCaseEntry; error: string | null } | null>(null)
  const [editIdentity, setEditIdentity] = useState(false)
  const heading = useRef<HTMLHeadingElement>(null)
  const createButton = useRef<HTMLButtonElement>(null)
  const openButton = useRef<HTMLButtonElement>(null)
  // After Cancel, focus goes back to the button that opened the form.
  const [returnTo, setReturnTo] = useState<'create' | 'open' | null>(null)
  useEffect(() => {
    if (panel !== 'choose' || !returnTo) return
    ;(returnTo === 'create' ? createButton : openButton).current?.focus()
    setReturnTo(null)
  }, [panel, returnTo])

  useEffect(() => {
    heading.current?.focus({ preventScroll: true })
    call('case.recent', {})
      .then(setRecent)
      .catch((e: unknown) => setRecentError(describeError(e)))
  }, [])

  const opened = (c: Case): void => setCurrent(c)

  async function openRecent(r: RecentCaseEntry): Promise<void> {
    if (!r.remembered) {
      setPrompt({ recent: r, error: null })
      return
    }
    try {
      opened(await call('case.open', { path: r.token }))
    } catch (e) {
      // The keystore could not unseal it (or the file moved): ask for the passphrase instead.
      setPrompt({ recent: r, error: describeError(e) })
    }
  }

  const backToChoice = (): void => {
    setReturnTo(panel === 'open' ? 'open' : 'create')
    setPanel('choose')
  }

  return (
    <div className="start">
      <div className="start-inner">
        <header className="start-brand">
          <LogoMark />
          <div>
            <h1 ref={heading} tabIndex={-1}>
              Lastmile
            </h1>
            <p className="muted">From cloud-security findings to evidenced, approved remediation, on this machine.</p>
          </div>
        </header>

        <div className="start-grid">
          <main className="start-main" aria-label="Start">
            {panel === 'choose' ? (
              <section className="card empty-state" aria-labelledby="no-case-title">
                <span className="empty-icon">
                  <CaseIcon />
                </span>
                <h2 id="no-case-title">No case is open</h2>
                <p>
                  Create a case to start a new engagement, or open a case file you already have. A case is encrypted with its passphrase and never leaves this machine unless you
                  export it.
                </p>
                <div className="empty-actions">
                  <button ref={createButton} type="button" className="button primary" onClick={() => setPanel('create')}>
                    <PlusIcon /> Create a case
                  </button>
                  <button ref={openButton} type="button" className="button" onClick={() => setPanel('open')}>
                    <FolderIcon /> Open a case
                  </button>
                  <ReviewCaseFileButton onDone={opened} />
                  <OpenDemoButton onDone={opened} />
                </div>
              </section>
            ) : (
              <div className="card">
                <div className="card-body">
                  {panel === 'create' ? <CreateCaseForm onCancel={backToChoice} onDone={opened} /> : <OpenCaseForm onCancel={backToChoice} onDone={opened} />}
                </div>
              </div>
            )}
          </main>

          <aside className="card recent" aria-labelledby="recent-title">
            <div className="card-head">
              <h2 id="recent-title">Recent cases</h2>
            </div>
            {recentError ? <Notice tone="error">{recentError}</Notice> : null}
            {recent && recent.length === 0 ? <p className="recent-empty muted">Cases you create or open on this machine are listed here.</p> : null}
            {recent && recent.length > 0 ? (
              <ul className="recent-list">
                {recent.map((r) => (
                  <li key={r.path}>
                    <button type="button" className="recent-item" onClick={() => void openRecent(r)}>
                      <span className="recent-name">
                        {r.name}
                        {r.remembered ? (
                          <span className="badge" title="The passphrase is remembered on this machine">
                            <LockIcon /> remembered
                          </span>
                        ) : null}
                      </span>
                      <span className="recent-path mono">{r.path}</span>
                      <span className="recent-time">Opened {formatTime(r.openedAt)}</span>
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </aside>
        </div>

        <footer className="start-footer">
          <span className="identity-line">
            <UserIcon /> Acting as <strong>{identity.name}</strong> ({roleLabel(identity.role).toLowerCase()})
            <button type="button" className="link-button" onClick={() => setEditIdentity(true)}>
              Change…
            </button>
          </span>
          <span className="muted">
            Lastmile {info.version} · keystore {info.keystoreBackend}
          </span>
        </footer>
      </div>

      {prompt ? <PassphrasePrompt recent={prompt.recent} initialError={prompt.error} onCancel={() => setPrompt(null)} onDone={opened} /> : null}
      {editIdentity ? (
        <Modal title="Who is acting" onClose={() => setEditIdentity(false)}>
          <p className="muted modal-lead">The audit trail records this name and role with everything you do.</p>
          <IdentityForm onSaved={() => setEditIdentity(false)} onCancel={() => setEditIdentity(false)} />
        </Modal>
      ) : null}
    </div>
  )
}
