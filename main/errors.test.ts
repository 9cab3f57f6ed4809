import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../test/helpers/tmp'
import { fsReason } from './errors'

function failure(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('it did not fail')
}

describe('file-system failures in words', () => {
  it('says what a real failure means, never the bare code', () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'folder'))
    writeFileSync(join(dir, 'file'), 'x')
    expect(fsReason(failure(() => readFileSync(join(dir, 'absent'))))).toBe('there is no such file or folder')
    expect(fsReason(failure(() => readFileSync(join(dir, 'folder'))))).toBe('it is a folder, not a file')
    expect(fsReason(failure(() => readFileSync(join(dir, 'file', 'below'))))).toBe('a part of the path is not a folder')
    // a code it has no words for keeps the system's own words, without the code in front
    const odd = Object.assign(new Error('EXDEV: cross-device link not permitted, rename'), { code: 'EXDEV' })
    expect(fsReason(odd)).toBe('cross-device link not permitted')
    for (const r of [fsReason(failure(() => readFileSync(join(dir, 'absent')))), fsReason(odd)]) expect(r).not.toMatch(/\bE[A-Z]{3,}\b/)
  })
})
