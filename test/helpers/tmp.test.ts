import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from './tmp'

describe('tempDir', () => {
  let dir = ''
  it('gives a new folder for the test', () => {
    dir = tempDir()
    expect(existsSync(dir)).toBe(true)
  })
  it('removed once that test has ended', () => {
    expect(dir).not.toBe('')
    expect(existsSync(dir)).toBe(false)
  })
})

describe('the run’s temporary folder (run-tmp.ts)', () => {
  it('holds every temporary folder of the tests, and is not the system’s', () => {
    expect(basename(tmpdir())).toMatch(/^lastmile-vitest-/)
    expect(dirname(tempDir())).toBe(tmpdir())
  })
})
