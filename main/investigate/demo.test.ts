// The demo case (resources/demo): the exports of three tools over two AWS accounts and one Azure
// subscription, and one evidence bundle. Built end to end — ingest every export, add the bundle,
// investigate — every playbook must give each verdict it can give, every finding the verdict
// expected.json names, and the files must be exactly what the generator writes.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { createCaseDb } from '../db/case-db'
import { listFindings } from '../case/findings'
import { buildCase } from '../demo/case-builder'
import { DEMO_DIR, demoFiles, type Scenario } from '../../test/casegen/generate'
import { PIECES } from '../../test/casegen/pieces'
import { loadPlaybooks } from './loader'

// every control folder's own scenario is part of the demo too
const FOLDER_SCENARIOS = Object.fromEntries(
  Object.entries(import.meta.glob<Scenario>('../../playbooks/*/fixtures.scenario.ts', { eager: true, import: 'scenario' })).map(([path, s]) => [path.split('/').at(-2)!, s])
)

const ACTOR = { kind: 'person' as const, name: 'demo', role: 'analyst' as const }

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? filesUnder(p) : [p]
  })
}

describe('the demo case', () => {
  it('ingests, investigates, and every playbook the demo is made of gives every verdict it can', async () => {
    const set = loadPlaybooks()
    const c = createCaseDb(join(tempDir(), 'demo.lmcase'), 'demo passphrase', { now: '2026-11-21T09:00:00.000Z' })
    try {
      const built = await buildCase(c, { exportsDir: join(DEMO_DIR, 'exports'), bundleDir: join(DEMO_DIR, 'evidence'), actor: ACTOR, playbooks: set })
      // three tools' real formats, each accepted whole
      const formats = built.ingest.imports.map((i) => ('error' in i ? `error: ${i.error.message}` : i.format))
      expect(formats.filter((f) => f.startsWith('error'))).toEqual([])
      for (const f of ['asff', 'prowler-ocsf', 'trivy-json']) expect(formats).toContain(f)
      const findings = listFindings(c.db)
      const accounts = new Set(findings.map((f) => f.resource.account).filter(Boolean))
      for (const a of ['111122223333', '444455556666', '9b2f6c1e-3d4a-4e8b-a1f2-7c6d5e4b3a21']) expect(accounts).toContain(a)
      // the demo is the first nine controls' scenarios (test/casegen/pieces.ts) and every control
      // folder's own (fixtures.scenario.ts), in one world
      const inDemo = set.playbooks.filter((p) => p.id in PIECES || p.id in FOLDER_SCENARIOS)
      expect(inDemo.length).toBeGreaterThanOrEqual(Object.keys(PIECES).length + Object.keys(FOLDER_SCENARIOS).length)
      for (const pb of inDemo) {
        const mine = findings.filter((f) => pb.def.controls.some((x) => x.id === f.control))
        const got = new Set(mine.map((f) => f.rci.verdict))
        for (const v of pb.verdicts) expect(got.has(v), `${pb.id} never gave ${v} (gave ${[...got].join(', ')})`).toBe(true)
      }
      const expected = (
        JSON.parse(readFileSync(join(DEMO_DIR, 'expected.json'), 'utf8')) as { findings: Array<{ control: string; resource: string; region?: string; verdict: string }> }
      ).findings
      for (const e of expected) {
        const f = findings.find((x) => x.control === e.control && x.resource.id === e.resource && (e.region === undefined || x.resource.region === e.region))
        expect(f?.rci.verdict, `${e.control} ${e.resource} ${e.region ?? ''}`).toBe(e.verdict)
      }
      expect(findings).toHaveLength(expected.length)
      // the story's two environments come from the resources' own tags
      expect(new Set(findings.map((f) => f.resource.environment).filter(Boolean))).toEqual(new Set(['prod', 'test', 'staging']))
    } finally {
      c.close()
    }
  })

  it('is exactly what the generator writes', () => {
    const want = demoFiles(Object.values(FOLDER_SCENARIOS))
    const have = filesUnder(DEMO_DIR)
      .map((p) => relative(DEMO_DIR, p).split('\\').join('/'))
      .filter((p) => p !== 'README.md')
    expect(have.sort()).toEqual([...want.keys()].sort())
    for (const [rel, bytes] of want) expect(readFileSync(join(DEMO_DIR, rel)).equals(bytes), `${rel} differs: run npx tsx test/casegen/generate.ts`).toBe(true)
  })
})
