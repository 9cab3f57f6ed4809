import Database from 'better-sqlite3-multiple-ciphers'
import { describe, expect, it } from 'vitest'
import type { Db } from './case-db'
import { keptStatement } from './statements'

describe('keptStatement', () => {
  it('prepares a source once per connection, and answers from the data as it is now', () => {
    const a = new Database(':memory:') as unknown as Db & Database.Database
    const b = new Database(':memory:') as unknown as Db & Database.Database
    try {
      for (const db of [a, b]) db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)')
      a.prepare('INSERT INTO t VALUES (?, ?)').run('x', 1)
      const q = 'SELECT v FROM t WHERE k = ?'
      expect(keptStatement(a, q)).toBe(keptStatement(a, q))
      expect(keptStatement(b, q)).not.toBe(keptStatement(a, q))
      expect(keptStatement(a, q).get('x')).toEqual({ v: 1 })
      a.prepare('UPDATE t SET v = 2').run()
      expect(keptStatement(a, q).get('x')).toEqual({ v: 2 })
      expect(keptStatement(b, q).get('x')).toBeUndefined()
    } finally {
      a.close()
      b.close()
    }
  })
})
