import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'
// @ts-expect-error: a plain .mjs script, no declarations
import { writeControlsIndex } from './scripts/controls-index.mjs'

// the control registry's index of control folders (generated, not committed)
writeControlsIndex()

const TESTS = ['main/**/*.test.ts', 'renderer/**/*.test.ts', 'shared/**/*.test.ts', 'playbooks/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts']
/** files run each in a fresh module graph: they change module state that the other files rely on */
export const ISOLATED = ['main/platform/electron-main.test.ts', 'main/platform/preload-bridge.test.ts', 'main/db/**/*.test.ts']

export default defineConfig({
  test: {
    environment: 'node',
    // every connection beyond 127.0.0.1/::1/localhost fails, and fails its test (network-guard.ts);
    // SQLCipher's key derivation is done once per passphrase and file (sqlcipher-kdf-memo.ts)
    setupFiles: ['test/helpers/network-guard.ts', 'test/helpers/sqlcipher-kdf-memo.ts', 'test/helpers/data-dir-cleanup.ts'],
    // the run's temporary folder (TMPDIR for the forks), removed at its end (run-tmp.ts)
    globalSetup: ['test/helpers/run-tmp.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Native SQLite and worker threads: forks isolate them best.
    pool: 'forks',
    // One fork per core (vitest's default is cores − 1: one fork on CI's 2 cores, leaving the other
    // core to the emulator's second lane and child processes only). The files share no fixed port,
    // path or home folder (the CLI's data folder is per file: test/helpers/data-dir.ts), and two forks
    // used the same CPU as one on six case-heavy files (84 vs 82 s) — on an idle 2-core machine the
    // unit stage's wall time should approach its CPU time / 2. VITEST_MAX_WORKERS=1 for one fork.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || availableParallelism(),
    // Most files share their fork's modules (isolate: false): re-importing every module for each of
    // ~240 files was ~230 s of the unit stage's CPU. The files that change a module's state for the
    // process — mocking electron, pointing the SQLite binding at Electron's build, the case
    // database's own tests (SQLCipher's own key derivation, see sqlcipher-kdf-memo.ts) — run isolated.
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
      { extends: true, test: { name: 'shared', include: TESTS, exclude: ISOLATED, isolate: false } }
    ]
  }
})
