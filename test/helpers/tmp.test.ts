import { existsSync } from 'node:fs'
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
