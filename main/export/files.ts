import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { LastmileError } from '../errors'

/** Check an export target before any work is done: its folder exists, and it is not a folder itself. */
export function checkWritableTarget(path: string): string {
  const abs = resolve(path)
  try {
    if (!statSync(dirname(abs)).isDirectory()) throw new Error('not a folder')
  } catch {
    throw new LastmileError('bad-input', `${abs}: the folder ${dirname(abs)} does not exist`)
  }
  try {
    if (statSync(abs).isDirectory()) throw new LastmileError('bad-input', `${abs}: is a folder; give the path of the file to write`)
  } catch (e) {
    if (e instanceof LastmileError) throw e
  }
  return abs
}

/**
 * Write beside the target and rename into place: a crash or a full disk leaves either the old
 * file or the new one, never half a report.
 */
export function writeFileAtomic(path: string, data: Buffer | Buffer[], mode = 0o644): void {
  const tmp = `${path}.writing-${randomBytes(6).toString('hex')}`
  try {
    const fd = openSync(tmp, 'wx', mode)
    try {
      for (const chunk of Array.isArray(data) ? data : [data]) {
        let off = 0
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off)
      }
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    if (e instanceof LastmileError) throw e
    throw new LastmileError('unavailable', `${path}: cannot write the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
}
