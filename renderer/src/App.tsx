import { useEffect, useMemo, useState, type ReactElement } from 'react'
import type { AppInfo, Identity } from '../../shared/contract'
import type { Case } from '../../shared/model'
import { call, hasBridge, onEvent } from './api'
import { AppStateContext, type AppState } from './app-state'
import { LogoMark } from './components/icons'
import { Notice } from './components/Notice'
import { Shell } from './components/Shell'
import { describeError } from './errors'
import { PAGES } from './pages'
import { StartScreen } from './pages/StartScreen'
import { forgetViews } from './view-memory'

interface Boot {
  info: AppInfo
  identity: Identity
  current: Case | null
}

export function App(): ReactElement {
  const [boot, setBoot] = useState<Boot | null>(null)
  const [fatal, setFatal] = useState<string | null>(null)
  const [current, setCurrent] = useState<Case | null>(null)
  const [identity, setIdentity] = useState<Identity | null>(null)

  useEffect(() => {
    if (!hasBridge()) {
      setFatal(
        'This window has no connection to Lastmile’s main process, so it cannot open cases. Start Lastmile from its launcher (or `npm start`) instead of opening this page in a browser.'
      )
      return
    }
    Promise.all([call('app.info', {}), call('identity.get', {}), call('case.current', {})])
      .then(([info, id, c]) => {
        setBoot({ info, identity: id, current: c })
        setIdentity(id)
        setCurrent(c)
      })
      .catch((e: unknown) => setFatal(describeError(e)))
    // main tells every window when the open case changes (opened, reopened, closed).
    return onEvent('case.changed', (c) => setCurrent(c))
  }, [])

  // Views remember their filters and selection for the open case only.
  const caseId = current?.id ?? null
  useEffect(() => forgetViews(), [caseId])
  // The roles a person holds are the open case's (granted by its owner): read them again per case.
  useEffect(() => {
    if (!boot) return
    call('identity.get', {})
      .then(setIdentity)
      .catch(() => undefined)
  }, [boot, caseId])

  const state = useMemo<AppState | null>(() => (boot && identity ? { info: boot.info, current, identity, setIdentity, setCurrent } : null), [boot, current, identity])

  if (fatal) {
    return (
      <div className="start">
        <div className="start-inner">
          <header className="start-brand">
            <LogoMark />
            <h1>Lastmile could not start</h1>
          </header>
          <main>
            <Notice tone="error">{fatal}</Notice>
          </main>
        </div>
      </div>
    )
  }
  if (!state) return <div className="booting" aria-busy="true" />
  return <AppStateContext.Provider value={state}>{state.current ? <Shell pages={PAGES} /> : <StartScreen />}</AppStateContext.Provider>
}
