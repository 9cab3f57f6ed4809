import { defineConfig } from 'vitest/config'
// @ts-expect-error: a plain .mjs script, no declarations
import { writeControlsIndex } from './scripts/controls-index.mjs'

// the control registry's index of control folders (generated, not committed)
writeControlsIndex()

export default defineConfig({
  test: {
    include: ['main/**/*.test.ts', 'renderer/**/*.test.ts', 'shared/**/*.test.ts', 'playbooks/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Native SQLite and worker threads: forks isolate them best.
    pool: 'forks'
  }
})
