import { useCallback, useEffect, useState, type DependencyList } from 'react'
import { describeError } from './errors'
import { onFindingsChanged } from './findings/data'

export interface Loaded<T> {
  value: T | null
  /** a sentence for people, when the last load failed */
  error: string | null
  loading: boolean
  reload(): void
}

/**
 * Run `load` when the deps change (and on `reload()`), keeping the last value while a new one
 * loads. An answer that arrives after the deps changed again, or after unmount, is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList, opts: { followFindings?: boolean } = {}): Loaded<T> {
  const [value, setValue] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const reload = useCallback(() => setTick((n) => n + 1), [])
  const follow = opts.followFindings === true
  useEffect(() => (follow ? onFindingsChanged(reload) : undefined), [follow, reload])
  useEffect(() => {
    let live = true
    setLoading(true)
    load()
      .then((v) => {
        if (!live) return
        setValue(v)
        setError(null)
      })
      .catch((e: unknown) => {
        if (live) setError(describeError(e))
      })
      .finally(() => {
        if (live) setLoading(false)
      })
    return () => {
      live = false
    }
    // `load` is a fresh closure each render; the caller's deps say when it really changes.
  }, [...deps, tick])
  return { value, error, loading, reload }
}
