import { defineConfig } from 'vitest/config'

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
