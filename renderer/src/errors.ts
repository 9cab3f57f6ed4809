import { ApiCallError, type CallErrorCode } from './api'

/**
 * What to do next, by error code, for messages from main that say what went wrong but not
 * always what the user can do about it.
 */
const NEXT_STEP: Partial<Record<CallErrorCode, string>> = {
  'wrong-key': 'Check the passphrase (it is case-sensitive) and try again.',
  'not-found': 'Check the path, or choose the file with Browse….',
  'not-a-case': 'Choose a Lastmile case file (usually ending in .lmcase).',
  'read-only': 'Open the case itself, not a review copy, to make changes.',
  'bad-input': 'Correct the value and try again.',
  internal: 'This is a fault in Lastmile, not in your data. Try again; if it happens again, report it with the steps that led here.'
}

/**
 * Main's messages serve the command line too: in the app, a flag in brackets ("(--force on the
 * command line)") means nothing, and `code` marks are shown as plain words.
 */
function forTheApp(text: string): string {
  return text.replace(/\s*\((?:[^()]*\s)?--[a-z][a-z-]*[^()]*\)/g, '').replace(/`([^`]*)`/g, '$1')
}

/** One sentence: capital first letter (unless it starts with a path), full stop at the end. */
export function sentence(text: string): string {
  const t = forTheApp(text).trim()
  if (!t) return t
  const first = /^[a-z]/.test(t) ? t[0].toUpperCase() + t.slice(1) : t
  return /[.!?…]$/.test(first) ? first : `${first}.`
}

/** The text shown for a failed action: what went wrong, then what to do. */
export function describeError(e: unknown): string {
  if (e instanceof ApiCallError) {
    const next = NEXT_STEP[e.code]
    const what = sentence(e.message)
    return next && !what.includes(next) ? `${what} ${next}` : what
  }
  const message = e instanceof Error ? e.message : String(e)
  return `${sentence(`something went wrong in this window: ${message}`)} ${NEXT_STEP.internal}`
}

export function errorCode(e: unknown): CallErrorCode | null {
  return e instanceof ApiCallError ? e.code : null
}
