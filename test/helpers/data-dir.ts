import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

let dataDir: string | undefined
afterAll(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  dataDir = undefined
})

/**
 * The data folder (people, keys, recent cases) of a CLI run whose test names none: one per test
 * file, so that the runs of one file share it as runs on one machine do, and never the real
 * ~/.config/lastmile, which the tests of other files (other workers) write at the same time.
 */
export function testDataDir(): string {
  return (dataDir ??= mkdtempSync(join(tmpdir(), 'lm-cli-data-')))
}
