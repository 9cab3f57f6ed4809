// The SQLCipher key derivation memo (sqlcipher-kdf-memo.ts, a setup file of the unit tests) keeps
// every case file what SQLCipher itself writes and reads: a case created and reopened through it
// opens with SQLCipher's own derivation of the passphrase, a wrong passphrase is refused as before,
// and a connection with other KDF settings is keyed by SQLCipher itself.
import Database from 'better-sqlite3-multiple-ciphers'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createCaseDb, openCaseDb } from '../../main/db/case-db'
import { LastmileError } from '../../main/errors'
import { newFileSalt } from './sqlcipher-kdf-memo'
import { tempDir } from './tmp'

const PASS = 'memo passphrase'

/** the file opened with SQLCipher's own derivation: the memo's key() stood aside */
function openWithSqlcipherKdf(path: string, passphrase: string): Database.Database {
  const state = (globalThis as Record<symbol, { enabled: boolean }>)[Symbol.for('lastmile.sqlcipherKdfMemo')]
  const was = state.enabled
  state.enabled = false
  try {
    const db = new Database(path, { readonly: true })
    db.pragma("cipher='sqlcipher'")
    db.pragma('legacy=4')
    db.key(Buffer.from(passphrase, 'utf8'))
    return db
  } finally {
    state.enabled = was
  }
}

describe('the SQLCipher key derivation memo of the unit tests', () => {
  it('is in force here, and writes cases that SQLCipher opens with its own derivation of the passphrase', () => {
    const state = (globalThis as Record<symbol, { enabled: boolean; derived: Map<string, string> } | undefined>)[Symbol.for('lastmile.sqlcipherKdfMemo')]
    expect(state?.enabled).toBe(true)
    const pass = `${PASS} ${randomUUID()}`
    const [first, second] = [join(tempDir(), 'memo.lmcase'), join(tempDir(), 'memo.lmcase')]
    const before = state!.derived.size
    createCaseDb(first, pass, { now: '2026-11-21T09:00:00.000Z' }).close()
    openCaseDb(first, pass).close()
    // one derivation for the passphrase's salt, reused by every open after it and by the next new file
    expect(state!.derived.size).toBe(before + 1)
    createCaseDb(second, pass, { now: '2026-11-21T09:00:00.000Z' }).close()
    expect(state!.derived.size).toBe(before + 1)
    for (const path of [first, second]) {
      expect(readFileSync(path).subarray(0, 16)).toEqual(newFileSalt(Buffer.from(pass, 'utf8')))
      const db = openWithSqlcipherKdf(path, pass)
      expect(db.prepare('SELECT count(*) AS n FROM sqlite_master').get()).toMatchObject({ n: expect.any(Number) })
      expect(db.pragma('application_id', { simple: true })).not.toBe(0)
      db.close()
    }
  })

  it('refuses a wrong passphrase as SQLCipher does', () => {
    const path = join(tempDir(), 'memo.lmcase')
    createCaseDb(path, PASS, { now: '2026-11-21T09:00:00.000Z' }).close()
    let err: unknown
    try {
      openCaseDb(path, 'not the passphrase')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(LastmileError)
    expect((err as LastmileError).message).toMatch(/cannot decrypt the case: the passphrase is wrong/)
  })

  it('leaves other KDF settings to SQLCipher', () => {
    const path = join(tempDir(), 'other.db')
    const db = new Database(path)
    db.pragma("cipher='sqlcipher'")
    db.pragma('legacy=4')
    db.pragma('kdf_iter=64000')
    db.key(Buffer.from(PASS, 'utf8'))
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (7)')
    db.close()
    const again = new Database(path)
    again.pragma("cipher='sqlcipher'")
    again.pragma('legacy=4')
    again.pragma('kdf_iter=64000')
    again.key(Buffer.from(PASS, 'utf8'))
    expect(again.prepare('SELECT x FROM t').get()).toEqual({ x: 7 })
    again.close()
  })
})
