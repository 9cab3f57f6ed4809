import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { createCaseDb, openCaseDb } from './case-db'
import { cachedRead, cachedReadAsync } from './read-cache'

const KEY = 'read cache passphrase'

describe('case-wide reads kept until the case changes', () => {
  it('recomputes after a write on this connection or a commit on another, and hands out copies', () => {
    const path = join(tempDir(), 'c.lmcase')
    const c = createCaseDb(path, KEY, { now: '2026-12-06T00:00:00.000Z' })
    c.db.exec('CREATE TABLE t (x INTEGER)')
    let computed = 0
    const read = (): { rows: number[] } =>
      cachedRead(c.db, 'rows', () => {
        computed++
        return { rows: (c.db.prepare('SELECT x FROM t ORDER BY x').all() as Array<{ x: number }>).map((r) => r.x) }
      })
    expect(read().rows).toEqual([])
    const first = read()
    expect(computed).toBe(1)
    // a caller's edit never reaches the next caller
    first.rows.push(99)
    expect(read().rows).toEqual([])
    c.db.prepare('INSERT INTO t VALUES (1)').run()
    expect(read().rows).toEqual([1])
    expect(computed).toBe(2)
    // another connection (a worker's) commits: seen at once
    const other = openCaseDb(path, KEY)
    other.db.prepare('INSERT INTO t VALUES (2)').run()
    other.close()
    expect(read().rows).toEqual([1, 2])
    expect(computed).toBe(3)
    // an UPDATE that changes nothing visible still counts as a change: recomputed, same answer
    c.db.prepare('UPDATE t SET x = x').run()
    expect(read().rows).toEqual([1, 2])
    expect(computed).toBe(4)
    expect(read().rows).toEqual([1, 2])
    expect(computed).toBe(4)
    c.close()
  })

  it('computed elsewhere (cachedReadAsync): once for callers asking together, kept until the case changes, a copy for each', async () => {
    const path = join(tempDir(), 'c.lmcase')
    const c = createCaseDb(path, KEY, { now: '2026-12-06T00:00:00.000Z' })
    c.db.exec('CREATE TABLE t (x INTEGER)')
    let computed = 0
    const read = (): Promise<{ rows: number[] }> =>
      cachedReadAsync(c.db, 'rows', async () => {
        computed++
        // as a worker would: another connection, answering later
        await new Promise((r) => setTimeout(r, 5))
        const other = openCaseDb(path, KEY, { readOnly: true })
        try {
          return { rows: (other.db.prepare('SELECT x FROM t ORDER BY x').all() as Array<{ x: number }>).map((r) => r.x) }
        } finally {
          other.close()
        }
      })
    const [a, b] = await Promise.all([read(), read()])
    expect(computed).toBe(1)
    expect(a).toEqual({ rows: [] })
    a.rows.push(99)
    expect(b.rows).toEqual([])
    expect((await read()).rows).toEqual([])
    expect(computed).toBe(1)
    c.db.prepare('INSERT INTO t VALUES (1)').run()
    expect((await read()).rows).toEqual([1])
    expect(computed).toBe(2)
    // a write while it is computed: the answer is given, not kept
    c.db.prepare('INSERT INTO t VALUES (2)').run()
    const during = read()
    expect(computed).toBe(3)
    c.db.prepare('INSERT INTO t VALUES (3)').run()
    await during
    expect((await read()).rows).toEqual([1, 2, 3])
    expect(computed).toBe(4)
    c.close()
  })
})
