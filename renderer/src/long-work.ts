// Long work seen from the renderer: its latest `progress` event, and its Cancel. Every screen
// that starts long work (import, evidence add and collection, PDF export, investigation) uses
// these instead of its own event filter and cancel state.
import { useEffect, useState } from 'react'
import type { Progress } from '../../shared/model'
import { call, onEvent } from './api'
import { describeError } from './errors'

/** The latest `progress` event of one kind of work: its operation, or `<operation> <what>`. */
export function useProgress(operation: string): [Progress | null, (p: Progress | null) => void] {
  const [progress, setProgress] = useState<Progress | null>(null)
  useEffect(
    () =>
      onEvent('progress', (p) => {
        if (p.operation === operation || p.operation.startsWith(`${operation} `)) setProgress(p)
      }),
    [operation]
  )
  return [progress, setProgress]
}

export type CancelChannel = 'ingest.cancel' | 'evidence.cancelAdd' | 'evidence.cancelCollect' | 'export.cancel' | 'investigate.cancel'

/**
 * Cancel for long work: asks main to stop it (the running call then answers, marked cancelled
 * or with the `cancelled` error). `reset` when a new run starts or the run has ended.
 */
export function useCancel(channel: CancelChannel, onError: (message: string) => void): { cancelling: boolean; cancel(): Promise<void>; reset(): void } {
  const [cancelling, setCancelling] = useState(false)
  async function cancel(): Promise<void> {
    setCancelling(true)
    try {
      await call(channel, {})
    } catch (e) {
      onError(describeError(e))
      setCancelling(false)
    }
  }
  return { cancelling, cancel, reset: () => setCancelling(false) }
}
