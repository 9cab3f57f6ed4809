// The renderer's only door to main: `window.lastmile`, exposed by the preload (or, in the
// end-to-end tests, by the test bridge that implements the same contract). Every call answers
// with an envelope; this wrapper turns it into a value or a typed error, so pages can write
// `await call('audit.list', {...})` and show `error.message` to people.
//
// Type-only imports from the contract: the zod schemas stay in main, where inputs are checked.
import type { ApiErrorCode, ChosenPath, CallInput, CallOutput, Channel, Envelope, EventName, Events, LastmileApi } from '../../shared/contract'

declare global {
  interface Window {
    lastmile?: LastmileApi
  }
}

/** 'no-bridge': the page runs without the preload (opened in a plain browser). */
export type CallErrorCode = ApiErrorCode | 'no-bridge'

/** A call that main (or the bridge) refused; `message` is a sentence for people. */
export class ApiCallError extends Error {
  readonly code: CallErrorCode
  readonly channel: Channel | 'dropped'
  constructor(code: CallErrorCode, channel: Channel | 'dropped', message: string) {
    super(message)
    this.name = 'ApiCallError'
    this.code = code
    this.channel = channel
  }
}

export function hasBridge(): boolean {
  return typeof window.lastmile === 'object' && window.lastmile !== null
}

function bridge(channel: Channel | 'dropped'): LastmileApi {
  const api = window.lastmile
  if (!api) {
    throw new ApiCallError(
      'no-bridge',
      channel,
      'this window has no connection to Lastmile’s main process; start Lastmile from its launcher instead of opening the page in a browser'
    )
  }
  return api
}

/** Call one contract entry; resolves to its value or rejects with an ApiCallError. */
export async function call<C extends Channel>(channel: C, input: CallInput<C>): Promise<CallOutput<C>> {
  const method = bridge(channel)[channel] as unknown as (i: CallInput<C>) => Promise<Envelope<CallOutput<C>>>
  let envelope: Envelope<CallOutput<C>>
  try {
    envelope = await method(input)
  } catch (e) {
    // The transport itself failed (main gone, IPC torn down): not an answer from a handler.
    throw new ApiCallError('internal', channel, `${channel} could not reach Lastmile’s main process (${(e as Error)?.message ?? String(e)})`)
  }
  if (envelope.ok) return envelope.value
  throw new ApiCallError(envelope.error.code, channel, envelope.error.message)
}

/**
 * Files or folders the user dropped, as main names them (a token each; null for one with no path
 * on disk). The preload asks Electron where they are and tells main; the page never names a path.
 */
export async function dropped(files: readonly object[]): Promise<Array<ChosenPath | null>> {
  const api = bridge('dropped')
  let envelope: Envelope<Array<ChosenPath | null>>
  try {
    envelope = await api.dropped([...files])
  } catch (e) {
    throw new ApiCallError('internal', 'dropped', `the dropped files could not reach Lastmile’s main process (${(e as Error)?.message ?? String(e)})`)
  }
  if (envelope.ok) return envelope.value
  throw new ApiCallError(envelope.error.code, 'dropped', envelope.error.message)
}

/** Subscribe to an event pushed by main; returns the unsubscribe function. */
export function onEvent<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
  const api = window.lastmile
  if (!api) return () => undefined
  return api.on(event, listener)
}
