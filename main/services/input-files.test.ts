import { execFileSync } from 'node:child_process'
import { symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { readRegularFile } from './input-files'

describe('reading a file someone handed to Lastmile', () => {
  it('reads a regular file, also through a link; refuses a FIFO, a device, a folder and an oversized file at once, never quoting content', () => {
    const dir = tempDir()
    const log = join(dir, 'run.log')
    writeFileSync(log, 'SECRET-OUTPUT done\n')
    symlinkSync(log, join(dir, 'link.log'))
    expect(readRegularFile(join(dir, 'link.log'), 'link.log', 'an output file', 100).toString()).toBe('SECRET-OUTPUT done\n')
    const fifo = join(dir, 'pipe.log')
    execFileSync('mkfifo', [fifo])
    const t0 = Date.now()
    expect(() => readRegularFile(fifo, 'pipe.log', 'an output file', 100)).toThrow(/^pipe\.log: is a named pipe \(FIFO\), not an output file; Lastmile reads only regular files$/)
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(() => readRegularFile('/dev/zero', '/dev/zero', 'an output file', 100)).toThrow(/^\/dev\/zero: is a device, not an output file/)
    expect(() => readRegularFile(dir, 'the folder', 'an output file', 100)).toThrow(/^the folder: is a folder, not an output file$/)
    expect(() => readRegularFile(join(dir, 'none'), 'none', 'an output file', 100)).toThrow(/^none: no such file$/)
    let message = ''
    try {
      readRegularFile(log, 'run.log', 'an output file', 5)
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toBe('run.log: refused: 19 bytes, more than an output file may have (5)')
  })
})
