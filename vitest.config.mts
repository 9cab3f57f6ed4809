import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'
// @ts-expect-error: a plain .mjs script, no declarations
import { writeControlsIndex } from './scripts/controls-index.mjs'

// the control registry's index of control folders (generated, not committed)
writeControlsIndex()

export default defineConfig({
  test: {
    include: ['main/**/*.test.ts', 'renderer/**/*.test.ts', 'shared/**/*.test.ts', 'playbooks/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // every connection beyond 127.0.0.1/::1/localhost fails, and fails its test (network-guard.ts);
    // SQLCipher's key derivation is done once per passphrase and file (sqlcipher-kdf-memo.ts)
    setupFiles: ['test/helpers/network-guard.ts', 'test/helpers/sqlcipher-kdf-memo.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Native SQLite and worker threads: forks isolate them best.
    pool: 'forks',
    // One fork per core (vitest's default is cores − 1: one fork on CI's 2 cores, leaving the other
    // core to the emulator's second lane and child processes only). The files share no fixed port,
    // path or home folder (the CLI's data folder is per file: test/helpers/data-dir.ts), and two forks
    // used the same CPU as one on six case-heavy files (84 vs 82 s) — on an idle 2-core machine the
    // unit stage's wall time should approach its CPU time / 2. VITEST_MAX_WORKERS=1 for one fork.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || availableParallelism()
  }
})
