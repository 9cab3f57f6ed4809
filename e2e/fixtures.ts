// The fixtures every end-to-end test uses:
// - `server` (one per worker): the built renderer over http, with the app's response headers;
// - `page`: a new tab per test in one browser context per worker (a context per test costs about
//   0.3 s more on these machines; the app keeps no cookies or storage that could leak between tests);
// - `bridge` (one per test): fresh real services in a temporary folder, exposed as window.lastmile;
// - `watch` (automatic): fails the test on any console error or warning, uncaught page error,
//   CSP violation, or request leaving the page's own origin (the app must work offline).
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { test as base, expect, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test'
import { installBridge, type Bridge } from './bridge'
import { startStaticServer, type StaticServer } from './static-server'

export const SCREENSHOT_DIR = resolve(__dirname, '..', 'artifacts', 'screenshots')

/** The window every test sees: a laptop-sized desktop window, light theme unless a test asks. */
const CONTEXT_OPTIONS: BrowserContextOptions = {
  viewport: { width: 1280, height: 800 },
  colorScheme: 'light',
  locale: 'en-US',
  timezoneId: 'UTC'
}

export interface PageProblems {
  /** console errors/warnings, page errors, CSP violations and off-origin requests so far */
  list(): Promise<string[]>
  /** forget what was seen so far (after a test provoked a problem on purpose and checked it) */
  clear(): Promise<void>
}

interface TestFixtures {
  bridge: Bridge
  watch: PageProblems
  /** navigate to the app and wait until it has asked main for its state */
  openApp(): Promise<void>
}

export const test = base.extend<TestFixtures, { server: StaticServer; sharedContext: BrowserContext }>({
  sharedContext: [
    async ({ browser }, use) => {
      const context = await browser.newContext(CONTEXT_OPTIONS)
      await use(context)
      await context.close()
    },
    { scope: 'worker' }
  ],

  page: async ({ sharedContext }, use) => {
    const page = await sharedContext.newPage()
    await use(page)
    await page.close()
  },

  server: [
    async ({}, use) => {
      const server = await startStaticServer()
      await use(server)
      await server.close()
    },
    { scope: 'worker' }
  ],

  bridge: async ({ page }, use) => {
    const bridge = await installBridge(page)
    await use(bridge)
    await bridge.dispose()
  },

  watch: [
    async ({ page, server }, use) => {
      const seen: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') seen.push(`console ${m.type()}: ${m.text()}`)
      })
      page.on('pageerror', (e) => seen.push(`page error: ${e.message}`))
      page.on('request', (r) => {
        const url = r.url()
        if (!url.startsWith(`${server.origin}/`) && !url.startsWith('data:')) seen.push(`request off the app's origin: ${url}`)
      })
      await page.addInitScript(() => {
        const g = globalThis as unknown as { __cspViolations: string[]; addEventListener: (t: string, l: (e: unknown) => void) => void }
        g.__cspViolations = []
        g.addEventListener('securitypolicyviolation', (e) => {
          const v = e as { violatedDirective: string; blockedURI: string; sourceFile: string }
          g.__cspViolations.push(`CSP violation: ${v.violatedDirective} blocked ${v.blockedURI || '(inline)'} ${v.sourceFile ?? ''}`.trim())
        })
      })
      const cspViolations = async (): Promise<string[]> =>
        page.isClosed() ? [] : page.evaluate(() => (globalThis as unknown as { __cspViolations?: string[] }).__cspViolations ?? []).catch(() => [])
      const problems: PageProblems = {
        list: async () => [...seen, ...(await cspViolations())],
        clear: async () => {
          seen.length = 0
          if (!page.isClosed()) await page.evaluate(() => ((globalThis as unknown as { __cspViolations: string[] }).__cspViolations = []))
        }
      }
      await use(problems)
      expect(await problems.list(), 'the page logged errors, broke its CSP or went off-origin').toEqual([])
    },
    { auto: true }
  ],

  openApp: async ({ page, server, bridge }, use) => {
    void bridge // the bridge must be installed before the page loads
    await use(async () => {
      await page.goto(server.entry)
      await page.locator('.start, .shell').first().waitFor()
    })
  }
})

export { expect }

/** Save a screenshot of the whole window as artifacts/screenshots/<name>.png. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) })
}
