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

/** What a file-system error code means, in words (never the bare code: people do not read ENOENT). */
const FS_WORDS: Record<string, string> = {
  ENOENT: 'there is no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied: this user may not use it',
  EPERM: 'the operating system does not allow it',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EMFILE: 'too many files are open; close some programs and try again',
  ENFILE: 'too many files are open; close some programs and try again',
  EBUSY: 'another program is using it',
  EEXIST: 'something is already there',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'it is a loop of symbolic links',
  EIO: 'the disk reported a read or write error'
}

/**
 * Why a file operation failed, for the end of a sentence: "permission denied: this user may not
 * use it". Unknown codes keep their system message, never the bare code alone.
 */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException
  const words = err?.code ? FS_WORDS[err.code] : undefined
  if (words) return words
  const message = (err?.message ?? String(e)).replace(/^E[A-Z]+: /, '').split(',')[0]!
  return message || 'an error the operating system did not explain'
}
