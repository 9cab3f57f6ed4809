import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { asffExport, asffFinding, prowlerExport, type Alarm } from '../../test/fixtures/ingest/generate'
import { ANALYST, clock, FIXTURES, freshCase } from '../../test/fixtures/ingest/support'
import { dumpImported as dump, filesUnder, importOutcome as outcome, writeRescanFiles } from '../../test/fixtures/ingest/case-dump'
import { verifyAudit } from '../audit/chain'
import { importFile } from './importer'
import { ingestInProcess } from './service'
import type { AlertItem } from './reader'
import { TupleDecoder, TupleEncoder, type AlertTuple } from './reader-thread'

// The reader thread (reader-thread.ts) must leave exactly the case the importing thread alone
// leaves: same rows, same order, same errors.

const root = mkdtempSync(join(tmpdir(), 'lastmile-reader-thread-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const A = '111111111111'
const B = '222222222222'
const at = (d: number): string => `2025-03-${String(d).padStart(2, '0')}T10:00:00.000Z`

describe('the reader thread', () => {
  it('leaves the same case as reading on the importing thread: every format, rescans, closures, bad files', () => {
    const dir = join(root, 'files')
    mkdirSync(dir)
    const r = writeRescanFiles(dir)
    const files = [...filesUnder(join(FIXTURES, 'real')), ...filesUnder(join(FIXTURES, 'written')), r.scan1, r.many, r.manyOcsf, r.scan2, r.broken, r.truncated, r.scan3]
    mkdirSync(join(root, 'inline'))
    mkdirSync(join(root, 'threaded'))
    const inline = freshCase(join(root, 'inline'))
    const threaded = freshCase(join(root, 'threaded'))
    try {
      const nowA = clock()
      const nowB = clock()
      files.forEach((f, i) => {
        // tiny reads for some files, so batches and blocks cross every boundary
        const chunkBytes = i % 3 === 0 ? 4096 : undefined
        const a = outcome(inline, f, { readerThread: false, now: nowA, chunkBytes })
        const b = outcome(threaded, f, { readerThread: true, now: nowB, chunkBytes })
        expect(b, f).toEqual(a)
      })
      expect(dump(threaded)).toEqual(dump(inline))
      expect(verifyAudit(threaded.db, threaded.id).ok).toBe(true)
    } finally {
      inline.close()
      threaded.close()
    }
  })

  it('reading each file of an ingest ahead, while the one before is written, changes nothing', () => {
    const dir = join(root, 'ahead')
    mkdirSync(dir)
    const write = (name: string, text: string): string => {
      const p = join(dir, name)
      writeFileSync(p, text)
      return p
    }
    const many: Alarm[] = Array.from({ length: 3000 }, (_, i) => ({ problem: i % 2 ? 's3-pab' : 'imdsv2', account: i % 3 ? A : B, region: 'eu-west-1', n: i, observedAt: at(2) }))
    const broken = many.map(asffFinding)
    delete (broken[2100] as Record<string, unknown>).Id
    const scan = write('scan.json', asffExport(many))
    // each file is read ahead while the one before it is written, except after a duplicate (the
    // reading started for it is stopped) and after a file whose reading fails
    const files = [
      scan,
      write('scan.ocsf.json', prowlerExport(many.map((a, i) => ({ ...a, status: i % 4 ? 'FAIL' : 'PASS' })))),
      scan,
      write('rescan.json', asffExport(many.slice(0, 2000).map((a) => ({ ...a, observedAt: at(9) })))),
      // bad files read ahead: their errors come when their imports take what was read
      write('broken.json', JSON.stringify({ Findings: broken }, null, 2)),
      write('last.ocsf.json', prowlerExport(many.slice(1000).map((a) => ({ ...a, observedAt: at(10) })))),
      write('truncated.json', asffExport(many).slice(0, 50_000)),
      join(dir, 'missing.json')
    ]
    const run = (name: string, readerThread: boolean): { result: unknown; dump: unknown } => {
      mkdirSync(join(dir, name))
      const c = freshCase(join(dir, name))
      try {
        const result = ingestInProcess(c, files, { actor: ANALYST, now: clock(), readerThread })
        return {
          result: {
            ...result,
            imports: result.imports.map((o) =>
              'error' in o ? o : { ...o, importId: o.importId && 'set', duplicateOf: o.duplicateOf && 'set', durationMs: 0, timing: o.timing && Object.keys(o.timing) }
            )
          },
          dump: dump(c)
        }
      } finally {
        c.close()
      }
    }
    const inline = run('inline', false)
    const threaded = run('threaded', true)
    expect(threaded.result).toEqual(inline.result)
    expect(threaded.dump).toEqual(inline.dump)
    expect((inline.result as { imports: Array<{ error?: unknown; duplicateOf?: unknown }> }).imports.map((o) => (o.error ? 'error' : o.duplicateOf ? 'duplicate' : 'ok'))).toEqual([
      'ok',
      'ok',
      'duplicate',
      'ok',
      'error',
      'ok',
      'error',
      'error'
    ])
  })

  it('an error on the writing side stops the reader and rolls back; the next import reads again', () => {
    const dir = join(root, 'stop')
    mkdirSync(dir)
    const c = freshCase(dir)
    try {
      const many: Alarm[] = Array.from({ length: 6000 }, (_, i) => ({ problem: 's3-https', account: A, region: 'us-east-1', n: i }))
      const p = join(dir, 'many.json')
      writeFileSync(p, prowlerExport(many))
      const count = (): number => (c.db.prepare('SELECT count(*) AS n FROM alerts').get() as { n: number }).n
      expect(() =>
        importFile(c, p, {
          actor: ANALYST,
          readerThread: true,
          onProgress: (pr) => {
            if (pr.phase === 'read' && pr.records > 0) throw new Error('the writer fails')
          }
        })
      ).toThrow('the writer fails')
      expect(count()).toBe(0)
      expect(importFile(c, p, { actor: ANALYST, readerThread: true })).toMatchObject({ records: 6000, new: 6000 })
      expect(count()).toBe(6000)
    } finally {
      c.close()
    }
  })

  it('sends every alert whole, words and resources numbered past the dictionary limit', () => {
    const enc = new TupleEncoder()
    const dec = new TupleDecoder()
    const items: AlertItem[] = Array.from({ length: 70_000 }, (_, i) => ({
      h: i * 7919,
      tool: i % 3 ? 'securityhub' : 'prowler',
      toolFindingId: `finding-${i}`,
      ruleId: `rule-${i % 50}`,
      kind: 'check',
      title: `title ${i % 50}`,
      severity: i % 5,
      outcome: i % 4 ? 'FAIL' : 'PASS',
      toolStatus: 'NEW',
      muted: (i % 7 === 0 ? 1 : 0) as 0 | 1,
      account: i % 11 ? String(100000000000 + (i % 20)) : null,
      region: 'eu-west-1',
      // unique words: the dictionary fills up and later ones are sent as they are
      observedAt: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
      artifact: null,
      recordNo: i + 1,
      offset: i * 100,
      length: 99,
      res: {
        key: `k${i % 30_000}`,
        id: `arn:aws:s3:::b${i % 30_000}`,
        canonical: true,
        // the same resource reported with another type by some records
        type: i % 13 ? 'aws.s3.bucket' : 'aws.s3.other',
        provider: 'aws',
        account: null,
        region: `r-${i % 30_000}`,
        name: i % 2 ? `b${i % 30_000}` : null,
        environment: i % 3 ? 'prod' : null
      }
    }))
    // a resource met again is sent by key and type: the rest is the first one the file named
    const firstRes = new Map<string, AlertItem['res']>()
    for (const a of items) if (!firstRes.has(a.res.key)) firstRes.set(a.res.key, a.res)
    const wire = JSON.parse(JSON.stringify(items.map((a) => enc.encode(a)))) as AlertTuple[]
    const back = wire.map((t) => dec.decode(t))
    expect(back).toEqual(items.map((a) => ({ ...a, res: { ...firstRes.get(a.res.key), type: a.res.type } })))
  })
})
