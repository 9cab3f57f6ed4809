/// <reference types="vite/client" />
// The playbooks' own tests: every built-in playbook carries a fixture beside it (a small evidence
// bundle, the scanner exports that report its findings, and the verdicts expected). Each fixture
// is built into a fresh case — ingest, evidence add, investigate — and every finding must get
// exactly the expected verdict (and the step answers the fixture names). The fixture must also
// make the playbook give every verdict it can give, and be exactly what the generator writes.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { createCaseDb } from '../db/case-db'
import { listFindings } from '../case/findings'
import { buildCase } from '../demo/case-builder'
import { fixtureFiles, type Scenario } from '../../test/casegen/generate'
import { loadPlaybooks } from './loader'
import { rciDocument } from '../case/rci'
import { codeFor, controlCode } from '../controls/registry'
import { isLastmileError } from '../errors'
import { renderFix } from '../remediate'

const ACTOR = { kind: 'person' as const, name: 'fixture', role: 'analyst' as const }
const NOW = () => '2026-11-21T09:00:00.000Z'
const set = loadPlaybooks()
/** the scenarios control folders bring (playbooks/<id>/fixtures.scenario.ts), by control id */
const FOLDER_SCENARIOS = Object.fromEntries(
  Object.entries(import.meta.glob<Scenario>('../../playbooks/*/fixtures.scenario.ts', { eager: true, import: 'scenario' })).map(([path, s]) => [path.split('/').at(-2)!, s])
)

interface ExpectedFinding {
  control: string
  resource: string
  region?: string
  verdict: string
  steps?: Record<string, string>
  explains?: Record<string, string>
  why: string
  says?: Record<string, string>
  never?: Record<string, string>
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? filesUnder(p) : [p]
  })
}

describe('playbook fixtures', () => {
  it('every built-in playbook has a fixture', () => {
    expect(set.playbooks.length).toBeGreaterThanOrEqual(8)
    for (const pb of set.playbooks) {
      expect(pb.fixturesDir, `${pb.id} names no fixtures`).not.toBeNull()
      for (const part of ['bundle/manifest.json', 'expected.json']) expect(existsSync(join(pb.fixturesDir!, part)), `${pb.id}: ${part}`).toBe(true)
    }
  })

  for (const pb of set.playbooks) {
    it(`${pb.id}: the fixture's findings get exactly the expected verdicts`, async () => {
      const dir = pb.fixturesDir!
      const c = createCaseDb(join(tempDir(), 'case.lmcase'), 'fixture passphrase', { now: NOW() })
      try {
        const built = await buildCase(c, { exportsDir: join(dir, 'exports'), bundleDir: join(dir, 'bundle'), actor: ACTOR, playbooks: set, now: NOW })
        expect(built.investigation.status).toBe('completed')
        const expected = (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { findings: ExpectedFinding[] }).findings
        const findings = listFindings(c.db)
        const seen = new Set<string>()
        for (const e of expected) {
          const f = findings.find((x) => x.control === e.control && x.resource.id === e.resource && (e.region === undefined || x.resource.region === e.region))
          expect(f, `no finding for ${e.control} on ${e.resource}${e.region ? ` in ${e.region}` : ''}`).toBeDefined()
          const doc = rciDocument(c.db, Number(f!.id.slice(2)))
          const answers = Object.fromEntries((doc?.steps ?? []).map((s) => [s.id, s.answer]))
          const label = `${e.resource}${e.region ? ` (${e.region})` : ''} — ${e.why}: ${doc?.because}\n${(doc?.steps ?? []).map((s) => `  ${s.id}=${s.answer}: ${s.explanation}`).join('\n')}`
          expect(f!.rci.verdict, label).toBe(e.verdict)
          for (const [step, answer] of Object.entries(e.steps ?? {})) expect(answers[step], `${label}\nstep ${step}`).toBe(answer)
          for (const [step, text] of Object.entries(e.explains ?? {})) expect(doc?.steps.find((s) => s.id === step)?.explanation, `${label}\nstep ${step}`).toContain(text)
          const text = Object.fromEntries((doc?.steps ?? []).map((s) => [s.id, s.explanation]))
          for (const [step, says] of Object.entries(e.says ?? {})) expect(text[step], `${label}\nstep ${step} must say`).toContain(says)
          for (const [step, never] of Object.entries(e.never ?? {})) expect(text[step], `${label}\nstep ${step} must not say`).not.toContain(never)
          seen.add(f!.id)
        }
        // nothing in the fixture goes unchecked
        expect(findings.filter((f) => !seen.has(f.id)).map((f) => `${f.control} ${f.resource.id}`)).toEqual([])
        // the playbook's verdicts over every control it investigates: its own and those it serves
        const served = new Set(pb.def.controls.map((x) => x.id))
        const produced = new Set(expected.filter((e) => served.has(e.control)).map((e) => e.verdict))
        expect([...produced].sort()).toEqual([...pb.verdicts].sort())
        // a fix the control's code renders comes with its rollback, for every finding it can fix
        if (controlCode(pb.id)?.fix) {
          let rendered = 0
          for (const f of findings.filter((x) => served.has(x.control) && codeFor(x.control) === controlCode(pb.id) && x.rci.verdict !== 'UNSAFE')) {
            const target = {
              finding: f.id,
              control: f.control,
              resourceId: f.resource.id,
              resourceType: f.resource.type,
              account: f.resource.account,
              region: f.resource.region,
              name: f.resource.name
            }
            let fix: ReturnType<typeof renderFix>
            try {
              fix = renderFix(c.db, target, 'P-1')
            } catch (e) {
              if (isLastmileError(e)) continue // nothing to fix (already compliant), or no evidence to compute it from
              throw e
            }
            rendered++
            expect(fix.artefacts.length, `${f.id}: no artefact`).toBeGreaterThan(0)
            expect(fix.rollback.length, `${f.id}: a fix without a rollback`).toBeGreaterThan(0)
          }
          expect(rendered, `${pb.id}: the fixture has no finding the fix renders for`).toBeGreaterThan(0)
        }
      } finally {
        c.close()
      }
    })

    it(`${pb.id}: the fixture on disk is what the generator writes`, () => {
      const dir = pb.fixturesDir!
      const want = fixtureFiles(pb.id, FOLDER_SCENARIOS[pb.id])
      const have = filesUnder(dir).map((p) => relative(dir, p).split('\\').join('/'))
      expect(have.sort()).toEqual([...want.keys()].sort())
      for (const [rel, bytes] of want) expect(readFileSync(join(dir, rel)).equals(bytes), `${rel} differs: run npx tsx test/casegen/generate.ts`).toBe(true)
    })
  }
})
