import { createContext, useContext } from 'react'
import type { AppInfo, Identity } from '../../shared/contract'
import type { Case } from '../../shared/model'

/** What every screen may need: the app, the open case and who is acting. */
export interface AppState {
  info: AppInfo
  /** the open case; pages in the navigation are only shown while one is open */
  current: Case | null
  identity: Identity
  setIdentity(identity: Identity): void
  /** tell the shell the open case changed (opened, reopened, closed) */
  setCurrent(c: Case | null): void
}

export const AppStateContext = createContext<AppState | null>(null)

export function useAppState(): AppState {
  const s = useContext(AppStateContext)
  if (!s) throw new Error('useAppState outside <AppStateContext.Provider>')
  return s
}

/** The open case, for pages that are only reachable while one is open. */
export function useOpenCase(): Case {
  const { current } = useAppState()
  if (!current) throw new Error('this page needs an open case')
  return current
}
