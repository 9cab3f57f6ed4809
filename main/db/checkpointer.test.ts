import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeLargeExport, type Alarm } from '../../test/fixtures/ingest/generate'
import { ANALYST, freshCase, KEY } from '../../test/fixtures/ingest/support'
import { verifyAudit } from '../audit/chain'
import { importFile } from '../ingest/importer'
import { WalCheckpointer } from './checkpointer'

const root = mkdtempSync(join(tmpdir(), 'lastmile-checkpointer-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const alarm = (i: number): Alarm => ({ problem: i % 2 ? 's3-https' : 'imdsv2', account: String(300000000000 + (i % 7)), region: 'eu-west-1', n: i })
/** the frames in the write-ahead log, from its size (a 32-byte header, then 24 bytes and a 4 KiB page a frame) */
const walFrames = (path: string): number => Math.max(0, (statSync(`${path}-wal`).size - 32) / (4096 + 24))

describe('the checkpoint thread', () => {
  it('checkpoints each commit on its own connection while the writer goes on; at close the case file holds every frame', async () => {
    const c = freshCase(root, 'ok')
    try {
      const files = [0, 1, 2].map((n) => {
        const f = join(root, `scan-${n}.json`)
        writeLargeExport(f, 'asff', 3_000, (i) => alarm(i + n * 3_000))
        return f
      })
      expect(c.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
      const checkpointer = WalCheckpointer.start(c.path, KEY, c.db) as WalCheckpointer
      expect(c.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
      for (const f of files) {
        importFile(c, f, { actor: ANALYST })
        checkpointer.request()
      }
      // without the auto-checkpoint the log holds all three imports
      expect(walFrames(c.path)).toBeGreaterThan(3 * 1000)
      const report = await checkpointer.close()
      expect(report.ok).toBe(true)
      expect(report.checkpoints).toBe(3)
      // the last checkpoint copied every frame of the log into the case file
      expect(report.last?.busy).toBe(0)
      expect(report.last?.checkpointed).toBe(report.last?.log)
      expect(report.last?.log).toBeGreaterThan(3 * 1000)
      expect(c.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
      expect((c.db.prepare('SELECT count(*) FROM alerts').pluck().get() as number) > 0).toBe(true)
      expect(c.db.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(verifyAudit(c.db, c.id).ok).toBe(true)
    } finally {
      c.close()
    }
  })

  it('that cannot open the case leaves the checkpoint to the writing connection, with its auto-checkpoint back', async () => {
    const c = freshCase(root, 'failed')
    try {
      const f = join(root, 'scan-failed.json')
      writeLargeExport(f, 'asff', 2_000, alarm)
      const was = c.db.pragma('wal_autocheckpoint', { simple: true }) as number
      const checkpointer = WalCheckpointer.start(c.path, 'not the key at all', c.db) as WalCheckpointer
      importFile(c, f, { actor: ANALYST })
      checkpointer.request()
      const report = await checkpointer.close()
      expect(report).toEqual({ ok: false, checkpoints: 0, last: null })
      expect(c.db.pragma('wal_autocheckpoint', { simple: true })).toBe(was)
      // close() checkpointed on the writing connection: nothing is left to copy
      const [r] = c.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>
      expect(r.checkpointed).toBe(r.log)
      expect(verifyAudit(c.db, c.id).ok).toBe(true)
    } finally {
      c.close()
    }
  })
})
