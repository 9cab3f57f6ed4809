import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { asffExport } from '../../test/fixtures/ingest/generate'
import { filesUnder, importTwoWays, rolledBack, writeManyBuckets, writeRescanFiles } from '../../test/fixtures/ingest/case-dump'
import { ANALYST, FIXTURES, freshCase } from '../../test/fixtures/ingest/support'
import type { WritableCaseDb } from '../db/case-db'
import { AlertHashIndex, BULK_MIN_BYTES } from './hash-index'
import { importFile } from './importer'

// A bulk import drops the alerts' identity index and builds it again once its alerts are
// written (hash-index.ts): the case it leaves must be the one keeping the index leaves.

const root = mkdtempSync(join(tmpdir(), 'lastmile-hash-index-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const A = '111111111111'
const at = (d: number): string => `2025-03-${String(d).padStart(2, '0')}T10:00:00.000Z`
const indexSql = (c: WritableCaseDb): unknown => c.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'alerts_uid_hash'").pluck().get()

describe('the alerts’ identity index during a bulk import', () => {
  it('rebuilt after the alerts leaves the same case as kept: every format, rescans, duplicates in a file, closures, bad files', () => {
    const dir = join(root, 'files')
    mkdirSync(dir)
    const r = writeRescanFiles(dir)
    const rescanMany = join(dir, 'rescan-many.json')
    writeFileSync(rescanMany, asffExport(r.many1500.slice(0, 1000).map((a) => ({ ...a, observedAt: at(9) }))))
    // first imports into the empty case (bulk), then rescans of tools the case holds (lookups by hash while the index is dropped)
    const files = [r.scan1, r.many, ...filesUnder(join(FIXTURES, 'real')), r.manyOcsf, r.scan2, rescanMany, r.broken, r.truncated, r.scan3]
    // the rebuilt index answers as the kept one does
    const byHash = (c: WritableCaseDb): unknown =>
      c.db.prepare('SELECT uid_hash, group_concat(id) AS ids FROM alerts INDEXED BY alerts_uid_hash WHERE uid_hash > -9e18 GROUP BY uid_hash ORDER BY uid_hash').all()
    let schemaSql: unknown
    importTwoWays(
      join(root, 'two-ways'),
      files,
      { bulkIndex: false },
      { bulkIndex: true },
      {
        opened: (c) => {
          schemaSql = indexSql(c)
          expect(schemaSql).toMatch(/^CREATE INDEX alerts_uid_hash ON alerts/)
        },
        // built again exactly as the schema held it, and rolled back with a failed import
        imported: (f, c) => expect(indexSql(c), f).toBe(schemaSql),
        done: (kept, rebuilt) => expect(byHash(rebuilt)).toEqual(byHash(kept))
      }
    )
  })

  it('is dropped only for a large file that brings more alerts than the case holds, and only inside a transaction', () => {
    mkdirSync(join(root, 'choice'))
    const c = freshCase(join(root, 'choice'))
    try {
      expect(() => AlertHashIndex.begin(c.db, BULK_MIN_BYTES)).toThrow(/inside the import’s transaction/)
      const choice = (bytes: number): boolean =>
        rolledBack(c, () => {
          const deferred = AlertHashIndex.begin(c.db, bytes).deferred
          expect(indexSql(c) === undefined).toBe(deferred)
          return deferred
        })
      expect(choice(BULK_MIN_BYTES)).toBe(true)
      expect(choice(BULK_MIN_BYTES - 1)).toBe(false)
      const p = join(root, 'choice', 'many.json')
      writeManyBuckets(p, 5_000)
      importFile(c, p, { actor: ANALYST, bulkIndex: false })
      const alerts = c.db.prepare('SELECT max(id) FROM alerts').pluck().get() as number
      expect(alerts).toBe(5_000)
      // a file that would not bring more alerts than the case holds (at ~4 KB a record) keeps the index; one that would, drops it
      expect(choice(alerts * 4096)).toBe(false)
      expect(choice(alerts * 4096 + 1)).toBe(true)
      expect(indexSql(c)).toMatch(/^CREATE INDEX alerts_uid_hash/)
    } finally {
      c.close()
    }
  })

  it('while dropped, finds every alert by hash from the first lookup on, several under one hash in id order', () => {
    mkdirSync(join(root, 'lookup'))
    const c = freshCase(join(root, 'lookup'))
    try {
      const p = join(root, 'lookup', 'scan.json')
      writeFileSync(
        p,
        asffExport([
          { problem: 's3-https', account: A, region: 'eu-west-1', n: 1, observedAt: at(2) },
          { problem: 'imdsv2', account: A, region: 'eu-west-1', n: 1, observedAt: at(2) }
        ])
      )
      importFile(c, p, { actor: ANALYST })
      const rows = c.db.prepare('SELECT id, uid_hash AS h FROM alerts ORDER BY id').all() as Array<{ id: number; h: number }>
      expect(rows).toHaveLength(2)
      c.db.exec('BEGIN')
      try {
        const index = AlertHashIndex.begin(c.db, 0, true)
        expect(index.deferred).toBe(true)
        // before the first lookup an insert is in the table, which the first lookup reads
        index.inserted(rows[0].h, 9)
        expect(index.idsOf(rows[0].h)).toEqual([rows[0].id])
        index.inserted(rows[0].h, 7)
        expect(index.idsOf(rows[0].h)).toEqual([rows[0].id, 7])
        index.inserted(rows[0].h, 5)
        expect(index.idsOf(rows[0].h)).toEqual([rows[0].id, 5, 7])
        expect(index.idsOf(rows[1].h)).toEqual([rows[1].id])
        expect(index.idsOf(rows[1].h + 1)).toEqual([])
        index.finish()
        expect(indexSql(c)).toMatch(/^CREATE INDEX alerts_uid_hash/)
      } finally {
        c.db.exec('ROLLBACK')
      }
      expect(indexSql(c)).toMatch(/^CREATE INDEX alerts_uid_hash/)
    } finally {
      c.close()
    }
  })
})
