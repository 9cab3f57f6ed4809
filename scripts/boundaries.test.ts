// The process-boundary and layer rules catch what they should, and only that: dependency-cruiser (the
// CI check) on a fixture tree with a violation for every rule plus allowed imports (each layer
// importing the ones below it, a control its own folder and the kit, tests outside the layering),
// and the ESLint mirror on the same kind of imports.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { ESLint } from 'eslint'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '..')

const FIXTURE: Record<string, string> = {
  'node_modules/electron/package.json': JSON.stringify({ name: 'electron', version: '45.5.0', main: 'index.js' }),
  'node_modules/electron/index.js': 'module.exports = {}',
  'node_modules/pdfkit/package.json': JSON.stringify({ name: 'pdfkit', version: '0.20.2', main: 'index.js' }),
  'node_modules/pdfkit/index.js': 'module.exports = {}',
  'node_modules/@aws-sdk/client-s3/package.json': JSON.stringify({ name: '@aws-sdk/client-s3', version: '3.0.0', main: 'index.js' }),
  'node_modules/@aws-sdk/client-s3/index.js': 'module.exports = {}',
  'node_modules/zod/package.json': JSON.stringify({ name: 'zod', version: '4.0.0', main: 'index.js' }),
  'node_modules/zod/index.js': 'module.exports = {}',
  'package.json': JSON.stringify({
    name: 'fixture',
    dependencies: { pdfkit: '0.20.2', '@aws-sdk/client-s3': '3.0.0', zod: '4.0.0' },
    devDependencies: { electron: '45.5.0' }
  }),
  // process boundaries
  'main/services/m.ts': 'export const m = 1',
  'main/index.ts': "import { app } from 'electron'\nimport { m } from './services/m'\nimport { h } from './ipc/h'\nimport { c } from './cli/c'\nexport const x = [app, m, h, c]",
  'main/platform/electron-thing.ts': "import { safeStorage } from 'electron'\nexport const s = safeStorage",
  'main/services/svc.test.ts': "import { app } from 'electron'\nexport const t = app",
  'main/services/svc.ts': "import { app } from 'electron'\nexport const v = app",
  'main/services/ui.ts': "import { r } from '../../renderer/ok'\nexport const u = r",
  'main/services/cycle-a.ts': "import { b } from './cycle-b'\nexport const a = () => b",
  'main/services/cycle-b.ts': "import { a } from './cycle-a'\nexport const b = () => a",
  'main/services/type-a.ts': "import type { B } from './type-b'\nexport interface A { b?: B }\nexport const ta = 1",
  'main/services/type-b.ts': "import { ta } from './type-a'\nexport interface B { n: number }\nexport const tb = ta",
  'renderer/ok.ts': "import { s } from '../shared/ok'\nimport { z } from 'zod'\nexport const r = [s, z]",
  'renderer/to-main.ts': "import { m } from '../main/services/m'\nexport const x = m",
  'renderer/to-node.ts': "import { readFileSync } from 'node:fs'\nexport const x = readFileSync",
  'renderer/to-electron.ts': "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer",
  'renderer/to-pdfkit.ts': "import PDFDocument from 'pdfkit'\nexport const x = PDFDocument",
  'shared/ok.ts': 'export const s = 1',
  'shared/to-main.ts': "import { m } from '../main/services/m'\nexport const x = m",
  'shared/to-node.ts': "import { join } from 'path'\nexport const x = join",
  'shared/to-electron.ts': "import type { App } from 'electron'\nexport type X = App",
  'shared/to-aws.ts': "import type { S3Client } from '@aws-sdk/client-s3'\nexport type X = S3Client",
  'preload/index.ts': "import { contextBridge } from 'electron'\nimport { s } from '../shared/ok'\nexport const p = [contextBridge, s]",
  'preload/to-main.ts': "import { m } from '../main/services/m'\nexport const x = m",
  // layers inside main/: each folder imports the ones below it (allowed), and one import up each
  'main/errors.ts': "import { s } from '../shared/ok'\nexport const e = s",
  'main/platform/up.ts': "import { h } from '../ipc/h'\nexport const x = h",
  'main/semantics/ids.ts': "import { e } from '../errors'\nexport const ids = e",
  'main/case/facts.ts': "import { ids } from '../semantics/ids'\nimport { m } from '../services/m'\nexport const facts = [ids, m]",
  'main/case/up.ts': "import { ev } from '../evidence/ev'\nexport const x = ev",
  'main/report/data.ts': 'export interface ReportData { n: number }',
  'main/controls/kit.ts': "import { facts } from '../case/facts'\nexport const defineControl = <T>(c: T): T => c\nexport const k = facts",
  'main/controls/registry.ts':
    "import one from '../../playbooks/aws.one/control'\nimport two from '../../playbooks/aws.two/control'\nexport const controls = [one, two]\nexport type Controls = typeof controls",
  'main/controls/kit-up.ts': "import { ev } from '../evidence/ev'\nexport const x = ev",
  'main/controls/kit-to-control.ts': "import one from '../../playbooks/aws.one/control'\nexport const x = one",
  'playbooks/aws.one/control.ts':
    "import { defineControl } from '../../main/controls/kit'\nimport { ids } from '../../main/semantics/ids'\nimport { help } from './help'\nexport default defineControl({ id: 'aws.one', uses: [ids, help] })",
  'playbooks/aws.one/help.ts': 'export const help = 1',
  'playbooks/aws.one/control.test.ts': "import { ev } from '../../main/evidence/ev'\nimport { help } from '../aws.two/help'\nexport const t = [ev, help]",
  'playbooks/aws.two/control.ts':
    "import { defineControl } from '../../main/controls/kit'\nimport { help } from '../aws.one/help'\nimport type { Controls } from '../../main/controls/registry'\nimport { inv } from '../../main/investigate/inv'\nexport default defineControl({ id: 'aws.two', uses: [help, inv] as unknown as Controls })",
  'playbooks/aws.two/help.ts': 'export const help = 2',
  'main/ingest/findings.ts': "import { facts } from '../case/facts'\nimport type { ReportData } from '../report/data'\nexport const f = facts\nexport type R = ReportData",
  'main/ingest/up.ts': "import { w } from '../workflow/w'\nexport const x = w",
  'main/evidence/ev.ts': "import { controls } from '../controls/registry'\nimport { k } from '../controls/kit'\nexport const ev = [controls, k]",
  'main/investigate/inv.ts': "import { f } from '../investigate/other'\nexport const inv = f",
  'main/investigate/other.ts': 'export const f = 1',
  'main/remediate/to-stage.ts': "import { inv } from '../investigate/inv'\nexport const x = inv",
  'main/investigate/inv.test.ts': "import { w } from '../workflow/w'\nexport const t = w",
  'main/workflow/w.ts': "import { ev } from '../evidence/ev'\nimport { inv } from '../investigate/inv'\nexport const w = [ev, inv]",
  'main/workflow/up.ts': "import { ex } from '../export/ex'\nexport const x = ex",
  'main/export/ex.ts': "import { w } from '../workflow/w'\nexport const ex = w",
  'main/export/up.ts': "import { d } from '../demo/d'\nexport const x = d",
  'main/demo/d.ts': "import { ex } from '../export/ex'\nexport const d = ex",
  'main/demo/up.ts': "import { c } from '../cli/c'\nexport const x = c",
  'main/ipc/h.ts': "import { d } from '../demo/d'\nexport const h = d",
  'main/ipc/up.ts': "import { app } from '../index'\nexport const x = app",
  'main/cli/c.ts': "import { d } from '../demo/d'\nexport const c = d",
  'main/cli/to-ipc.ts': "import { h } from '../ipc/h'\nexport const x = h",
  'main/cli.ts': "import { c } from './cli/c'\nimport { h } from './ipc/h'\nexport const x = [c, h]",
  'main/stray/x.ts': "import { e } from '../errors'\nexport const x = e"
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
        'shared',
        'playbooks'
      ],
      { cwd: fixture, encoding: 'utf8' }
    )

  it('fails the lint, naming the rule and both files', () => {
    // the same output type as `npm run lint`, which is what sets the exit code
    const r = depcruise()
    expect(r.status).not.toBe(0)
    expect(r.stdout).toContain('error renderer-not-to-main: renderer/to-main.ts → main/services/m.ts')
  }, 60_000)

  it('reports exactly one violation per forbidden import, and none for allowed ones', () => {
    const r = depcruise('--output-type', 'json')
    const violations = (JSON.parse(r.stdout).summary.violations as Violation[]).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)
    expect(violations.sort()).toEqual(
      [
        'main-not-to-ui: main/services/ui.ts -> renderer/ok.ts',
        'main-services-not-to-electron: main/services/svc.ts -> node_modules/electron/index.js',
        // one report per cycle; the type-only cycle (type-a ↔ type-b) is allowed
        'no-circular: main/services/cycle-a.ts -> main/services/cycle-b.ts',
        'preload-not-to-main-or-renderer: preload/to-main.ts -> main/services/m.ts',
        'renderer-not-to-electron: renderer/to-electron.ts -> node_modules/electron/index.js',
        'renderer-not-to-main: renderer/to-main.ts -> main/services/m.ts',
        'renderer-not-to-node-or-electron: renderer/to-node.ts -> fs',
        'shared-not-to-electron: shared/to-electron.ts -> node_modules/electron/index.js',
        'shared-not-to-node: shared/to-node.ts -> path',
        'shared-not-to-processes: shared/to-main.ts -> main/services/m.ts',
        // Node-only packages stay in main (zod, plain JavaScript, is fine in the page)
        'shared-and-renderer-not-to-main-packages: renderer/to-pdfkit.ts -> node_modules/pdfkit/index.js',
        'shared-and-renderer-not-to-main-packages: shared/to-aws.ts -> node_modules/@aws-sdk/client-s3/index.js',
        // layers: one import up from each, a folder outside every layer, the sideways rules
        'main-in-a-layer: main/stray/x.ts -> main/errors.ts',
        'layer-base-not-up: main/platform/up.ts -> main/ipc/h.ts',
        'layer-models-not-up: main/case/up.ts -> main/evidence/ev.ts',
        'control-not-up: playbooks/aws.two/control.ts -> main/investigate/inv.ts',
        'controls-kit-not-up: main/controls/kit-up.ts -> main/evidence/ev.ts',
        'control-not-to-other-control: playbooks/aws.two/control.ts -> playbooks/aws.one/help.ts',
        'control-not-to-registry: playbooks/aws.two/control.ts -> main/controls/registry.ts',
        'controls-kit-not-to-controls: main/controls/kit-to-control.ts -> playbooks/aws.one/control.ts',
        'layer-stages-not-up: main/ingest/up.ts -> main/workflow/w.ts',
        'stage-not-to-other-stage: main/remediate/to-stage.ts -> main/investigate/inv.ts',
        'layer-workflow-not-up: main/workflow/up.ts -> main/export/ex.ts',
        'layer-export-not-up: main/export/up.ts -> main/demo/d.ts',
        'layer-demo-not-up: main/demo/up.ts -> main/cli/c.ts',
        'layer-front-not-up: main/ipc/up.ts -> main/index.ts',
        'front-ends-apart: main/cli/to-ipc.ts -> main/ipc/h.ts',
        'app-not-to-cli: main/index.ts -> main/cli/c.ts',
        'cli-not-to-app: main/cli.ts -> main/ipc/h.ts'
      ].sort()
    )
  }, 60_000)

  it('has a fixture violation for every rule it declares', () => {
    // a rule added to .dependency-cruiser.cjs without a case above would go untested
    const r = depcruise('--output-type', 'json')
    const fired = new Set((JSON.parse(r.stdout).summary.violations as Violation[]).map((v) => v.rule.name))
    const declared = (createRequire(__filename)(join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: Array<{ name: string }> }).forbidden.map((f) => f.name)
    expect(declared.filter((name) => !fired.has(name))).toEqual([])
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
