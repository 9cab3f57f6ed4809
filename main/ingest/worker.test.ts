import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeLargeExport, type Alarm } from '../../test/fixtures/ingest/generate'
import { ANALYST, FIXTURES, freshCase, KEY } from '../../test/fixtures/ingest/support'
import { verifyAudit } from '../audit/chain'
import { openCaseDb } from '../db/case-db'
import { isLastmileError } from '../errors'
import { cancelledOutcome, caseTotals, ingestInWorker } from './service'
import type { ImportProgress } from './types'

const root = mkdtempSync(join(tmpdir(), 'lastmile-worker-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function caseIn(name: string): string {
  const dir = join(root, name)
  mkdirSync(dir)
  const c = freshCase(dir)
  const path = c.path
  c.close()
  return path
}

function state(path: string): unknown {
  const c = openCaseDb(path, KEY)
  try {
    const count = (t: string): number => (c.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n
    return { counts: ['imports', 'import_blocks', 'alerts', 'resources', 'findings', 'initiatives', 'audit_log'].map(count), head: verifyAudit(c.db, c.id).headHash }
  } finally {
    c.close()
  }
}

const alarm = (i: number): Alarm => ({ problem: i % 2 ? 's3-https' : 'imdsv2', account: String(300000000000 + (i % 7)), region: 'eu-west-1', n: i })

describe('the import worker', () => {
  it('imports off the calling thread, streaming progress, and commits what the caller then sees', async () => {
    const path = caseIn('ok')
    const seen: ImportProgress[] = []
    const run = ingestInWorker(
      {
        casePath: path,
        key: KEY,
        files: [join(FIXTURES, 'written/dedup/securityhub-s3.json'), join(FIXTURES, 'written/dedup/prowler-s3.ocsf.json'), join(root, 'missing.json')],
        actor: ANALYST
      },
      (p) => seen.push(p)
    )
    // the calling thread stays free while the worker works
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    const result = await run.done
    clearInterval(timer)
    expect(ticks).toBeGreaterThan(0)
    expect(result.imports.map((r) => ('error' in r ? r.error.code : r.format))).toEqual(['asff', 'prowler-ocsf', 'not-found'])
    expect(result).toMatchObject({ findings: 1, initiatives: 1 })
    expect(seen.some((p) => p.phase === 'done' && p.records === 1)).toBe(true)
    const c = openCaseDb(path, KEY)
    expect((c.db.prepare('SELECT count(*) AS n FROM alerts').get() as { n: number }).n).toBe(2)
    c.close()
  })

  it('with each file checkpointed on a thread of its own, leaves the case an ingest without it leaves', async () => {
    const files = [0, 1, 2].map((n) => {
      const f = join(root, `checkpointed-${n}.json`)
      writeLargeExport(f, n === 1 ? 'prowler' : 'asff', 2_000, (i) => alarm(i + n * 1_000))
      return f
    })
    const [threaded, inline] = [caseIn('checkpoint-thread'), caseIn('checkpoint-inline')]
    const outcomes = async (path: string, checkpointThread: boolean): Promise<unknown> => {
      const result = await ingestInWorker({ casePath: path, key: KEY, files, actor: ANALYST, checkpointThread }).done
      return result.imports.map((r) => ('error' in r ? r.error : [r.format, r.alerts, r.new, r.updated, r.closed, r.findings]))
    }
    expect(await outcomes(threaded, true)).toEqual(await outcomes(inline, false))
    expect(state(threaded)).toMatchObject({ counts: (state(inline) as { counts: number[] }).counts })
    const c = openCaseDb(threaded, KEY)
    expect(c.db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(verifyAudit(c.db, c.id).ok).toBe(true)
    c.close()
  })

  it('reports the result once every file is committed, and has the case file alone hold them once finished', async () => {
    const files = [0, 1].map((n) => {
      const f = join(root, `tail-${n}.json`)
      writeLargeExport(f, n === 1 ? 'prowler' : 'asff', 2_000, (i) => alarm(i + n * 500))
      return f
    })
    const path = caseIn('tail')
    const run = ingestInWorker({ casePath: path, key: KEY, files, actor: ANALYST, checkpointThread: true })
    const result = await run.done
    expect(result.imports.every((r) => !('error' in r))).toBe(true)
    // committed: another connection sees every file (from the log, if not yet from the case file)
    const committed = state(path)
    const written = result.imports.reduce((n, r) => n + ('error' in r ? 0 : r.new), 0)
    expect(written).toBe(4_000)
    expect((committed as { counts: number[] }).counts.slice(0, 5)).toEqual([2, expect.any(Number), written, expect.any(Number), result.findings])
    await run.finished
    // the worker has written the log into the case file and closed: a copy of the file alone is the case
    expect(existsSync(`${path}-wal`)).toBe(false)
    const copy = join(root, 'tail-copy.lmcase')
    copyFileSync(path, copy)
    expect(state(copy)).toEqual(committed)
    const c = openCaseDb(copy, KEY)
    expect(c.db.pragma('integrity_check', { simple: true })).toBe('ok')
    c.close()
  })

  it('a wrong key is a clear error, not a crash', async () => {
    const path = caseIn('wrongkey')
    const run = ingestInWorker({ casePath: path, key: 'not the key at all', files: [join(FIXTURES, 'written/orca-alerts.json')], actor: ANALYST })
    const e = await run.done.catch((x: unknown) => x)
    expect(isLastmileError(e) && e.code).toBe('wrong-key')
  })

  it('cancelling mid-import rolls the file back: the case is as it was', async () => {
    const path = caseIn('cancel')
    const file = join(root, 'cancel.json')
    writeLargeExport(file, 'asff', 20_000, alarm)
    const before = state(path)
    let cancelled = false
    const run = ingestInWorker({ casePath: path, key: KEY, files: [file], actor: ANALYST }, (p) => {
      if (!cancelled && p.phase === 'read' && p.records > 1000) {
        cancelled = true
        void run.cancel(() => ({ findings: -1, initiatives: -1 }))
      }
    })
    const result = await run.done
    expect(cancelled).toBe(true)
    expect(result.cancelled).toBe(true)
    expect(result.findings).toBe(-1) // the caller's totals, read after the worker is gone
    expect(result.imports).toEqual([cancelledOutcome(file, true)])
    expect(state(path)).toEqual(before)
  })

  it('cancelling in the second of three files keeps the first, rolls back the second, never starts the third', async () => {
    const path = caseIn('cancel-multi')
    const first = join(FIXTURES, 'written/orca-alerts.json')
    const second = join(root, 'cancel-second.json')
    const third = join(root, 'cancel-third.json')
    writeLargeExport(second, 'prowler', 20_000, alarm)
    writeLargeExport(third, 'asff', 100, alarm)
    let cancelled = false
    const reader = openCaseDb(path, KEY)
    const run = ingestInWorker({ casePath: path, key: KEY, files: [first, second, third], actor: ANALYST }, (p) => {
      if (!cancelled && p.file === second && p.phase === 'read' && p.records > 1000) {
        cancelled = true
        void run.cancel(() => caseTotals(reader.db))
      }
    })
    const result = await run.done
    const afterFirst = (reader.db.prepare('SELECT count(*) AS n FROM findings').get() as { n: number }).n
    reader.close()
    expect(cancelled).toBe(true)
    expect(result.cancelled).toBe(true)
    expect(result.imports).toHaveLength(3)
    expect(result.imports[0]).toMatchObject({ file: first, format: 'orca-alerts-json' })
    expect(result.imports.slice(1)).toEqual([cancelledOutcome(second, true), cancelledOutcome(third, false)])
    expect(result.findings).toBe(afterFirst)
    expect(afterFirst).toBeGreaterThan(0)
    const c = openCaseDb(path, KEY)
    expect((c.db.prepare('SELECT count(*) AS n FROM imports').get() as { n: number }).n).toBe(1)
    expect(verifyAudit(c.db, c.id).ok).toBe(true)
    c.close()
  })

  it('a process killed (SIGKILL) mid-import leaves the case exactly as it was', async () => {
    const path = caseIn('kill')
    const file = join(root, 'kill.json')
    writeLargeExport(file, 'prowler', 30_000, alarm)
    const before = state(path)
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(FIXTURES, 'kill-child.ts'), path, KEY, file], { stdio: ['ignore', 'pipe', 'inherit'] })
    const outcome = await new Promise<string>((resolve) => {
      let buf = ''
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString()
        const m = /PROGRESS (\d+)/g
        let last = 0
        for (let x = m.exec(buf); x; x = m.exec(buf)) last = Number(x[1])
        if (last >= 2000 && child.exitCode === null && !child.killed) child.kill('SIGKILL')
        if (buf.includes('DONE')) resolve('finished before the kill')
      })
      child.on('exit', (_code, signal) => resolve(signal ?? 'exit'))
    })
    expect(outcome).toBe('SIGKILL')
    expect(state(path)).toEqual(before)
  })
})
