// A control is a folder (playbooks/<control-id>/): this test refuses one that is incomplete or
// inconsistent, so adding a control cannot leave a half-made one behind. (A playbook that names an
// unknown step, a verdict rule naming an unknown step, or a template placeholder that is not
// declared is already refused when playbooks load: loadPlaybooks runs here over every folder.)
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadControls, defaultControlsPath } from './catalogue'
import { loadPlaybooks, builtinPlaybooksDir } from '../investigate/loader'
// @ts-expect-error: a plain .mjs script, no declarations
import { writeControlsIndex } from '../../scripts/controls-index.mjs'
import { CONTROL_CODE, controlCode } from './registry'

const DIR = builtinPlaybooksDir()
const folders = readdirSync(DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'catalogue') // playbooks/catalogue: the generated catalogue, not a control
  .map((d) => d.name)
  .sort()
const playbooks = loadPlaybooks()
const catalogue = loadControls(defaultControlsPath())

/** every *.test.ts text in a control's folder */
function testsOf(folder: string): string {
  return readdirSync(join(DIR, folder))
    .filter((n) => n.endsWith('.test.ts'))
    .map((n) => readFileSync(join(DIR, folder, n), 'utf8'))
    .join('\n')
}

describe('control folders', () => {
  it('the registry holds exactly the folders that have a control.ts, each declaring its own folder', () => {
    const withCode = (writeControlsIndex() as string[]).sort()
    expect(CONTROL_CODE.map((m) => m.id).sort()).toEqual(withCode)
    expect(withCode.every((id) => folders.includes(id))).toBe(true)
  })

  for (const id of folders) {
    describe(id, () => {
      const dir = join(DIR, id)
      const pb = playbooks.playbooks.find((p) => p.file === join(dir, 'playbook.yaml')) ?? null
      const code = controlCode(id)

      it('has a playbook.yaml that defines the control in the catalogue (title, resource type, tool rule ids)', () => {
        expect(existsSync(join(dir, 'playbook.yaml')), `${id}: no playbook.yaml`).toBe(true)
        const entry = catalogue.controls.find((c) => c.id === id)
        expect(entry, `${id}: its playbook.yaml has no controls: entry with id ${id} and a title`).toBeDefined()
        expect(entry!.resourceType, `${id}: the catalogue entry names no resourceType`).toBeTruthy()
        expect(Object.keys(entry!.rules).length + entry!.match.length, `${id}: maps no tool rule`).toBeGreaterThan(0)
        expect(pb?.id, `${id}: the playbook's id is not the folder's name`).toBe(id)
      })

      it('has one source for its fix, rollback and guardrails: its code or its templates, never both', () => {
        if (!pb) return
        if (code?.fix) expect([...pb.def.fix, ...pb.def.rollback], `${id}: control.ts renders the fix; the playbook must not carry fix/rollback templates`).toEqual([])
        if (code?.guardrails || code?.sharedGuardrail)
          expect(pb.def.guardrails, `${id}: control.ts renders the guardrails; the playbook must not carry guardrail templates`).toEqual([])
        expect(pb.def.fix.length > 0, `${id}: a fix template without a rollback template`).toBe(pb.def.rollback.length > 0)
      })

      it('has fixtures that make its playbook give each verdict, and tells the owner what to do when UNSAFE', () => {
        if (!pb) return
        expect(pb.fixturesDir, `${id}: the playbook names no fixtures`).toBe(join(dir, 'fixtures'))
        expect(existsSync(join(dir, 'fixtures', 'expected.json')), `${id}: fixtures/expected.json`).toBe(true)
        if (pb.verdicts.includes('UNSAFE')) expect(pb.def.routing?.suggested, `${id}: can be UNSAFE but its playbook has no routing.suggested`).toBeTruthy()
      })

      it('has every step function it defines run by a fixture or named by a test in its folder', () => {
        const used = new Set(playbooks.playbooks.filter((p) => p.fixturesDir).flatMap((p) => p.steps.map((s) => s.fn.name)))
        const tests = testsOf(id)
        for (const s of code?.steps ?? [])
          expect(used.has(s.name) || tests.includes(s.name), `${id}: step ${s.name} is neither run by a playbook's fixture nor named by a test`).toBe(true)
      })

      it('has a test beside its evaluator', () => {
        if (code?.evaluate) expect(testsOf(id).length, `${id}: control.ts has an evaluator but the folder has no *.test.ts`).toBeGreaterThan(0)
      })
    })
  }
})
