// A control folder's fixture built into a case (ingest, evidence add, investigate), for tests that
// render its fixes: `target(control, resource)` is the fix target of that finding.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCaseDb, type WritableCaseDb } from '../../main/db/case-db'
import { buildCase } from '../../main/demo/case-builder'
import { listFindings } from '../../main/case/findings'
import { loadPlaybooks } from '../../main/investigate/loader'
import type { FixTarget } from '../../main/controls/fix'

export interface FixtureCase {
  c: WritableCaseDb
  target(control: string, resource: string): FixTarget
  close(): void
}

export async function fixtureCase(fixtureDir: string): Promise<FixtureCase> {
  const dir = mkdtempSync(join(tmpdir(), 'lm-fixture-case-'))
  const now = '2026-11-21T09:00:00.000Z'
  const c = createCaseDb(join(dir, 'case.lmcase'), 'fixture passphrase', { now })
  await buildCase(c, {
    exportsDir: join(fixtureDir, 'exports'),
    bundleDir: join(fixtureDir, 'bundle'),
    actor: { kind: 'person', name: 'test', role: 'analyst' },
    playbooks: loadPlaybooks(),
    now: () => now
  })
  return {
    c,
    target(control, resource) {
      const f = listFindings(c.db).find((x) => x.control === control && x.resource.id === resource)
      if (!f) throw new Error(`no ${control} finding on ${resource} in ${fixtureDir}`)
      return {
        finding: f.id,
        control: f.control,
        resourceId: f.resource.id,
        resourceType: f.resource.type,
        account: f.resource.account,
        region: f.resource.region,
        name: f.resource.name
      }
    },
    close() {
      c.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
