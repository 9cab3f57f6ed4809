// Writes the playbooks' fixtures (playbooks/<control-id>/fixtures/) and the demo case
// (resources/demo/) from the scenarios in pieces.ts:
//
//   npx tsx main/investigate/casegen/generate.ts
//
// Each fixture holds `bundle/` (an evidence bundle with its manifest), `exports/` (what the
// scanners reported) and `expected.json` (the verdicts). The demo holds `evidence/`, `exports/` and
// `expected.json`; its README.md is written by hand. The fixture test fails when the files on disk
// differ from what this writes, so run it after changing a scenario and commit the result.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { PIECES } from './pieces'
import { render } from './render'
import { World } from './world'

export const ROOT = join(__dirname, '..', '..', '..')

/** Every file of one playbook's fixture, relative to its folder. */
export function fixtureFiles(playbook: string): Map<string, Buffer> {
  const piece = PIECES[playbook]
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

/** Every generated file of the demo case, relative to resources/demo. */
export function demoFiles(): Map<string, Buffer> {
  const w = new World()
  for (const piece of Object.values(PIECES)) piece(w)
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
  // a control's own folder (playbooks/<id>/fixtures) once it has one
  if (existsSync(join(ROOT, 'playbooks', playbook, 'playbook.yaml'))) return join(ROOT, 'playbooks', playbook, 'fixtures')
  return join(ROOT, 'playbooks', 'fixtures', playbook)
}

export const DEMO_DIR = join(ROOT, 'resources', 'demo')

if (require.main === module) {
  for (const id of Object.keys(PIECES)) {
    writeTree(fixturesDir(id), fixtureFiles(id), ['bundle', 'exports', 'expected.json'])
    process.stdout.write(`wrote ${fixturesDir(id)}\n`)
  }
  writeTree(DEMO_DIR, demoFiles(), ['evidence', 'exports', 'expected.json'])
  process.stdout.write(`wrote ${DEMO_DIR}\n`)
}
