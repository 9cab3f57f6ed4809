// Stopping long evidence work (adding a bundle, collecting one) when the user cancels. The work
// polls a plain flag at its safe points — between files, between phases, before it writes — so a
// cancel never lands in the middle of a write, and nothing in the case changes.
import { LastmileError } from '../errors'

/** Set `aborted` to stop the work at its next safe point. */
export interface CancelSignal {
  aborted: boolean
}

/** Throws the `cancelled` error when the user has cancelled; `what` says what was not done. */
export function stopIfCancelled(signal: CancelSignal | undefined, what: string): void {
  if (signal?.aborted) throw new LastmileError('cancelled', what)
}
