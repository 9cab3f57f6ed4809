import type { ApiErrorCode } from '../shared/contract'

/**
 * An error meant for people: one sentence naming the file, the place and what is wrong.
 * Anything that is not a LastmileError reaching the edge (IPC, CLI) is a bug and is reported
 * as `internal`, without its stack reaching the user.
 */
export class LastmileError extends Error {
  readonly code: ApiErrorCode
  constructor(code: ApiErrorCode, message: string) {
    super(message)
    this.name = 'LastmileError'
    this.code = code
  }
}

export function isLastmileError(e: unknown): e is LastmileError {
  return e instanceof LastmileError
}
