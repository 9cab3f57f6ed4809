import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { takeRefusedConnections } from '../test/helpers/network-guard'
import { ACCEPTED, copyScanTree, judge, main, REQUIRED_FILES, toCsv, type Finding } from './electronegativity-gate.mjs'

const dirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'lastmile-gate-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const finding = (over: Partial<Finding>): Finding => ({
  check: 'X',
  severity: 'MEDIUM',
  confidence: 'FIRM',
  file: 'main/x.ts',
  line: 1,
  column: 0,
  sample: '',
  description: 'd',
  manualReview: false,
  ...over
})

function write(root: string, files: Record<string, string>) {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, f)), { recursive: true })
    writeFileSync(join(root, f), text)
  }
}

describe('judge', () => {
  it('fails HIGH and MEDIUM findings, prints LOW and INFORMATIONAL ones', () => {
    const high = finding({ check: 'CONTEXT_ISOLATION_JS_CHECK', severity: 'HIGH' })
    const medium = finding({ check: 'SANDBOX_JS_CHECK', severity: 'MEDIUM' })
    const low = finding({ check: 'CSP_GLOBAL_CHECK', severity: 'LOW' })
    const info = finding({ check: 'ELECTRON_VERSION_JSON_CHECK', severity: 'INFORMATIONAL' })
    const r = judge([high, medium, low, info])
    expect(r.failing).toEqual([high, medium])
    expect(r.other).toEqual([low, info])
  })

  it('accepts a reviewed finding only for its check, its files and its code', () => {
    const preload = finding({ check: 'PRELOAD_JS_CHECK', file: 'main/platform/main-window.ts', sample: 'preload: opts.preload,' })
    expect(judge([preload]).accepted).toEqual([{ finding: preload, reason: ACCEPTED[0]!.reason }])
    expect(judge([{ ...preload, file: 'main/other-window.ts' }]).failing).toHaveLength(1)
    expect(judge([{ ...preload, sample: "preload: '/tmp/evil.js'," }]).failing).toHaveLength(1)
    expect(judge([{ ...preload, check: 'SANDBOX_JS_CHECK' }]).failing).toHaveLength(1)
  })

  it('gives every acceptance a reason', () => {
    for (const a of ACCEPTED) expect(a.reason.length, a.check).toBeGreaterThan(40)
  })
})

describe('toCsv', () => {
  it('quotes fields with commas, quotes and newlines', () => {
    const csv = toCsv([finding({ sample: 'a, "b"\nc' })], () => 'FAIL')
    expect(csv.split('\n')[0]).toBe('issue,severity,confidence,filename,location,sample,description,url,gate')
    expect(csv).toContain('"a, ""b""\nc"')
    expect(csv.trimEnd().endsWith(',FAIL')).toBe(true)
  })
})

describe('copyScanTree', () => {
  it('copies sources and build, without tests, maps or node_modules', () => {
    const root = tmp()
    write(root, {
      'main/index.ts': 'x',
      'main/index.test.ts': 'x',
      'out/main/index.js': 'x',
      'out/main/index.js.map': 'x',
      'renderer/node_modules/a/index.js': 'x',
      'package.json': '{}',
      'node_modules/electron/index.js': 'x'
    })
    const dest = join(tmp(), 'scan')
    copyScanTree(root, dest)
    expect(existsSync(join(dest, 'main/index.ts'))).toBe(true)
    expect(existsSync(join(dest, 'out/main/index.js'))).toBe(true)
    expect(existsSync(join(dest, 'package.json'))).toBe(true)
    expect(existsSync(join(dest, 'main/index.test.ts'))).toBe(false)
    expect(existsSync(join(dest, 'out/main/index.js.map'))).toBe(false)
    expect(existsSync(join(dest, 'renderer/node_modules'))).toBe(false)
    expect(existsSync(join(dest, 'node_modules'))).toBe(false)
  })
})

describe('the gate run', () => {
  it('asks for a build when there is none to scan (exit 2)', async () => {
    const root = tmp()
    write(root, { 'main/index.ts': '', 'preload/index.ts': '' })
    const err: string[] = []
    expect(
      await main(
        ['--root', root],
        () => {},
        (m) => err.push(m)
      )
    ).toBe(2)
    expect(err.join('\n')).toMatch(/out\/main\/index\.js.*missing.*npm run build/)
  })

  it('fails on an insecure window and on a file it cannot parse, and writes the CSV (exit 1)', async () => {
    const root = tmp()
    const files: Record<string, string> = Object.fromEntries(REQUIRED_FILES.map((f) => [f, f.endsWith('.html') ? '<html></html>' : '']))
    files['package.json'] = JSON.stringify({ devDependencies: { electron: '45.5.0' } })
    files['main/index.ts'] = [
      "import { BrowserWindow, shell } from 'electron'",
      'const win = new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false, nodeIntegration: true } })',
      "win.webContents.on('will-navigate', (e, url) => shell.openExternal(url))"
    ].join('\n')
    files['main/broken.ts'] = 'const x = {{{ ;'
    write(root, files)
    const csv = join(tmp(), 'report.csv')
    const out: string[] = []
    const err: string[] = []
    expect(
      await main(
        ['--root', root, '--csv', csv],
        (m) => out.push(m),
        (m) => err.push(m)
      )
    ).toBe(1)
    const errors = err.join('\n')
    expect(errors).toMatch(/HIGH\s+CONTEXT_ISOLATION_JS_CHECK\s+main\/index\.ts:2/)
    expect(errors).toMatch(/MEDIUM\s+SANDBOX_JS_CHECK/)
    expect(errors).toMatch(/OPEN_EXTERNAL_JS_CHECK/)
    expect(errors).toMatch(/NOT SCANNED\s+main\/broken\.ts/)
    expect(errors).toMatch(/FAILED/)
    const report = readFileSync(csv, 'utf8')
    expect(report).toMatch(/^CONTEXT_ISOLATION_JS_CHECK,HIGH,.*,FAIL$/m)
    // Electronegativity looks up Electron's releases and its messages online; here (as on an air-gapped
    // workstation) the network guard refuses them at once, and the gate still judges: only those hosts were tried
    expect(takeRefusedConnections().filter((h) => !/(raw\.githubusercontent\.com|electronegativity-i18n\.s3\.[a-z0-9-]+\.amazonaws\.com)/.test(h))).toEqual([])
  }, 120_000)
})
