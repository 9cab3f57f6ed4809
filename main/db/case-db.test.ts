import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { LastmileError } from '../errors'
import { createCaseDb, deriveCaseKey, openCaseDb, rekeyCaseDb } from './case-db'
import { LATEST_SCHEMA, MIGRATIONS } from './migrations'

const KEY = 'correct horse battery staple'
const NOW = '2026-11-27T10:00:00.000Z'

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

function errorOf(fn: () => unknown): LastmileError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(LastmileError)
    return e as LastmileError
  }
  throw new Error('expected an error')
}

function sqlite3Available(): boolean {
  return spawnSync('sqlite3', ['-version']).status === 0
}

describe('the encrypted case database', () => {
  it('is unreadable by plain sqlite3 and opens with the key', () => {
    const dir = tempDir()
    const path = join(dir, 'case.lmcase')
    const c = createCaseDb(path, KEY, { name: 'Q4 review', now: NOW })
    c.db.exec("CREATE TABLE probe (secret TEXT) STRICT; INSERT INTO probe VALUES ('TOP-SECRET-MARKER')")
    c.close()

    expect(readFileSync(path).includes(Buffer.from('TOP-SECRET-MARKER'))).toBe(false)
    expect(readFileSync(path).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0')
    if (!sqlite3Available()) throw new Error('sqlite3 is not installed: .ci/run installs it (apt-get install sqlite3)')
    const r = spawnSync('sqlite3', [path, 'SELECT * FROM probe;'], { encoding: 'utf8' })
    expect(r.status).not.toBe(0)
    expect(r.stderr).toMatch(/not a database/)

    const again = openCaseDb(path, KEY)
    expect(again.name).toBe('Q4 review')
    expect(again.schemaVersion).toBe(LATEST_SCHEMA)
    expect(again.db.prepare('SELECT secret FROM probe').pluck().get()).toBe('TOP-SECRET-MARKER')
    expect(again.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(again.db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(again.db.pragma('cipher', { simple: true })).toBe('sqlcipher')
    again.close()
  })

  it('refuses a wrong key with a clear error and leaves the file byte-identical', () => {
    const dir = tempDir()
    const path = join(dir, 'case.lmcase')
    createCaseDb(path, KEY, { now: NOW }).close()
    const before = sha(path)
    const filesBefore = readdirSync(dir).sort()

    const e = errorOf(() => openCaseDb(path, 'not the passphrase'))
    expect(e.code).toBe('wrong-key')
    expect(e.message).toContain(path)
    expect(e.message).toMatch(/passphrase is wrong/)

    expect(sha(path)).toBe(before)
    expect(readdirSync(dir).sort()).toEqual(filesBefore)
  })

  it('opens with the key derived from the passphrase (a worker of a process holding the case), and refuses a wrong one unchanged', async () => {
    const dir = tempDir()
    const path = join(dir, 'case.lmcase')
    const c = createCaseDb(path, KEY, { now: NOW })
    const id = c.id
    const derived = await deriveCaseKey(c, KEY)
    expect(derived.derived).toMatch(/^[0-9a-f]{96}$/)
    expect(await deriveCaseKey(c, KEY)).toBe(derived)
    const wrong = await deriveCaseKey(c, 'not the passphrase')
    c.close()
    const before = sha(path)
    const ro = openCaseDb(path, derived, { readOnly: true })
    expect(ro.id).toBe(id)
    ro.close()
    const e = errorOf(() => openCaseDb(path, wrong, { readOnly: true }))
    expect(e.code).toBe('wrong-key')
    expect(e.message).toMatch(/passphrase is wrong/)
    expect(errorOf(() => openCaseDb(path, { derived: "00'; PRAGMA foo; --" })).code).toBe('wrong-key')
    expect(sha(path)).toBe(before)

    // derived when opened (a session's case): kept, so a worker's key costs no second derivation
    const opened = openCaseDb(path, KEY, { readOnly: true, derive: true })
    expect(opened.id).toBe(id)
    expect(await deriveCaseKey(opened, KEY)).toEqual(derived)
    opened.close()
    const refused = errorOf(() => openCaseDb(path, 'not the passphrase', { derive: true }))
    expect(refused.code).toBe('wrong-key')
    expect(refused.message).toMatch(/passphrase is wrong/)
    expect(sha(path)).toBe(before)
  })

  it('names files that are not cases, and never turns them into one', () => {
    const dir = tempDir()
    const cases: Array<[string, Buffer | null, RegExp]> = [
      ['empty.lmcase', Buffer.alloc(0), /empty/],
      ['notes.txt', Buffer.from('just some notes\n'.repeat(400)), /not a Lastmile case/],
      ['random.bin', Buffer.alloc(8192, 7), /passphrase is wrong, or the file is not a Lastmile case/],
      ['plain.db', null, /unencrypted SQLite database/]
    ]
    for (const [name, bytes, pattern] of cases) {
      const path = join(dir, name)
      if (bytes) writeFileSync(path, bytes)
      else {
        const plain = new Database(path)
        plain.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
        plain.close()
      }
      const before = sha(path)
      const e = errorOf(() => openCaseDb(path, KEY))
      expect(e.message).toMatch(pattern)
      expect(e.message).toContain(name)
      expect(sha(path)).toBe(before)
    }
    // A missing file is not created.
    const missing = join(dir, 'missing.lmcase')
    expect(errorOf(() => openCaseDb(missing, KEY)).code).toBe('not-found')
    expect(existsSync(missing)).toBe(false)
  })

  it('names an encrypted database that is not a Lastmile case', () => {
    const dir = tempDir()
    const path = join(dir, 'other.db')
    const other = new Database(path)
    other.pragma("cipher='sqlcipher'")
    other.pragma('legacy=4')
    other.key(Buffer.from(KEY))
    other.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
    other.close()
    expect(errorOf(() => openCaseDb(path, KEY)).message).toMatch(/encrypted SQLite database, but not a Lastmile case/)
  })

  it('refuses to overwrite an existing file', () => {
    const dir = tempDir()
    const path = join(dir, 'case.lmcase')
    writeFileSync(path, 'precious')
    expect(errorOf(() => createCaseDb(path, KEY, { now: NOW })).code).toBe('exists')
    expect(readFileSync(path, 'utf8')).toBe('precious')
    expect(readdirSync(dir)).toEqual(['case.lmcase'])
  })

  it('refuses a case written by a newer Lastmile', () => {
    const dir = tempDir()
    const path = join(dir, 'case.lmcase')
    const c = createCaseDb(path, KEY, { now: NOW })
    c.db.pragma(`user_version = ${LATEST_SCHEMA + 1000}`)
    c.close()
    const e = errorOf(() => openCaseDb(path, KEY))
    expect(e.message).toMatch(/newer Lastmile/)
  })

  it('detects a migration that was edited after it was applied', () => {
    const dir = tempDir()
    const path = join(dir, 'case.lmcase')
    const c = createCaseDb(path, KEY, { now: NOW })
    c.db.prepare("UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 10").run()
    c.close()
    expect(errorOf(() => openCaseDb(path, KEY)).message).toMatch(/0010-initial differs/)
  })

  it('applies a migration numbered below ones already applied (work that landed out of order)', () => {
    const dir = tempDir()
    const path = join(dir, 'case.lmcase')
    const c = createCaseDb(path, KEY, { now: NOW })
    const first = MIGRATIONS[0]
    // Pretend this case predates the first migration's table and ledger row.
    c.db.prepare('DELETE FROM schema_migrations WHERE version = ?').run(first.version)
    c.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_contiguous; DROP TABLE audit_log; DROP TABLE case_meta')
    c.close()
    const e = errorOf(() => openCaseDb(path, KEY))
    // The migration ran (the audit table is back); the case's identity was lost with case_meta.
    expect(e.message).toMatch(/its id is missing/)
    const check = new Database(path)
    check.pragma("cipher='sqlcipher'")
    check.pragma('legacy=4')
    check.key(Buffer.from(KEY))
    expect(check.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'audit_log'").pluck().get()).toBe(1)
    expect(check.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(MIGRATIONS.map((m) => m.version))
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA)
    check.close()
  })

  it('changes the passphrase: the old one stops working, the new one opens the same data', () => {
    const dir = tempDir()
    const path = join(dir, 'case.lmcase')
    const c = createCaseDb(path, KEY, { now: NOW })
    c.db.exec("CREATE TABLE probe (x TEXT) STRICT; INSERT INTO probe VALUES ('kept')")
    rekeyCaseDb(c, 'a brand new passphrase')
    expect(c.db.pragma('journal_mode', { simple: true })).toBe('wal')
    c.close()
    expect(errorOf(() => openCaseDb(path, KEY)).code).toBe('wrong-key')
    const again = openCaseDb(path, 'a brand new passphrase')
    expect(again.db.prepare('SELECT x FROM probe').pluck().get()).toBe('kept')
    again.close()
  })

  it('refuses to change the passphrase while another connection has the case open, changing nothing', () => {
    const dir = tempDir()
    const path = join(dir, 'case.lmcase')
    const c = createCaseDb(path, KEY, { now: NOW })
    c.db.exec("CREATE TABLE probe (x TEXT) STRICT; INSERT INTO probe VALUES ('kept')")
    // (an import's worker finishing its checkpoint after reporting holds such a connection)
    const other = openCaseDb(path, KEY)
    const e = errorOf(() => rekeyCaseDb(c, 'a brand new passphrase'))
    expect(e.code).toBe('conflict')
    expect(e.message).toBe(
      `${path}: the case is still open elsewhere in Lastmile (an import finishing, or a read in the background); the passphrase was not changed: try again in a moment`
    )
    expect(c.db.pragma('journal_mode', { simple: true })).toBe('wal')
    other.close()
    c.close()
    const again = openCaseDb(path, KEY)
    expect(again.db.prepare('SELECT x FROM probe').pluck().get()).toBe('kept')
    again.close()
  })

  it('opens read-only without changing anything', () => {
    const dir = tempDir()
    const path = join(dir, 'case.lmcase')
    createCaseDb(path, KEY, { now: NOW }).close()
    const before = sha(path)
    const ro = openCaseDb(path, KEY, { readOnly: true })
    // A read-only case's handle has no exec(), and SQLite refuses a write through it all the same.
    // @ts-expect-error exec is not on the readable Db
    expect(() => ro.db.exec('CREATE TABLE x (a)')).toThrow(/readonly/)
    ro.close()
    expect(sha(path)).toBe(before)
  })
})
