import { defineConfig } from '@playwright/test'

// The built renderer (out/renderer, from `electron-vite build`) in Debian's Chromium. The app's
// services run in the test process behind e2e/bridge.ts; e2e/fixtures.ts serves the page.
// Browsers are never downloaded: /usr/bin/chromium comes from apt.
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // Two workers on the 2-core machine: a test's page and the bridge serving it take turns, so one
  // worker kept one core busy (265 s wall for 277 s of CPU, 40 tests); two took 222 s. Each worker
  // has its own server, bridge and browser context (fixtures.ts), and every test its own case.
  workers: 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    // The window size, theme, locale and time zone are set in e2e/fixtures.ts (one context per worker).
    browserName: 'chromium',
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
    }
  }
})
