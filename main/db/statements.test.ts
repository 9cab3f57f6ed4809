import Database from 'better-sqlite3-multiple-ciphers'
import { describe, expect, it } from 'vitest'
import type { Db } from './case-db'
import { keptStatement } from './statements'

describe('keptStatement', () => {
  it('prepares a source once per connection, and answers from the data as it is now', () => {
    const rawA = new Database(':memory:')
    const rawB = new Database(':memory:')
    const a = rawA as unknown as Db
    const b = rawB as unknown as Db
    try {
      for (const db of [rawA, rawB]) db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)')
      rawA.exec("INSERT INTO t VALUES ('x', 1)")
      const q = 'SELECT v FROM t WHERE k = ?'
      expect(keptStatement(a, q)).toBe(keptStatement(a, q))
      expect(keptStatement(b, q)).not.toBe(keptStatement(a, q))
      expect(keptStatement(a, q).get('x')).toEqual({ v: 1 })
      rawA.exec('UPDATE t SET v = 2')
      expect(keptStatement(a, q).get('x')).toEqual({ v: 2 })
      expect(keptStatement(b, q).get('x')).toBeUndefined()
    } finally {
      rawA.close()
      rawB.close()
    }
  })
})
