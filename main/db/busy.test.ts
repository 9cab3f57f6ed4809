// Two processes writing one case: SQLite lets one write at a time. The second waits a bounded time
// (busy_timeout) for the first, then says who holds the case — never "database is locked".
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { testP12 } from '../../test/fixtures/export/p12'
import { cli } from '../../test/helpers/cli'
import { tempDir } from '../../test/helpers/tmp'
import { BUSY_TIMEOUT_MS, createCaseDb, openCaseDb } from './case-db'

const KEY = 'correct horse battery staple'
const ROOT = join(__dirname, '..', '..')

let child: ChildProcess | null = null
afterEach(() => {
  child?.kill('SIGKILL')
  child = null
})

/** A second process inside a write transaction on the case, held until it is killed. */
async function writerHolding(path: string): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/writer-child.ts'), path, KEY], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  child = c
  let out = ''
  let err = ''
  c.stderr!.on('data', (d) => (err += d))
  await new Promise<void>((resolve, reject) => {
    c.stdout!.on('data', (d) => {
      out += d
      if (out.includes('IN-TRANSACTION')) resolve()
    })
    c.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${err}`)))
  })
  return c
}

function setup() {
  const dir = tempDir()
  const path = join(dir, 'case.lmcase')
  createCaseDb(path, KEY, { now: new Date().toISOString() }).close()
  const keyFile = join(dir, 'key.txt')
  writeFileSync(keyFile, `${KEY}\n`)
  const p12 = testP12()
  const argv = ['checkpoint', path, '--key-file', keyFile, '--sign', p12.path, '--sign-pass-file', p12.passFile]
  return { path, argv, env: { LASTMILE_DATA_DIR: join(dir, 'data') } }
}

describe('a case another process is writing', () => {
  it('waits a bounded time, then says another Lastmile process is writing the case, and changes nothing', async () => {
    const { path, argv, env } = setup()
    await writerHolding(path)
    const t0 = Date.now()
    const r = await cli(argv, env)
    const waited = Date.now() - t0
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toEqual([
      `lastmile checkpoint: ${path}: another Lastmile process is writing this case; waited ${BUSY_TIMEOUT_MS / 1000} s for it to finish, then gave up without changing anything — try again when it is done`
    ])
    expect(r.stderr).not.toMatch(/database is locked/)
    expect(waited).toBeGreaterThanOrEqual(BUSY_TIMEOUT_MS - 200)
    expect(waited).toBeLessThan(BUSY_TIMEOUT_MS + 20_000)

    child!.kill('SIGKILL')
    await new Promise((r) => child!.on('exit', r))
    const c = openCaseDb(path, KEY, { readOnly: true })
    expect(c.db.prepare('SELECT count(*) AS n FROM checkpoints').get()).toEqual({ n: 0 })
    c.close()
  }, 60_000)

  it('goes ahead when the other writer finishes within the wait', async () => {
    const { path, argv, env } = setup()
    const other = await writerHolding(path)
    // the other process ends (its transaction rolled back) while this one waits for the lock; the
    // wait blocks this thread, so the kill comes from a process of its own
    spawn('sh', ['-c', `sleep 1; kill -9 ${other.pid}`], { stdio: 'ignore' })
    const r = await cli([...argv, '--json'], env)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({ number: 1 })
  }, 60_000)
})
