// UI benchmark (DESIGN.md, "Performance targets"): the findings table with 200,000 rows, in the
// same Debian Chromium the end-to-end tests use. Figures are printed, never asserted.
//
// The findings are real: a generated Security Hub export of N alarms on N distinct resources is
// imported into a new case through the real `ingest.import` handler, and `findings.table` is
// answered by the real handler on that case (its time and size are printed too). The page is the
// built renderer under the app's CSP. Its `window.lastmile` is a stand-in that answers the few
// calls the shell and the Findings page make; `findings.table` answers with a structuredClone of
// the handler's real answer, which costs what Electron's IPC costs (a structured clone, serialised
// in main and deserialised in the renderer), without the Playwright binding's JSON encoding,
// which is no part of the app.
//
// Measured in the page: time to first render (click on "Findings" → rows painted), a column
// filter, the search box and a sort (input → result in the DOM, and → painted), and frames while
// scrolling (requestAnimationFrame deltas; an idle baseline first, since a headless browser on a
// busy machine misses frames of its own).
//
// Run: `npm run bench -- ui` (UI_BENCH_FINDINGS=50000 for a quicker run).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { CHANNELS } from '../shared/contract'
import type { FindingsTable } from '../shared/findings-table'
import type { IngestResult } from '../shared/ingest'
import { createDispatcher } from '../main/ipc/dispatch'
import { createHandlers } from '../main/ipc/handlers'
import { NO_DIALOGS, NO_KEYSTORE } from '../main/platform/ports'
import { createAppServices } from '../main/services/app'
import { RENDERER_DIR, startStaticServer } from '../e2e/static-server'
import { writeLargeExport, type Alarm, type Problem } from '../test/fixtures/ingest/generate'
import type { Bench } from './registry'

const ROOT = resolve(__dirname, '..')
// Problems whose resource is one per alarm (not the account), so every alarm is its own finding.
const PROBLEMS: Problem[] = ['s3-https', 's3-pab', 'imdsv2', 'ssh-open', 'unused-key', 'rds-public', 'cloudtrail-logs']
const ACCOUNTS = Array.from({ length: 20 }, (_, i) => String(100000000000 + i * 1111))
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2']
const FRAME = 1000 / 60

/** Alarm i: problem, account and region cycle; n numbers the resources of each problem, so all are distinct. */
export function alarmAt(i: number): Alarm {
  const p = PROBLEMS.length
  return {
    problem: PROBLEMS[i % p]!,
    account: ACCOUNTS[Math.floor(i / p) % ACCOUNTS.length]!,
    region: REGIONS[Math.floor(i / (p * ACCOUNTS.length)) % REGIONS.length]!,
    // unique per problem: IAM users have no region, so names must differ by n alone
    n: Math.floor(i / p),
    observedAt: '2025-03-01T10:00:00.000Z'
  }
}

function newestMtime(dir: string): number {
  let t = 0
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const s = statSync(p)
    t = Math.max(t, s.isDirectory() ? newestMtime(p) : s.mtimeMs)
  }
  return t
}

/** Build the renderer when out/ is missing or older than its sources. */
function ensureBuilt(): void {
  const index = join(RENDERER_DIR, 'index.html')
  const stale = !existsSync(index) || newestMtime(join(ROOT, 'renderer')) > statSync(index).mtimeMs || newestMtime(join(ROOT, 'shared')) > statSync(index).mtimeMs
  if (!stale) return
  console.log('building the renderer (electron-vite build)…')
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'ignore' })
}

const ms = (x: number): string => `${x.toFixed(0)} ms`

/** The table as a script: its Int32Array columns stay Int32Arrays, as IPC delivers them. */
function tableScript(t: FindingsTable): string {
  const parts = Object.entries(t).map(([k, v]) => `${JSON.stringify(k)}: ${v instanceof Int32Array ? `Int32Array.from(${JSON.stringify(Array.from(v))})` : JSON.stringify(v)}`)
  return `{${parts.join(',\n')}}`
}

