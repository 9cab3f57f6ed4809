import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, onTestFinished } from 'vitest'

/**
 * A fresh temporary folder, removed when the test that asked for it ends (or, asked outside a
 * test, when its file's tests end). An `afterEach` registered from inside a running test does not
 * run for that test: that is how every folder of this helper was left in the temporary directory.
 */
export function tempDir(prefix = 'lastmile-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const remove = (): void => rmSync(dir, { recursive: true, force: true })
  try {
    onTestFinished(remove)
  } catch {
    afterAll(remove)
  }
  return dir
}
