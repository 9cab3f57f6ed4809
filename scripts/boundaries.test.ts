// The process-boundary rules catch what they should, and only that: dependency-cruiser (the CI
// check) on a fixture tree with one violation per rule plus allowed imports, and the ESLint mirror
// on the same kind of imports.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { ESLint } from 'eslint'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '..')

const FIXTURE: Record<string, string> = {
  'node_modules/electron/package.json': JSON.stringify({ name: 'electron', version: '45.5.0', main: 'index.js' }),
  'node_modules/electron/index.js': 'module.exports = {}',
  'package.json': JSON.stringify({ name: 'fixture', devDependencies: { electron: '45.5.0' } }),
  'main/m.ts': 'export const m = 1',
  'main/index.ts': "import { app } from 'electron'\nimport { m } from './m'\nexport const x = [app, m]",
  'main/platform/electron-thing.ts': "import { safeStorage } from 'electron'\nexport const s = safeStorage",
  'main/services/svc.test.ts': "import { app } from 'electron'\nexport const t = app",
  'main/services/svc.ts': "import { app } from 'electron'\nexport const v = app",
  'main/ui.ts': "import { r } from '../renderer/ok'\nexport const u = r",
  'main/cycle-a.ts': "import { b } from './cycle-b'\nexport const a = () => b",
  'main/cycle-b.ts': "import { a } from './cycle-a'\nexport const b = () => a",
  'main/type-a.ts': "import type { B } from './type-b'\nexport interface A { b?: B }\nexport const ta = 1",
  'main/type-b.ts': "import { ta } from './type-a'\nexport interface B { n: number }\nexport const tb = ta",
  'renderer/ok.ts': "import { s } from '../shared/ok'\nexport const r = s",
  'renderer/to-main.ts': "import { m } from '../main/m'\nexport const x = m",
  'renderer/to-node.ts': "import { readFileSync } from 'node:fs'\nexport const x = readFileSync",
  'renderer/to-electron.ts': "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer",
  'shared/ok.ts': 'export const s = 1',
  'shared/to-main.ts': "import { m } from '../main/m'\nexport const x = m",
  'shared/to-node.ts': "import { join } from 'path'\nexport const x = join",
  'shared/to-electron.ts': "import type { App } from 'electron'\nexport type X = App",
  'preload/index.ts': "import { contextBridge } from 'electron'\nimport { s } from '../shared/ok'\nexport const p = [contextBridge, s]",
  'preload/to-main.ts': "import { m } from '../main/m'\nexport const x = m"
}

let fixture: string
beforeAll(() => {
  fixture = mkdtempSync(join(tmpdir(), 'lastmile-boundaries-'))
  for (const [f, text] of Object.entries(FIXTURE)) {
    mkdirSync(dirname(join(fixture, f)), { recursive: true })
    writeFileSync(join(fixture, f), text)
  }
})
afterAll(() => rmSync(fixture, { recursive: true, force: true }))

interface Violation {
  from: string
  to: string
  rule: { name: string; severity: string }
}

describe('dependency-cruiser boundaries (npm run lint)', () => {
  const depcruise = (...extra: string[]) =>
    spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
        '--config',
        join(ROOT, '.dependency-cruiser.cjs'),
        ...extra,
        'main',
        'preload',
        'renderer',
        'shared'
      ],
      { cwd: fixture, encoding: 'utf8' }
    )

  it('fails the lint, naming the rule and both files', () => {
    // the same output type as `npm run lint`, which is what sets the exit code
    const r = depcruise()
    expect(r.status).not.toBe(0)
    expect(r.stdout).toContain('error renderer-not-to-main: renderer/to-main.ts → main/m.ts')
  }, 60_000)

  it('reports exactly one violation per forbidden import, and none for allowed ones', () => {
    const r = depcruise('--output-type', 'json')
    const violations = (JSON.parse(r.stdout).summary.violations as Violation[]).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)
    expect(violations.sort()).toEqual(
      [
        'main-not-to-ui: main/ui.ts -> renderer/ok.ts',
        'main-services-not-to-electron: main/services/svc.ts -> node_modules/electron/index.js',
        // one report per cycle; the type-only cycle (type-a ↔ type-b) is allowed
        'no-circular: main/cycle-a.ts -> main/cycle-b.ts',
        'preload-not-to-main-or-renderer: preload/to-main.ts -> main/m.ts',
        'renderer-not-to-electron: renderer/to-electron.ts -> node_modules/electron/index.js',
        'renderer-not-to-main: renderer/to-main.ts -> main/m.ts',
        'renderer-not-to-node-or-electron: renderer/to-node.ts -> fs',
        'shared-not-to-electron: shared/to-electron.ts -> node_modules/electron/index.js',
        'shared-not-to-node: shared/to-node.ts -> path',
        'shared-not-to-processes: shared/to-main.ts -> main/m.ts'
      ].sort()
    )
  }, 60_000)
})

describe('the ESLint mirror of the boundaries', () => {
  const eslint = new ESLint({ cwd: ROOT })
  const restricted = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) })
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').length
  }

  it('flags the renderer importing main, Node or Electron', async () => {
    expect(await restricted('renderer/src/x.ts', "import { a } from '../../main/services/app'\nexport const x = a\n")).toBe(1)
    expect(await restricted('renderer/src/x.ts', "import { readFileSync } from 'node:fs'\nexport const x = readFileSync\n")).toBe(1)
    expect(await restricted('renderer/src/x.ts', "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer\n")).toBe(1)
    expect(await restricted('renderer/src/x.ts', "import type { Case } from '../../shared/model'\nexport type X = Case\n")).toBe(0)
  })

  it('flags shared importing Node, Electron or a process', async () => {
    expect(await restricted('shared/x.ts', "import { join } from 'path'\nexport const x = join\n")).toBe(1)
    expect(await restricted('shared/x.ts', "import type { App } from 'electron'\nexport type X = App\n")).toBe(1)
    expect(await restricted('shared/x.ts', "import { x as y } from '../renderer/src/api'\nexport const x = y\n")).toBe(1)
  })

  it('flags Electron in main outside the glue and the electron-* adapters', async () => {
    const code = "import { app } from 'electron'\nexport const x = app\n"
    expect(await restricted('main/services/x.ts', code)).toBe(1)
    expect(await restricted('main/index.ts', code)).toBe(0)
    expect(await restricted('main/platform/electron-x.ts', code)).toBe(0)
  })

  it('flags the preload importing main', async () => {
    expect(await restricted('preload/x.ts', "import { a } from '../main/services/app'\nexport const x = a\n")).toBe(1)
  })
})