async function run(): Promise<void> {
  const count = Number(process.env.UI_BENCH_FINDINGS ?? 200_000)
  ensureBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'lastmile-bench-ui-'))
  const app = createAppServices({ dataDir: join(dir, 'data'), appVersion: 'bench', osUser: 'Bench Analyst', keystore: NO_KEYSTORE, dialogs: NO_DIALOGS })
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null
  let server: Awaited<ReturnType<typeof startStaticServer>> | null = null
  try {
    // ---- the findings, through the real services ----
    let t = performance.now()
    const file = join(dir, 'securityhub.json')
    const written = writeLargeExport(file, 'asff', count, alarmAt)
    console.log(`generated ${count.toLocaleString('en-US')} Security Hub alarms (${(written.bytes / 1e6).toFixed(0)} MB) in ${ms(performance.now() - t)}`)
    const opened = app.session.create(join(dir, 'bench.lmcase'), 'bench case passphrase', { name: 'UI benchmark' })
    const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => false, log: (e) => console.error(e) })
    t = performance.now()
    const imported = await dispatch('ingest.import', { paths: [app.paths.issue(file, 'open-file')] })
    if (!imported.ok) throw new Error(`the import failed: ${imported.error.message}`)
    for (const o of (imported.value as IngestResult).imports) if (o.format === null) throw new Error(`the import failed: ${o.error.message}`)
    console.log(`imported through ingest.import in ${ms(performance.now() - t)}`)
    t = performance.now()
    const answer = await dispatch('findings.table', {})
    const handlerMs = performance.now() - t
    if (!answer.ok) throw new Error(`findings.table failed: ${answer.error.message}`)
    const table = answer.value as FindingsTable
    const columnBytes = Object.values(table).reduce((n: number, v) => n + (v instanceof Int32Array ? v.byteLength : 0), 0)
    const textBytes = [...table.strings, ...table.resource].reduce((n, x) => n + x.length * 2, 0)
    console.log(
      `findings.table (main, real handler): ${table.count.toLocaleString('en-US')} findings in ${ms(handlerMs)}; ${(columnBytes / 1e6).toFixed(1)} MB of Int32Array columns, ${(textBytes / 1e6).toFixed(1)} MB of text (${table.strings.length.toLocaleString('en-US')} distinct strings + the resource ids)`
    )

    // ---- the page ----
    server = await startStaticServer(RENDERER_DIR, {
      '/__bench__/findings-table.js': { type: 'text/javascript; charset=utf-8', body: Buffer.from(`globalThis.__benchTable = ${tableScript(table)};\n`) }
    })
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
    })
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' })
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`))
    await page.addInitScript(BENCH_BRIDGE.replace('__ARGS__', JSON.stringify({ channels: CHANNELS, current: opened })))
    await page.goto(`${server.entry}#/audit`)
    await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor()
    // the data arrives in the page before the clock starts, as it sits in main in the app
    await page.addScriptTag({ url: '/__bench__/findings-table.js' })

    const first = (await inPage(page, FIRST_RENDER, count)) as { rendered: number; painted: number; clone: number }
    console.log(`\ntime to first render (click "Findings" → rows painted): ${ms(first.painted)}  (target < 1 s)`)
    console.log(`  of which the IPC stand-in (structuredClone of the table): ${ms(first.clone)}; rows in the DOM after ${ms(first.rendered)}`)

    const filters: Array<[string, string, string]> = [
      ['column filter, Account = one of 20 accounts (select)', 'Filter Account', ACCOUNTS[3]!],
      ['column filter, Severity = high (select)', 'Filter Severity', 'high'],
      ['column filter, Resource contains "app-data-1000" (text)', 'Filter Resource', 'app-data-1000'],
      ['search box, "i-0" (every column)', 'Search findings', 'i-0']
    ]
    console.log('')
    for (const [what, label, value] of filters) {
      const r = (await inPage(page, FILTER, { label, value })) as { result: number; painted: number; count: string }
      console.log(`${what}: ${ms(r.result)} to the result, ${ms(r.painted)} painted → ${r.count}  (target < 100 ms)`)
      await inPage(page, FILTER, { label, value: '' })
    }
    const sort = (await inPage(page, SORT, 'Sort by Resource')) as { result: number; painted: number }
    console.log(`sort by Resource (${count.toLocaleString('en-US')} rows): ${ms(sort.result)} to the result, ${ms(sort.painted)} painted`)

    await scrollReport(page, await browser.newPage({ viewport: { width: 1440, height: 900 } }))
    console.log(`\nmachine load (1 min): ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`)
  } finally {
    await browser?.close()
    await server?.close()
    app.session.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function scrollReport(page: Page, plain: Page): Promise<void> {
  const idle = (await inPage(page, FRAMES, { ms: 1500, step: 0 })) as number[]
  const scrolled = (await inPage(page, FRAMES, { ms: 4000, step: 48 })) as number[]
  const fast = (await inPage(page, FRAMES, { ms: 2000, step: 400 })) as number[]
  // The same scrolling over a plain, static table (no script, no virtualisation): what this
  // browser on this machine can do at best, to read the figures above against.
  const rows = Array.from({ length: 3000 }, (_, i) => `<tr>${Array.from({ length: 9 }, (_, j) => `<td>cell ${i}·${j}</td>`).join('')}</tr>`).join('')
  await plain.setContent(
    `<style>body{margin:0;font:13px system-ui}.grid-scroll{height:760px;overflow:auto;background:#fff}td{height:32px;padding:0 8px;border-bottom:1px solid #ddd;white-space:nowrap}</style><div class="grid-scroll"><table>${rows}</table></div>`
  )
  const plainSlow = (await inPage(plain, FRAMES, { ms: 4000, step: 48 })) as number[]
  const plainFast = (await inPage(plain, FRAMES, { ms: 2000, step: 400 })) as number[]
  const describe = (name: string, d: number[]): void => {
    const over = d.filter((x) => x > FRAME + 0.05).length
    const dropped = d.reduce((n, x) => n + Math.max(0, Math.round(x / FRAME) - 1), 0)
    const sorted = [...d].sort((a, b) => a - b)
    const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0
    console.log(
      `${name}: ${d.length} frames, rAF deltas > 16.7 ms: ${over}; frames dropped (a delta of n periods drops n−1): ${dropped}; p95 ${p95.toFixed(1)} ms, longest ${Math.max(...d).toFixed(1)} ms`
    )
  }
  console.log('')
  describe('idle, no scrolling (baseline)', idle)
  describe('scrolling 48 px a frame (~2,900 px/s)', scrolled)
  describe('scrolling 400 px a frame (flinging)', fast)
  describe('baseline: a static 3,000-row table, 48 px a frame', plainSlow)
  describe('baseline: a static 3,000-row table, 400 px a frame', plainFast)
}

// ---- code that runs in the page (strings: it runs under the page's globals, not Node's) ----

/** Call one of the page functions below with `arg`, and wait for its promise. */
function inPage(page: Page, fn: string, arg: unknown): Promise<unknown> {
  return page.evaluate(`(${fn})(${JSON.stringify(arg)})`)
}

/**
 * window.lastmile for the benchmark: the calls the shell and the Findings page make. A string,
 * like the other page code: tsx's transform would wrap a function's inner names in helpers the
 * page does not have.
 */
const BENCH_BRIDGE = `(({ channels, current }) => {
  const ok = (value) => ({ ok: true, value })
  const answers = {
    'app.info': () => ok({ version: 'bench', canRememberPassphrase: false, keystoreBackend: 'bench' }),
    'identity.get': () => ok({ name: 'Bench Analyst', role: 'analyst' }),
    'case.current': () => ok(current),
    'audit.list': () => ok({ total: 0, entries: [] }),
    'initiatives.list': () => ok([]),
    'findings.table': () => {
      if (!globalThis.__benchTable) return { ok: false, error: { code: 'unavailable', message: 'the benchmark table is not loaded yet' } }
      const t0 = performance.now()
      const copy = structuredClone(globalThis.__benchTable)
      globalThis.__benchClone = performance.now() - t0
      return ok(copy)
    }
  }
  const api = {}
  for (const c of channels) {
    api[c] = async () => (answers[c] ? answers[c]() : { ok: false, error: { code: 'unavailable', message: c + ' is not part of the UI benchmark' } })
  }
  api.on = () => () => undefined
  api.dropped = async (files) => ({ ok: true, value: files.map(() => null) })
  Object.defineProperty(globalThis, 'lastmile', { value: Object.freeze(api) })
})(__ARGS__)`

const FIRST_RENDER = `async (count) => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()))
  const link = [...document.querySelectorAll('nav a')].find((a) => a.textContent.startsWith('Findings'))
  const want = count.toLocaleString('en-US') + ' findings'
  const t0 = performance.now()
  link.click()
  let rendered = 0
  for (;;) {
    await frame()
    const c = document.querySelector('[data-testid=findings-count]')
    if (c && c.textContent === want && document.querySelector('table.grid tbody tr[data-index]')) { rendered = performance.now() - t0; break }
    if (performance.now() - t0 > 120000) throw new Error('the findings table did not render within 2 minutes')
  }
  await frame()
  return { rendered, painted: performance.now() - t0, clone: globalThis.__benchClone ?? 0 }
}`

/** Set a filter or the search box as typing would, and time it to the count changing (then painted). */
const FILTER = `async ({ label, value }) => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()))
  const el = document.querySelector('[aria-label="' + label + '"]') || [...document.querySelectorAll('label')].filter((l) => l.textContent.trim() === label).map((l) => document.getElementById(l.htmlFor))[0]
  if (!el) throw new Error('no control labelled ' + label)
  const count = document.querySelector('[data-testid=findings-count]')
  const before = count.textContent
  const changed = new Promise((resolve) => {
    const o = new MutationObserver(() => { if (count.textContent !== before) { o.disconnect(); resolve(performance.now()) } })
    o.observe(count, { childList: true, characterData: true, subtree: true })
  })
  await frame()
  const t0 = performance.now()
  if (el.tagName === 'SELECT') {
    el.value = value
    el.dispatchEvent(new Event('change', { bubbles: true }))
  } else {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, value)
    el.dispatchEvent(new Event('input', { bubbles: true }))
  }
  const t1 = await Promise.race([changed, new Promise((r) => setTimeout(() => r(-1), 30000))])
  await frame()
  return { result: t1 < 0 ? NaN : t1 - t0, painted: performance.now() - t0, count: count.textContent }
}`

const SORT = `async (title) => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()))
  const button = document.querySelector('button[title^="' + title + '"]')
  const first = () => document.querySelector('table.grid tbody tr[data-index="0"]')?.textContent
  const before = first()
  const body = document.querySelector('table.grid tbody')
  const changed = new Promise((resolve) => {
    const o = new MutationObserver(() => { if (first() !== before) { o.disconnect(); resolve(performance.now()) } })
    o.observe(body, { childList: true, characterData: true, subtree: true })
  })
  await frame()
  const t0 = performance.now()
  button.click()
  const t1 = await changed
  await frame()
  return { result: t1 - t0, painted: performance.now() - t0 }
}`

/** requestAnimationFrame deltas for \`ms\`, scrolling the table by \`step\` px every frame. */
const FRAMES = `async ({ ms, step }) => {
  const el = document.querySelector('.grid-scroll')
  el.scrollTop = 0
  const deltas = []
  await new Promise((resolve) => {
    let last = -1
    let end = 0
    const tick = (t) => {
      if (last < 0) { end = t + ms } else deltas.push(t - last)
      last = t
      if (step) {
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 2) el.scrollTop = 0
        else el.scrollTop += step
      }
      if (t < end) requestAnimationFrame(tick)
      else resolve()
    }
    requestAnimationFrame(tick)
  })
  return deltas
}`

export const uiFindingsBench: Bench = {
  name: 'ui',
  description: 'findings table with 200,000 rows in Chromium: time to first render (< 1 s), a column filter (< 100 ms), frames while scrolling',
  run
}
