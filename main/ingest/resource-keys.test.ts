import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { asffExport } from '../../test/fixtures/ingest/generate'
import { filesUnder, importTwoWays, rolledBack, writeManyBuckets, writeRescanFiles } from '../../test/fixtures/ingest/case-dump'
import { ANALYST, FIXTURES, freshCase } from '../../test/fixtures/ingest/support'
import type { WritableCaseDb } from '../db/case-db'
import { BULK_MIN_BYTES } from './hash-index'
import { importFile } from './importer'
import { CaseResources } from './resource-keys'

// A bulk import reads the case's resources into a map at its first lookup instead of looking each
// up (resource-keys.ts): the case it leaves must be the one lookups leave.

const root = mkdtempSync(join(tmpdir(), 'lastmile-resource-keys-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const A = '111111111111'
const at = (d: number): string => `2025-03-${String(d).padStart(2, '0')}T10:00:00.000Z`

/** Note every resource the import updates (a later tool filling in a name or an environment), on this connection. */
function noteFills(c: WritableCaseDb): () => number {
  c.db.exec('CREATE TEMP TABLE test_fills (id INTEGER NOT NULL)')
  c.db.exec('CREATE TEMP TRIGGER test_fill AFTER UPDATE ON main.resources BEGIN INSERT INTO temp.test_fills (id) VALUES (NEW.id); END')
  return () => c.db.prepare('SELECT count(*) FROM temp.test_fills').pluck().get() as number
}

describe('the case’s resources during a bulk import', () => {
  it('read into a map leaves the same case as looked up one by one: every format, rescans, names and environments filled in', () => {
    const dir = join(root, 'files')
    mkdirSync(dir)
    const r = writeRescanFiles(dir)
    // resources met first without their tags (no environment), which Prowler's records then give
    const bare = join(dir, 'untagged.json')
    const untagged = JSON.parse(asffExport(r.many1500.slice(0, 300))) as { Findings: Array<{ Resources: Array<Record<string, unknown>> }> }
    for (const f of untagged.Findings) for (const res of f.Resources) delete res.Tags
    writeFileSync(bare, JSON.stringify(untagged))
    const files = [r.scan1, bare, ...filesUnder(join(FIXTURES, 'real')), ...filesUnder(join(FIXTURES, 'written')), r.manyOcsf, r.many, r.scan2, r.broken, r.truncated, r.scan3]
    const fills = new Map<WritableCaseDb, () => number>()
    importTwoWays(
      join(root, 'two-ways'),
      files,
      { resourceMap: false },
      { resourceMap: true },
      {
        opened: (c) => fills.set(c, noteFills(c)),
        done: (lookedUp, mapped) => {
          // the imports filled in what earlier tools left out, the same way
          const filled = (c: WritableCaseDb): number => (fills.get(c) as () => number)()
          expect(filled(lookedUp)).toBeGreaterThan(0)
          expect(filled(mapped)).toBe(filled(lookedUp))
        }
      }
    )
  })

  it('are read into a map only for a large file holding as many alerts as the case holds resources, and only inside a transaction', () => {
    mkdirSync(join(root, 'choice'))
    const c = freshCase(join(root, 'choice'))
    try {
      expect(() => CaseResources.begin(c.db, BULK_MIN_BYTES)).toThrow(/inside the import’s transaction/)
      const choice = (bytes: number): boolean => rolledBack(c, () => CaseResources.begin(c.db, bytes).bulk)
      expect(choice(BULK_MIN_BYTES)).toBe(true)
      expect(choice(BULK_MIN_BYTES - 1)).toBe(false)
      const p = join(root, 'choice', 'many.json')
      writeManyBuckets(p, 5_000)
      importFile(c, p, { actor: ANALYST })
      const resources = c.db.prepare('SELECT max(id) FROM resources').pluck().get() as number
      expect(resources).toBe(5_000)
      // at ~4 KB a record: a file with fewer alerts than the case has resources looks each up
      expect(choice(resources * 4096 - 1)).toBe(false)
      expect(choice(resources * 4096)).toBe(true)
    } finally {
      c.close()
    }
  })

  it('answer from the map what the case held when the import began, and nothing for a case that held none', () => {
    mkdirSync(join(root, 'answers'))
    const c = freshCase(join(root, 'answers'))
    try {
      expect(rolledBack(c, () => CaseResources.begin(c.db, 0, true).get('arn:aws:s3:::b'))).toBeUndefined()
      const p = join(root, 'answers', 'scan.json')
      writeFileSync(p, asffExport([{ problem: 's3-https', account: A, region: 'eu-west-1', n: 1, observedAt: at(2) }]))
      importFile(c, p, { actor: ANALYST })
      const row = c.db.prepare('SELECT id, key, name IS NULL AS noName, environment IS NULL AS noEnv FROM resources').get() as {
        id: number
        key: string
        noName: number
        noEnv: number
      }
      for (const bulk of [true, false]) {
        rolledBack(c, () => {
          const known = CaseResources.begin(c.db, 0, bulk)
          expect(known.get(row.key)).toEqual({ id: row.id, noName: row.noName === 1, noEnv: row.noEnv === 1 })
          expect(known.get(`${row.key}-other`)).toBeUndefined()
        })
      }
    } finally {
      c.close()
    }
  })
})
