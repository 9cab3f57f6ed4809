// A child process for the crash test: commits one batch, then starts a second, large write
// transaction and stops inside it (printing where it is) until it is killed.
import { appendAudit } from '../../main/audit/chain'
import { openCaseDb } from '../../main/db/case-db'

const [path, key] = process.argv.slice(2)
const c = openCaseDb(path, key)
// A small page cache, as SQLite's default: the large transaction below must spill into the WAL
// before its commit (case connections keep 256 MiB of pages, which would hold all of it).
c.db.pragma('cache_size = -2000')
const actor = { kind: 'engine' as const, name: 'crash-test' }
c.db.exec('CREATE TABLE IF NOT EXISTS payload (batch INTEGER NOT NULL, n INTEGER NOT NULL, blob TEXT NOT NULL) STRICT')
const ins = c.db.prepare('INSERT INTO payload (batch, n, blob) VALUES (?, ?, ?)')
const filler = 'x'.repeat(2000)

c.db.transaction(() => {
  for (let i = 0; i < 1000; i++) ins.run(1, i, filler)
  appendAudit(c.db, c.id, { actor, action: 'payload.batch', target: '1', details: { rows: 1000 } }, new Date().toISOString())
})()
process.stdout.write('COMMITTED\n')

c.db.exec('BEGIN IMMEDIATE')
// Enough rows that SQLite spills dirty pages into the WAL before the commit.
for (let i = 0; i < 20000; i++) ins.run(2, i, filler)
appendAudit(c.db, c.id, { actor, action: 'payload.batch', target: '2', details: { rows: 20000 } }, new Date().toISOString())
process.stdout.write('IN-TRANSACTION\n')
// Hold the transaction open until the parent kills us.
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000)
