import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'

const PREFIX = 'lastmile-vitest-'
/** the system's temporary folder, for the forks */
export const SYSTEM_TMPDIR = 'LASTMILE_TEST_SYSTEM_TMPDIR'

/**
 * vitest's global set-up: the run's own temporary folder, removed when the run ends. The test
 * forks start after it and inherit TMPDIR, so every `tmpdir()` of theirs (and of the processes
 * they start: the AWS CLI, moto, Python) is inside it. Tests still remove what they make as they
 * go (`tempDir`), but what a helper keeps for the whole fork (the ingest tests' template case, a
 * certificate cache) or a test leaves by mistake no longer piles up in the system's temporary
 * folder: ~500 template folders had, one per test file that copied the template.
 */
export default function runTmp(): () => void {
  // each project of the configuration runs the global set-up: the first one's folder serves all
  if (basename(tmpdir()).startsWith(PREFIX)) return () => undefined
  const before = process.env.TMPDIR
  // what is meant to outlive the run (test/fixtures/export/p12.ts's certificate cache) stays there
  process.env[SYSTEM_TMPDIR] = tmpdir()
  const dir = mkdtempSync(join(tmpdir(), PREFIX))
  process.env.TMPDIR = dir
  return () => {
    if (before === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = before
    rmSync(dir, { recursive: true, force: true })
  }
}
