// Opening a file someone handed to Lastmile (a scanner export, a bundle's manifest). Only a regular
// file is read: opening a FIFO blocks until something writes to it, and reading a device such as
// /dev/zero never ends, so both would hang an import forever (issue 13). The type is checked
// before the open, and again on the opened descriptor (O_NONBLOCK, so even a pipe swapped in
// between cannot block the open), which must be the very file that was checked.
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs'
import { LastmileError, fsReason } from '../errors'

export interface OpenedFile {
  fd: number
  size: number
}

/**
 * Open `path` for reading if it is a regular file (a symbolic link to one is fine). `name` is the
 * path as the person gave it, for messages; `what` says what was expected ("an export file").
 */
export function openRegularFile(path: string, name: string, what: string): OpenedFile {
  let before: Stats
  try {
    before = statSync(path)
  } catch (e) {
    throw unreadable(name, e)
  }
  refuseUnlessRegular(before, name, what)
  let fd: number
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK)
  } catch (e) {
    throw unreadable(name, e)
  }
  try {
    const st = fstatSync(fd)
    refuseUnlessRegular(st, name, what)
    if (st.dev !== before.dev || st.ino !== before.ino) throw new LastmileError('unavailable', `${name}: the file was replaced while it was being opened; try again`)
    return { fd, size: st.size }
  } catch (e) {
    closeSync(fd)
    throw e
  }
}

function refuseUnlessRegular(st: Stats, name: string, what: string): void {
  if (st.isFile()) return
  if (st.isDirectory()) throw new LastmileError('bad-input', `${name}: is a folder, not ${what}`)
  const kind = st.isFIFO() ? 'a named pipe (FIFO)' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file'
  throw new LastmileError('bad-input', `${name}: is ${kind}, not ${what}; Lastmile reads only regular files`)
}

function unreadable(name: string, e: unknown): LastmileError {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new LastmileError('not-found', `${name}: no such file`)
  return new LastmileError('unavailable', `${name}: cannot read the file: ${fsReason(e)}`)
}

/**
 * Read a whole regular file of at most `maxBytes` (refused before reading when larger: a link to
 * a disk image or /dev/zero must not be read into memory). Messages name the file, never its content.
 */
export function readRegularFile(path: string, name: string, what: string, maxBytes: number): Buffer {
  const { fd, size } = openRegularFile(path, name, what)
  try {
    if (size > maxBytes) throw new LastmileError('bad-input', `${name}: refused: ${size} bytes, more than ${what} may have (${maxBytes})`)
    const buf = Buffer.alloc(size)
    let got = 0
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got)
      if (n <= 0) break
      got += n
    }
    return buf.subarray(0, got)
  } finally {
    closeSync(fd)
  }
}
