import { spawn } from 'node:child_process'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { verifyAudit } from '../audit/chain'
import { createCaseDb, openCaseDb } from './case-db'

const KEY = 'correct horse battery staple'
const ROOT = join(__dirname, '..', '..')

describe('a writer killed mid-transaction', () => {
  it('leaves a case that opens, verifies and holds exactly the committed data', async () => {
    const path = join(tempDir(), 'case.lmcase')
    createCaseDb(path, KEY, { now: new Date().toISOString() }).close()

    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/writer-child.ts'), path, KEY], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('IN-TRANSACTION')) resolve()
      })
      child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${err}`)))
    })
    // The uncommitted transaction had spilled into the WAL: the kill happens with it on disk.
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(4 * 1024 * 1024)
    const exited = new Promise((r) => child.on('exit', r))
    child.kill('SIGKILL')
    await exited

    const c = openCaseDb(path, KEY)
    const batches = c.db.prepare('SELECT batch, count(*) AS n FROM payload GROUP BY batch').all()
    expect(batches).toEqual([{ batch: 1, n: 1000 }])
    const v = verifyAudit(c.db, c.id)
    expect(v).toMatchObject({ ok: true, entries: 1 })
    expect(c.db.pragma('integrity_check', { simple: true })).toBe('ok')
    c.close()
  })
})
