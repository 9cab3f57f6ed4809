// Writes the playbooks' fixtures (playbooks/<control-id>/fixtures/) and the demo case
// (resources/demo/) from the scenarios in pieces.ts, and the fixtures of control folders that bring
// their own scenario (playbooks/<id>/fixtures.scenario.ts):
//
//   npx tsx test/casegen/generate.ts
//
// Each fixture holds `bundle/` (an evidence bundle with its manifest), `exports/` (what the
// scanners reported) and `expected.json` (the verdicts). The demo holds `evidence/`, `exports/` and
// `expected.json`; its README.md is written by hand. The fixture test fails when the files on disk
// differ from what this writes, so run it after changing a scenario and commit the result.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PIECES } from './pieces'
import { render } from './render'
import { World } from './world'

export const ROOT = join(__dirname, '..', '..')

/** A scenario: what one fixture's world holds (resources, evidence, tool findings, expected verdicts). */
export type Scenario = (w: World) => void

/**
 * The scenarios control folders bring themselves: playbooks/<id>/fixtures.scenario.ts, exporting
 * `scenario` (the built-in controls' are in pieces.ts, which the demo case is also made of).
 */
export function folderScenarioFiles(): Array<{ id: string; file: string }> {
  const dir = join(ROOT, 'playbooks')
  return readdirSync(dir)
    .sort()
    .map((id) => ({ id, file: join(dir, id, 'fixtures.scenario.ts') }))
    .filter((x) => existsSync(x.file))
}

/** Every file of one playbook's fixture, relative to its folder. */
export function fixtureFiles(playbook: string, piece: Scenario | undefined = PIECES[playbook]): Map<string, Buffer> {
  if (!piece) throw new Error(`no scenario for playbook ${playbook}`)
  const w = new World()
  piece(w)
  const r = render(w, { collector: `fixture ${playbook}` })
  const out = new Map<string, Buffer>()
  for (const [p, b] of r.bundle) out.set(`bundle/${p}`, b)
  for (const [p, b] of r.exports) out.set(`exports/${p}`, b)
  out.set('expected.json', r.expected)
  return out
}

/**
 * Every generated file of the demo case, relative to resources/demo: the scenarios of pieces.ts and
 * of every control folder that brings one (`folders`, loaded by the caller), in one world.
 */
export function demoFiles(folders: ReadonlyArray<Scenario>): Map<string, Buffer> {
  const w = new World()
  for (const piece of [...Object.values(PIECES), ...folders]) piece(w)
  const r = render(w, { collector: 'acme-security-ops (demo)' })
  const out = new Map<string, Buffer>()
  for (const [p, b] of r.bundle) out.set(`evidence/${p}`, b)
  for (const [p, b] of r.exports) out.set(`exports/${p}`, b)
  out.set('expected.json', r.expected)
  return out
}

/** The generated parts of a folder, replaced as a whole so no stale file survives. */
function writeTree(dir: string, files: Map<string, Buffer>, generated: readonly string[]): void {
  for (const g of generated) rmSync(join(dir, g), { recursive: true, force: true })
  for (const [rel, bytes] of files) {
    const abs = join(dir, rel)
    mkdirSync(dirname(abs), { recursive: true })
    writeFileSync(abs, bytes)
  }
}

export function fixturesDir(playbook: string): string {
  // every control's fixture is in its own folder
  return join(ROOT, 'playbooks', playbook, 'fixtures')
}

export const DEMO_DIR = join(ROOT, 'resources', 'demo')

async function main(): Promise<void> {
  const folders: Array<readonly [string, Scenario]> = []
  for (const { id, file } of folderScenarioFiles()) folders.push([id, ((await import(pathToFileURL(file).href)) as { scenario: Scenario }).scenario])
  for (const [id, piece] of [...Object.entries(PIECES), ...folders]) {
    writeTree(fixturesDir(id), fixtureFiles(id, piece), ['bundle', 'exports', 'expected.json'])
    process.stdout.write(`wrote ${fixturesDir(id)}\n`)
  }
  writeTree(DEMO_DIR, demoFiles(folders.map(([, s]) => s)), ['evidence', 'exports', 'expected.json'])
  process.stdout.write(`wrote ${DEMO_DIR}\n`)
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exit(1)
  })
}
