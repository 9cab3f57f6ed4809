// Issue #15's bar, measured where it matters: on the real exports the project tests with
// (test/fixtures/ingest/real, copied from public test suites, see its README), at least 95% of the
// failing alerts land on a control of the catalogue rather than on a per-tool fallback
// (<tool>.<rule id>, which deduplicates with nothing of another tool's).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ANALYST, clock, FIXTURES, freshCase } from '../../test/fixtures/ingest/support'
import { importFile } from '../../main/ingest/importer'
import { loadControls } from '../../main/controls/catalogue'

const REAL = join(FIXTURES, 'real')
const tmp = mkdtempSync(join(tmpdir(), 'lastmile-real-exports-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]))
    .filter((f) => !f.endsWith('.md'))
}

describe('the catalogue on real exports', () => {
  it('puts at least 95% of the failing alerts of the real exports on catalogued controls, as the import summaries report', () => {
    let failing = 0
    let catalogued = 0
    const fallback: string[] = []
    files(REAL).forEach((file, i) => {
      const c = freshCase(tmp, `case-${i}`)
      try {
        const s = importFile(c, file, { actor: ANALYST, now: clock(), displayName: relative(REAL, file) })
        failing += s.catalogue.failing
        catalogued += s.catalogue.catalogued
        for (const f of s.catalogue.fallback) fallback.push(`${relative(REAL, file)}: ${f.control} (${f.alerts})`)
      } finally {
        c.close()
      }
    })
    expect(failing).toBeGreaterThan(30)
    expect(catalogued / failing, `on per-tool controls:\n${fallback.join('\n')}`).toBeGreaterThanOrEqual(0.95)
  })

  // Real exports held out of the tests (docs/catalogue.md) report checks no reference table lists;
  // overrides/real-exports.yaml makes each a control, citing the export
  it('knows the checks of held-out real exports that the reference tables miss', () => {
    const t = loadControls()
    expect(t.resolve('prowler', 'iam_role_permissive_trust_relationship', 'check', 'aws.iam.role')).toBe('aws.iam.role-permissive-trust-relationship')
  })
})
