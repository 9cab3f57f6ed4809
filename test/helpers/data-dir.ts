import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** the data folder of the file running now, dropped after each file (data-dir-cleanup.ts, a setup file) */
let dataDir: string | undefined

/** Remove the running file's data folder: after each file, also where several files share one module graph (isolate: false). */
export function dropTestDataDir(): void {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  dataDir = undefined
}

/**
 * The data folder (people, keys, recent cases) of a CLI run whose test names none: one per test
 * file, so that the runs of one file share it as runs on one machine do, and never the real
 * ~/.config/lastmile, which the tests of other files (other workers) write at the same time.
 */
export function testDataDir(): string {
  return (dataDir ??= mkdtempSync(join(tmpdir(), 'lm-cli-data-')))
}
