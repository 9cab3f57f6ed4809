import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'

/** the data folder of the file running now (a fork may run several files in one module graph: isolate: false) */
let current: { file: string | undefined; dir: string } | undefined

/** Remove the running file's data folder: after each file (a vitest setup file, data-dir-cleanup.ts). */
export function dropTestDataDir(): void {
  if (current) rmSync(current.dir, { recursive: true, force: true })
  current = undefined
}

/**
 * The data folder (people, keys, recent cases) of a CLI run whose test names none: one per test
 * file, so that the runs of one file share it as runs on one machine do, and never the real
 * ~/.config/lastmile, which the tests of other files (other workers) write at the same time.
 */
export function testDataDir(): string {
  const file = expect.getState().testPath
  if (current && current.file !== file) dropTestDataDir()
  return (current ??= { file, dir: mkdtempSync(join(tmpdir(), 'lm-cli-data-')) }).dir
}
