// The case's findings as the renderer keeps them: the columns of `findings.table` in a
// FindingsStore (engine.ts), loaded once per open case and shared by the Findings table, the
// initiatives board and the initiative detail. Anything that changes findings (an import, a
// decision, a split or merge, evidence) calls `invalidateFindings()`, and every view showing them
// loads the new state.
import { call } from '../api'
import { FindingsStore } from './engine'

export { FindingsStore, shortName } from './engine'

interface Held {
  caseId: string
  version: number
  promise: Promise<FindingsStore>
}

let held: Held | null = null
let version = 0
const listeners = new Set<() => void>()

/** The findings of the open case; loaded once, until `invalidateFindings()`. */
export function loadFindings(caseId: string): Promise<FindingsStore> {
  if (held && held.caseId === caseId && held.version === version) return held.promise
  const promise = call('findings.table', {}).then((t) => new FindingsStore(t))
  held = { caseId, version, promise }
  // a failed load is not kept: the next view asks again
  promise.catch(() => {
    if (held?.promise === promise) held = null
  })
  return promise
}

/** Findings changed in main: views showing them reload. */
export function invalidateFindings(): void {
  version++
  held = null
  for (const l of listeners) l()
}

export function onFindingsChanged(listener: () => void): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}
