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
    pool: 'forks'
    // maxWorkers stays vitest's default, cores − 1 (one fork on CI's 2 cores). Measured with six
    // CPU-heavy files (export, importer, remediate, investigate service, checkpoint, dispatch) on a
    // shared 2-core machine at load ~18: 1 worker 326 s wall / 84 s CPU, 2 workers 294 s / 82 s —
    // no CPU saved, 10% less wall where the noise is larger, each file twice as slow, and the
    // emulator file already keeps both cores busy with its two lanes. Not clearly better; to try
    // on a quiet machine: VITEST_MAX_WORKERS=2 npm run test:unit.
  }
})
