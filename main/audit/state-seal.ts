import { createHash, hash } from 'node:crypto'
import type { Db, ReadStatement, WritableDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { readModelProblems } from './read-models'
import { SEALED_TABLES, keySql, type SealedTable } from './state-tables'
import { verifyStoredBytes } from './stored-bytes'
import { verifyTimelines } from './timeline-digest'

/**
 * The case state, sealed into the audit chain (issue 13: with the case key, a direct
 * `UPDATE findings SET rci_verdict = 'SAFE'` used to pass verification).
 *
 * How: Lastmile's own connection marks every row it writes to a sealed table (TEMP triggers,
 * installed at open, so they exist only on connections Lastmile opened: a write from any other
 * program leaves no mark). The audit entry that every state change writes in the same
 * transaction (DESIGN.md) calls `sealState` before it is hashed: the marked rows are hashed into
 * `state_rows` (with the entry's seq), their buckets and tables re-digested, and the digest of the
 * whole state becomes the entry's `state`, which the entry's hash covers and checkpoints sign
 * through the chain. `verifyState` recomputes every row.
 *
 * What is caught, and why this shape:
 * - A row changed with the key but without an audit entry no longer matches its sealed hash:
 *   `verify` names the table, the row and the entry that last sealed it — also after the last
 *   checkpoint, since the hash was recorded by that entry's own transaction.
 * - Such a row is never blessed by a later write: Lastmile's first change to it checks the row as
 *   it was (its image) against its seal, and its mark keeps that image when it does not match;
 *   sealing then refuses — and rolls the write back — naming the row.
 * - A row changed together with its `state_rows` hash no longer adds up to the state the last
 *   entry recorded: named by table (state_tables says which, unless it was forged too).
 * - The bytes of the files the case keeps (import_blocks, evidence_blobs) are not rows of the seal:
 *   they are checked against the SHA-256 and size their sealed rows hold (stored-bytes.ts); the
 *   evidence timeline against the digest each bundle's entry recorded (timeline-digest.ts).
 * A row's hash covers its table, primary key and SQLite's quote() of every column in schema order
 * (the trigger and the check compute the same text). Digests are sorted, not order-independent
 * sums: additive or XOR set hashes let someone who can write many rows find changes that cancel
 * out; a sorted hash over 256-row buckets has no such weakness and costs one bucket's re-read per
 * small write. An import that writes 200,000 rows re-digests every bucket once.
 */
const STATE_FORMAT = 'lastmile-state/1'
const BUCKET_ROWS = 256

const byName = new Map(SEALED_TABLES.map((t) => [t.name, t]))

function sha256(): ReturnType<typeof createHash> {
  return createHash('sha256')
}

/** The hash of one row: its table, key, and image (quote() of every column, comma-separated). */
export function rowHash(table: string, key: string, image: string): Buffer {
  // One-shot hash: an import seals every row it writes, and a Hash object per row costs ~6× more.
  return hash('sha256', `${table}\n${key}\n${image}`, 'buffer') as unknown as Buffer
}

function bucketOf(table: SealedTable, key: string): number {
  if (table.integerKey) return Math.floor(Number(key) / BUCKET_ROWS)
  return sha256().update(key).digest()[0]
}

/**
 * bucketOf in SQL, for a key expression `k` (text or integer): for an integer key it is
 * arithmetic (floor division, also for a negative key) rather than a call into JavaScript per
 * row, which an import's seal made ~170,000 times per 100,000 alerts.
 */
function bucketSql(table: SealedTable, k: string): string {
  if (!table.integerKey) return `lastmile_state_bucket('${table.name}', ${k})`
  const i = `CAST(${k} AS INTEGER)`
  return `(CASE WHEN ${i} >= 0 THEN ${i} / ${BUCKET_ROWS} ELSE (${i} - ${BUCKET_ROWS - 1}) / ${BUCKET_ROWS} END)`
}

/** Per connection: each sealed table's image expression, read from the schema once. */
const images = new WeakMap<Db, Map<string, (alias: string) => string>>()

function imageSql(db: Db, table: SealedTable, alias = ''): string {
  let m = images.get(db)
  if (!m) images.set(db, (m = new Map()))
  let f = m.get(table.name)
  if (!f) {
    const cols = db.prepare(`SELECT name, upper(type) FROM pragma_table_info('${table.name}') ORDER BY cid`).raw().all() as Array<[string, string]>
    const strict = db.prepare("SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = ?").pluck().get(table.name) === 1
    // The image is quote() of every column, written by one format() rather than a quote() per
    // column joined by concat_ws (one string allocated a row, not one a column: ~30% less time
    // for an alert's 27 columns). It is the same text: quote() writes a text as printf's %Q and
    // an integer as %lld, and NULL as NULL, which is what %Q writes for a text or NULL and %s for
    // an integer or the text 'NULL'. A STRICT table's TEXT and INTEGER columns hold only those;
    // any other column, and every column of a table that is not STRICT, is quote() itself.
    const part = (c: string, type: string, a: string): [string, string] => {
      if (strict && type === 'TEXT') return ['%Q', `${a}"${c}"`]
      if (strict && (type === 'INTEGER' || type === 'INT')) return ['%s', `ifnull(${a}"${c}", 'NULL')`]
      return ['%s', `quote(${a}"${c}")`]
    }
    f = (a: string) => {
      const parts = cols.map(([c, type]) => part(c, type, a))
      return `format('${parts.map(([spec]) => spec).join(',')}', ${parts.map(([, arg]) => arg).join(', ')})`
    }
    m.set(table.name, f)
  }
  return f(alias)
}

/**
 * SQL functions this connection's seal statements call, so that hashing the marked rows is one
 * statement per table (rows are read, hashed and upserted inside SQLite) instead of a round trip
 * to JavaScript and a statement per row: 17 µs a row became ~6 µs, on the ~1.5 rows an import
 * writes per alert (its alert, and its share of resources and findings). The functions compute
 * exactly what bucketOf and rowHash compute (they are those functions).
 */
const withSealFunctions = new WeakSet<WritableDb>()

/**
 * A bucket's digest: SHA-256 over each of its rows' key, a NUL and the row's hash, in key order.
 * The pieces are copied into one buffer and hashed by one call when the bucket is done: a Hash's
 * update() per piece (three a row) cost more than the hashing itself (487,000 rows, the seal of
 * the bench's first file: ~0.3 → ~0.1 s in a microbenchmark).
 */
export class BucketDigest {
  private buf = Buffer.allocUnsafe(64 * BUCKET_ROWS)
  private len = 0
  rows = 0

  add(key: string, hash: Buffer): void {
    // UTF-8 takes at most 3 bytes a UTF-16 unit
    const most = this.len + key.length * 3 + 1 + hash.length
    if (most > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(most, this.buf.length * 2))
      this.buf.copy(grown, 0, 0, this.len)
      this.buf = grown
    }
    this.len += this.buf.write(key, this.len, 'utf8')
    this.buf[this.len++] = 0
    this.len += hash.copy(this.buf, this.len)
    this.rows++
  }

  /** The digest of the rows added since the last reset (the buffer is kept for the next bucket). */
  digest(): Buffer {
    return BucketDigest.of(this.buf.subarray(0, this.len))
  }

  /** The digest of a bucket's rows already joined as add() joins them (bucketDigestOf). */
  static of(joined: Buffer): Buffer {
    return hash('sha256', joined, 'buffer') as unknown as Buffer
  }

  reset(): void {
    this.len = 0
    this.rows = 0
  }
}

/**
 * The digests of a bulk seal's buckets, taken as SQLite hashes its rows, in the order it reads
 * them: by key (a range of the INTEGER PRIMARY KEY), so that no hash is kept for later (keeping
 * 100,000 of them costs more than digesting them). A bucket's digest takes its rows in the order
 * of their key's text ('1000' < '999'), which is the key order except in the bucket where keys
 * gain a digit; that bucket, a bucket met twice, and a bucket that also holds older rows (below
 * the first key) are left to be read back from state_rows.
 */
class BulkDigests {
  rows = 0
  private readonly done: Array<{ bucket: number; rows: number; digest: Buffer }> = []
  private readonly reread = new Set<number>()
  private readonly seen = new Set<number>()
  private bucket = NaN
  private readonly h = new BucketDigest()
  private open = false
  private n = 0
  private last = ''
  private inOrder = false

  constructor(private readonly firstKey: number) {}

  add(bucket: number, key: string, hash: Buffer): void {
    this.rows++
    if (bucket !== this.bucket) {
      this.close()
      if (this.seen.has(bucket)) this.reread.add(bucket)
      this.seen.add(bucket)
      this.bucket = bucket
      this.h.reset()
      this.open = true
      this.n = 0
      this.inOrder = bucket * BUCKET_ROWS >= this.firstKey
    } else if (!(key > this.last)) this.inOrder = false
    // as bucketDigest takes each row
    if (this.inOrder) this.h.add(key, hash)
    this.n++
    this.last = key
  }

  private close(): void {
    if (!this.open) return
    if (this.inOrder) this.done.push({ bucket: this.bucket, rows: this.n, digest: this.h.digest() })
    else this.reread.add(this.bucket)
    this.open = false
  }

  finish(): { digests: Array<{ bucket: number; rows: number; digest: Buffer }>; reread: number[] } {
    this.close()
    return { digests: this.done.filter((d) => !this.reread.has(d.bucket)), reread: [...this.reread] }
  }
}

/** Where lastmile_state_row_hash_kept digests the rows it hashes (only while sealBulkRange's statement runs). */
let kept: BulkDigests | null = null

function sealFunctions(db: WritableDb): void {
  if (withSealFunctions.has(db)) return
  db.function('lastmile_state_bucket', { deterministic: true }, (tbl: unknown, key: unknown) => bucketOf(byName.get(String(tbl)) as SealedTable, String(key)))
  db.function('lastmile_state_row_hash', { deterministic: true }, (tbl: unknown, key: unknown, image: unknown) => rowHash(String(tbl), String(key), String(image)))
  // The same hash, also digested into its bucket (the one SQLite put the row in) for
  // sealBulkRange, rather than read back. Not deterministic: SQLite must call it once for each
  // row it inserts, in the order it reads them.
  db.function('lastmile_state_row_hash_kept', (tbl: unknown, bucket: unknown, key: unknown, image: unknown) => {
    if (!kept) throw new LastmileError('internal', 'a row hash was kept outside the seal of a bulk insert')
    const k = String(key)
    const h = rowHash(String(tbl), k, String(image))
    kept.add(Number(bucket), k, h)
    return h
  })
  withSealFunctions.add(db)
}

/**
 * Seal the marked rows of a table with a one-column key: each row still there is hashed into
 * state_rows, each one gone is removed. Returns the buckets touched. With `below`, only the marks
 * of keys under it (the keys from it up were sealed as a bulk range: sealBulkRange).
 */
function sealMarkedRows(db: WritableDb, table: SealedTable, seq: number, below?: number): number[] {
  sealFunctions(db)
  const pk = table.key[0]
  const keyOf = table.integerKey ? 'CAST(d.key AS INTEGER)' : 'd.key'
  const which = `d.tbl = @tbl${below === undefined ? '' : ` AND ${keyOf} < @below`}`
  const params = below === undefined ? { tbl: table.name } : { tbl: table.name, below }
  const marked = `SELECT ${keyOf} FROM temp.state_dirty d WHERE ${which}`
  db.prepare(
    `INSERT INTO state_rows (tbl, bucket, key, hash, seq)
     SELECT @tbl, ${bucketSql(table, 'r.k')}, r.k, lastmile_state_row_hash(@tbl, r.k, r.image), @seq
     FROM (SELECT ${keySql(table)} AS k, ${imageSql(db, table)} AS image FROM ${table.name} WHERE ${pk} IN (${marked})) r
     WHERE true
     ON CONFLICT (tbl, bucket, key) DO UPDATE SET hash = excluded.hash, seq = excluded.seq`
  ).run({ ...params, seq })
  // What is marked but gone from the table: the row was deleted.
  const gone = db
    .prepare(`SELECT d.key FROM temp.state_dirty d WHERE ${which} AND NOT EXISTS (SELECT 1 FROM ${table.name} t WHERE t.${pk} = ${keyOf})`)
    .pluck()
    .all(params) as string[]
  const remove = db.prepare('DELETE FROM state_rows WHERE tbl = ? AND bucket = ? AND key = ?')
  for (const key of gone) remove.run(table.name, bucketOf(table, key), key)
  return db
    .prepare(`SELECT DISTINCT ${bucketSql(table, 'd.key')} FROM temp.state_dirty d WHERE ${which}`)
    .pluck()
    .all(params) as number[]
}

/**
 * Rows this transaction changed or deleted whose image, before the change, was not what was
 * sealed: [key, the entry that sealed the key, or null when none did]. The marks checked each row
 * as they were made (markTriggersSql) and kept the image of those that failed ('' for a row that
 * matched): here those images are hashed and compared with their seals again, inside SQLite, so
 * that what is reported is computed the one way the seal is.
 */
function changedOutsideOf(db: WritableDb, table: SealedTable): unknown[] {
  sealFunctions(db)
  return db
    .prepare(
      `SELECT d.key, s.seq FROM temp.state_dirty d
       LEFT JOIN state_rows s ON s.tbl = d.tbl AND s.bucket = ${bucketSql(table, 'd.key')} AND s.key = d.key
       WHERE d.tbl = @tbl AND d.old <> '' AND (s.hash IS NULL OR s.hash <> lastmile_state_row_hash(@tbl, d.key, d.old))`
    )
    .raw()
    .all({ tbl: table.name })
}

/** Keys this transaction inserted (marked with no earlier image) that hold a seal: [key, the entry that sealed it]. */
function sealedInsertsOf(db: WritableDb, table: SealedTable): unknown[] {
  sealFunctions(db)
  return db
    .prepare(
      `SELECT d.key, s.seq FROM temp.state_dirty d JOIN state_rows s ON s.tbl = d.tbl AND s.bucket = ${bucketSql(table, 'd.key')} AND s.key = d.key
       WHERE d.tbl = ? AND d.old IS NULL`
    )
    .raw()
    .all(table.name)
}

interface BulkSeal {
  /** whether any row was sealed */
  sealed: boolean
  /** buckets that hold older rows too, to be digested from state_rows */
  reread: number[]
  /** the digests of the buckets that hold only rows sealed here */
  digests: Array<{ bucket: number; rows: number; digest: Buffer }>
}

/**
 * Seal the rows inserted in bulk into a table, the keys from `firstKey` up (beginBulkInserts),
 * when no seal exists from `firstKey` up (takeBulkInserts made sure): one statement reads them by
 * key range, hashes each and inserts its seal. A plain INSERT, not an upsert: there is no seal to
 * replace, and were there one, the conflict would roll the import back rather than overwrite it.
 * A bucket whose 256 keys are all from `firstKey` up holds only these rows, so it is digested from
 * the hashes as they are computed instead of being read back from state_rows (BulkDigests); the
 * bucket of `firstKey` also holds older rows, so the caller re-reads it.
 */
function sealBulkRange(db: WritableDb, table: SealedTable, seq: number, firstKey: number): BulkSeal {
  sealFunctions(db)
  const mine = new BulkDigests(firstKey)
  let inserted: number
  kept = mine
  try {
    inserted = db
      .prepare(
        `INSERT INTO state_rows (tbl, bucket, key, hash, seq)
         SELECT @tbl, r.bucket, r.k, lastmile_state_row_hash_kept(@tbl, r.bucket, r.k, r.image), @seq
         FROM (SELECT ${bucketSql(table, table.key[0])} AS bucket, ${keySql(table)} AS k, ${imageSql(db, table)} AS image FROM ${table.name} WHERE ${table.key[0]} >= @first) r`
      )
      .run({ tbl: table.name, seq, first: firstKey }).changes
  } finally {
    kept = null
  }
  // Each inserted seal's hash must be one the digests are drawn from.
  if (mine.rows !== inserted) throw new LastmileError('internal', `${table.name}: ${inserted} rows sealed in bulk, but ${mine.rows} hashes digested`)
  return { sealed: inserted > 0, ...mine.finish() }
}

/** The same for a table with a composite key (plan_findings: few rows), row by row. */
function sealMarkedRowsOneByOne(db: WritableDb, table: SealedTable, seq: number, marks: Array<[string, string | null]>): number[] {
  const upsert = db.prepare(
    'INSERT INTO state_rows (tbl, bucket, key, hash, seq) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tbl, bucket, key) DO UPDATE SET hash = excluded.hash, seq = excluded.seq'
  )
  const remove = db.prepare('DELETE FROM state_rows WHERE tbl = ? AND bucket = ? AND key = ?')
  const dirty = new Set(marks.map(([key]) => key))
  const touched = new Set<number>()
  const one = db.prepare(`SELECT ${keySql(table)} AS k, ${imageSql(db, table)} AS image FROM ${table.name} WHERE ${table.key.map((c) => `${c} = ?`).join(' AND ')}`).raw()
  // Read first, then write: a connection cannot write while a read on it is open.
  const current: Array<[string, string]> = []
  for (const key of dirty) {
    const row = one.get(...key.split(':')) as [string, string] | undefined
    if (row) current.push(row)
  }
  for (const [k, image] of current) {
    const key = String(k)
    const bucket = bucketOf(table, key)
    upsert.run(table.name, bucket, key, rowHash(table.name, key, image), seq)
    touched.add(bucket)
    dirty.delete(key)
  }
  for (const key of dirty) {
    const bucket = bucketOf(table, key)
    remove.run(table.name, bucket, key)
    touched.add(bucket)
  }
  return [...touched]
}

/**
 * Install the marks on this connection (every open of a case that has the seal). TEMP objects:
 * they belong to this connection only, are never written to the file, and vanish with it.
 */
export function installStateMarks(db: WritableDb): void {
  if (!stateSealed(db)) return
  sealFunctions(db) // the update and delete marks check the row against its seal as they are made
  db.exec('CREATE TEMP TABLE IF NOT EXISTS state_dirty (tbl TEXT NOT NULL, key TEXT NOT NULL, old TEXT, PRIMARY KEY (tbl, key)) WITHOUT ROWID')
  db.exec('CREATE TEMP TABLE IF NOT EXISTS state_bulk (tbl TEXT PRIMARY KEY, first_key INTEGER NOT NULL) WITHOUT ROWID')
  for (const table of SEALED_TABLES) db.exec(markTriggersSql(db, table).join('\n'))
}

/**
 * A sealed table's mark triggers (insert, update, delete, and a change of key), created if
 * missing. An update marks the row under its old key with what checking it found (`checked`,
 * below); only an update that changes the key also marks the new key (as an insert: it has no
 * sealed image), in a trigger of its own that fires only when the update sets a key column: in
 * the update trigger, that second statement (which found the first's mark and inserted nothing)
 * was ~3.5 µs of the ~21 µs each alert update of a rescan cost (a microbenchmark of 200,000
 * updates inside an import: ~21 → ~17.5 µs).
 */
function markTriggersSql(db: WritableDb, table: SealedTable): [insert: string, update: string, remove: string, rekey: string] {
  const { name } = table
  // The first mark of a row since the last seal wins: it holds the row as it was sealed.
  // (Not INSERT OR IGNORE: an UPSERT that fires the trigger overrides the trigger's conflict
  // clause, and the second mark of a row would abort the write.)
  const mark = (alias: string, old: string): string =>
    `INSERT INTO temp.state_dirty (tbl, key, old) SELECT '${name}', ${keySql(table, alias)}, ${old} WHERE NOT EXISTS (SELECT 1 FROM temp.state_dirty WHERE tbl = '${name}' AND key = ${keySql(table, alias)});`
  // What an update or a delete marks the row with: '' when the row, as it was, is what was sealed
  // (its image hashed and compared with its seal as the mark is made), else its image, which the
  // seal checks again and refuses (changedOutsideOf). Not the image of every row: a rescan marks
  // ~356,000 rows, and keeping each ~500-byte image for the seal cost ~110 MB of memory and the
  // time to write and read them back; the check is the same work, done once, at the mark.
  const checked = (alias: string): string => {
    const key = keySql(table, alias)
    const image = imageSql(db, table, alias)
    return `CASE WHEN (SELECT s.hash FROM state_rows s WHERE s.tbl = '${name}' AND s.bucket = ${bucketSql(table, key)} AND s.key = ${key}) IS lastmile_state_row_hash('${name}', ${key}, ${image}) THEN '' ELSE ${image} END`
  }
  // rows inserted in bulk (beginBulkInserts) are marked all at once when sealed
  const notBulk = (...aliases: string[]): string | null =>
    table.integerKey ? `NOT EXISTS (SELECT 1 FROM temp.state_bulk WHERE tbl = '${name}' AND ${aliases.map((a) => `${a}${table.key[0]} >= first_key`).join(' AND ')})` : null
  const when = (...conditions: Array<string | null>): string => {
    const c = conditions.filter((x): x is string => x !== null)
    return c.length ? ` WHEN ${c.join(' AND ')}` : ''
  }
  const keyChanged = `(${table.key.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ')})`
  return [
    `CREATE TEMP TRIGGER IF NOT EXISTS lastmile_seal_${name}_i AFTER INSERT ON main.${name}${when(notBulk('NEW.'))} BEGIN ${mark('NEW.', 'NULL')} END;`,
    `CREATE TEMP TRIGGER IF NOT EXISTS lastmile_seal_${name}_u AFTER UPDATE ON main.${name}${when(notBulk('OLD.', 'NEW.'))} BEGIN ${mark('OLD.', checked('OLD.'))} END;`,
    `CREATE TEMP TRIGGER IF NOT EXISTS lastmile_seal_${name}_d AFTER DELETE ON main.${name}${when(notBulk('OLD.'))} BEGIN ${mark('OLD.', checked('OLD.'))} END;`,
    `CREATE TEMP TRIGGER IF NOT EXISTS lastmile_seal_${name}_k AFTER UPDATE OF ${table.key.join(', ')} ON main.${name}${when(keyChanged, notBulk('OLD.', 'NEW.'))} BEGIN ${mark('NEW.', 'NULL')} END;`
  ]
}

/**
 * The rows this transaction inserts from now on into these tables (each with an INTEGER PRIMARY
 * KEY) are sealed all at once, by key range, when the next audit entry seals them, instead of
 * one mark each as they are written (~5 µs a row: an import writes ~1.5 rows an alert). Every
 * row with a key past the table's largest now is one this transaction inserted: it holds the
 * write lock, so no other writer can add one. Such a row that this transaction then changes or
 * deletes needs no mark either: it was never sealed, so it has no sealed image to check, and the
 * range seals it (or, deleted, it is not there to seal). Ends at the next seal. Until then an
 * insert into these tables must let SQLite choose its key (as every insert of an import does):
 * their insert marks are off (below).
 */
export function beginBulkInserts(db: WritableDb, tables: readonly string[]): void {
  if (!stateSealed(db)) return
  if (!db.inTransaction) throw new LastmileError('internal', 'bulk inserts are marked inside the transaction that writes them')
  const put = db.prepare('INSERT OR IGNORE INTO temp.state_bulk (tbl, first_key) VALUES (?, ?)')
  for (const name of tables) {
    const table = byName.get(name)
    if (!table?.integerKey) throw new LastmileError('internal', `${name}: only a sealed table with an integer key takes bulk inserts`)
    const pk = table.key[0]
    put.run(name, ((db.prepare(`SELECT max(${pk}) FROM ${name}`).pluck().get() as number | null) ?? 0) + 1)
    // Until the seal, the table's insert mark would mark nothing (SQLite numbers a new row past the
    // largest key: from the first key up, or a key a delete in this transaction freed, which that
    // delete marked), and a trigger costs each insert ~4 µs even when its WHEN says no (a
    // microbenchmark of the import's statements, 200,000 alerts and 150,000 resources in bulk:
    // 2.8–3.8 → 2.0–2.4 s and 1.9–2.5 → 1.3–1.5 s). It is dropped for the transaction (a
    // rollback puts it back) and created again by the seal (takeBulkInserts).
    db.exec(`DROP TRIGGER IF EXISTS temp.lastmile_seal_${name}_i`)
  }
}

/**
 * The tables inserted into in bulk since beginBulkInserts, each with its first key, to be sealed
 * by key range (sealBulkRange). That needs no seal to exist from the first key up; one can, when
 * a row with such a key was sealed and then deleted (an INTEGER PRIMARY KEY without AUTOINCREMENT
 * gives its id again): in this transaction before beginBulkInserts (its seal goes at this seal),
 * or outside Lastmile. Then the range's rows are marked one by one, as any other write, and the
 * seal upserts them and re-reads their buckets (a row marked before keeps its mark).
 */
function takeBulkInserts(db: WritableDb): Map<string, number> {
  const ranges = new Map<string, number>()
  const bulk = db.prepare('SELECT tbl, first_key FROM temp.state_bulk').all() as Array<{ tbl: string; first_key: number }>
  for (const { tbl, first_key } of bulk) {
    const table = byName.get(tbl) as SealedTable
    const sealedAbove = db
      .prepare(`SELECT 1 FROM state_rows WHERE tbl = ? AND bucket >= ? AND CAST(key AS INTEGER) >= ? LIMIT 1`)
      .get(tbl, bucketOf(table, String(first_key)), first_key)
    if (!sealedAbove) ranges.set(tbl, first_key)
    else db.prepare(`INSERT OR IGNORE INTO temp.state_dirty (tbl, key, old) SELECT ?, ${keySql(table)}, NULL FROM ${tbl} WHERE ${table.key[0]} >= ?`).run(tbl, first_key)
  }
  db.prepare('DELETE FROM temp.state_bulk').run()
  // each row inserted from now on is marked again as it is written
  for (const { tbl } of bulk) db.exec(markTriggersSql(db, byName.get(tbl) as SealedTable)[0])
  return ranges
}

/** Mark every row of every sealed table (an upgraded case's first seal). */
export function markAllRows(db: WritableDb): number {
  let n = 0
  for (const table of SEALED_TABLES) {
    n += db.prepare(`INSERT OR IGNORE INTO temp.state_dirty (tbl, key, old) SELECT '${table.name}', ${keySql(table)}, NULL FROM ${table.name}`).run().changes
  }
  return n
}

const hasSeal = new WeakMap<Db, boolean>()

/** Whether this case has the state seal (a database from before migration 0090 has not). */
function stateSealed(db: Db): boolean {
  let v = hasSeal.get(db)
  if (v === undefined) {
    v = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'state_rows'").get() !== undefined
    // Only remember a yes: a case migrated on this connection later gains the tables.
    if (v) hasSeal.set(db, v)
  }
  return v
}

/**
 * The digest of one bucket as state_rows holds it now, and its row count (0 when empty). Its rows are
 * joined as BucketDigest.add joins them — each key's UTF-8 bytes, a NUL, the row's hash; by key —
 * by SQLite, as one value: a Buffer a row handed to JavaScript cost ~3× more over the ~1,400
 * buckets a large rescan touches. CAST AS BLOB gives a text's bytes as the database stores them, so
 * a database whose text is not UTF-8 (Lastmile writes none; a file made elsewhere could be) takes
 * the rows one by one.
 */
export function bucketDigestOf(db: Db, tbl: string, bucket: number): { rows: number; digest: Buffer } {
  let s = bucketStatements.get(db)
  if (!s) {
    const utf8 = db.prepare('SELECT encoding FROM pragma_encoding').pluck().get() === 'UTF-8'
    s = utf8
      ? {
          joined: db.prepare("SELECT count(*), CAST(group_concat(CAST(key AS BLOB) || x'00' || hash, '' ORDER BY key) AS BLOB) FROM state_rows WHERE tbl = ? AND bucket = ?").raw()
        }
      : { rows: db.prepare('SELECT key, hash FROM state_rows WHERE tbl = ? AND bucket = ? ORDER BY key').raw() }
    bucketStatements.set(db, s)
  }
  if ('joined' in s) {
    const [rows, joined] = s.joined.get(tbl, bucket) as [number, Buffer | null]
    return { rows, digest: BucketDigest.of(joined ?? Buffer.alloc(0)) }
  }
  const d = new BucketDigest()
  for (const [key, hash] of s.rows.all(tbl, bucket) as Array<[string, Buffer]>) d.add(key, hash)
  return { rows: d.rows, digest: d.digest() }
}
const bucketStatements = new WeakMap<Db, { joined: ReadStatement<[string, number]> } | { rows: ReadStatement<[string, number]> }>()

function tableDigest(buckets: Iterable<{ bucket: number; rows: number; digest: Buffer }>): { rows: number; digest: Buffer } {
  const h = sha256()
  let n = 0
  for (const b of buckets) {
    h.update(`${b.bucket}:${b.rows}:`).update(b.digest)
    n += b.rows
  }
  return { rows: n, digest: h.digest() }
}

/** The digest of the whole state: every sealed table's row count and digest, by name. */
function stateDigest(tables: ReadonlyArray<{ tbl: string; rows: number; digest: Buffer }>): string {
  const h = sha256().update(`${STATE_FORMAT}\n`)
  // By name (table names are ASCII, so JavaScript's order is SQLite's)
  for (const t of [...tables].sort((a, b) => (a.tbl < b.tbl ? -1 : a.tbl > b.tbl ? 1 : 0))) h.update(`${t.tbl}\0${t.rows}\0${t.digest.toString('hex')}\n`)
  return h.digest('hex')
}

function storedTables(db: Db): Array<{ tbl: string; rows: number; digest: Buffer }> {
  return db.prepare('SELECT tbl, rows, digest FROM state_tables ORDER BY tbl').all() as Array<{ tbl: string; rows: number; digest: Buffer }>
}

/**
 * Seal the rows marked since the last audit entry, on behalf of the entry `seq` being written,
 * and return the digest of the whole state after it (null for a case without the seal). Runs
 * inside the entry's transaction; refuses (and so rolls the write back) when a marked row was not,
 * before Lastmile changed it, what was sealed: the change it carries must not bless a change made
 * outside Lastmile.
 */
export function sealState(db: WritableDb, seq: number): string | null {
  if (!stateSealed(db)) return null
  const hasMarks = db.prepare("SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND name = 'state_dirty'").get() !== undefined
  const bulk = hasMarks ? takeBulkInserts(db) : new Map<string, number>()
  const markedTables = hasMarks ? (db.prepare('SELECT DISTINCT tbl FROM temp.state_dirty').pluck().all() as string[]) : []
  // by name, as the marks alone give them (table names are ASCII)
  const dirtyTables = [...new Set([...markedTables, ...bulk.keys()])].sort()
  if (dirtyTables.length) {
    const upgrade = db.prepare('SELECT 1 FROM state_upgrade').get() !== undefined
    const marksOf = db.prepare('SELECT key, old FROM temp.state_dirty WHERE tbl = ?').raw()
    const putBucket = db.prepare('INSERT OR REPLACE INTO state_buckets (tbl, bucket, rows, digest) VALUES (?, ?, ?, ?)')
    const dropBucket = db.prepare('DELETE FROM state_buckets WHERE tbl = ? AND bucket = ?')
    const bucketsOf = db.prepare('SELECT bucket, rows, digest FROM state_buckets WHERE tbl = ? ORDER BY bucket')
    const putTable = db.prepare('INSERT OR REPLACE INTO state_tables (tbl, rows, digest) VALUES (?, ?, ?)')
    const dropTable = db.prepare('DELETE FROM state_tables WHERE tbl = ?')
    const outside: string[] = []
    for (const tbl of dirtyTables) {
      const table = byName.get(tbl)
      if (!table) continue
      // A row Lastmile inserted has no earlier image to check (the common case of an import:
      // no lookup). A row it changed or deleted must have been, until then, what was sealed.
      if (!upgrade) {
        for (const [key, sealedBy] of changedOutsideOf(db, table) as Array<[string, number | null]>) {
          if (sealedBy === null) outside.push(`${rowName(table, key)} was added outside Lastmile: no audit entry sealed it`)
          else outside.push(`${rowName(table, key)} was changed outside Lastmile after audit entry ${sealedBy} sealed it`)
        }
        // A row Lastmile inserted under a key that still has a seal: the sealed row was deleted,
        // and not by Lastmile (its deletion would have removed the seal, or marked the row with its
        // image). Sealing the new row over it would bless that deletion.
        for (const [key, sealedBy] of sealedInsertsOf(db, table) as Array<[string, number]>) {
          outside.push(`${rowName(table, key)} was removed outside Lastmile after audit entry ${sealedBy} sealed it, and a new row took its key`)
        }
      }
      const firstKey = bulk.get(tbl)
      const range: BulkSeal = firstKey === undefined ? { sealed: false, reread: [], digests: [] } : sealBulkRange(db, table, seq, firstKey)
      const marked = !markedTables.includes(tbl)
        ? []
        : table.key.length === 1
          ? sealMarkedRows(db, table, seq, firstKey)
          : sealMarkedRowsOneByOne(db, table, seq, marksOf.all(tbl) as Array<[string, string | null]>)
      // nothing written to this table since the last seal: its digests stand
      if (!range.sealed && !marked.length) continue
      for (const d of range.digests) putBucket.run(tbl, d.bucket, d.rows, d.digest)
      for (const bucket of new Set([...range.reread, ...marked])) {
        const d = bucketDigestOf(db, tbl, bucket)
        if (d.rows) putBucket.run(tbl, bucket, d.rows, d.digest)
        else dropBucket.run(tbl, bucket)
      }
      const td = tableDigest(bucketsOf.all(tbl) as Array<{ bucket: number; rows: number; digest: Buffer }>)
      if (td.rows) putTable.run(tbl, td.rows, td.digest)
      else dropTable.run(tbl)
    }
    if (outside.length) {
      throw new LastmileError(
        'conflict',
        `the case does not verify, so nothing was changed: ${outside[0]}${outside.length > 1 ? ` (and ${outside.length - 1} more row${outside.length === 2 ? '' : 's'}; run lastmile verify)` : ''}`
      )
    }
    db.prepare('DELETE FROM temp.state_dirty').run()
  }
  db.prepare('DELETE FROM state_upgrade').run()
  return stateDigest(storedTables(db))
}

// ---- verification ---------------------------------------------------------------------------

interface StateProblem {
  kind: 'row' | 'table'
  table: string
  /** the row's key (its primary key as text), for a row */
  key?: string
  /** the audit entry that sealed the row or the state that no longer matches */
  seq: number
  reason: string
}

export interface StateVerification {
  ok: boolean
  /** false for a case from before the seal (nothing to check) */
  sealed: boolean
  /** the audit entry whose recorded state was checked */
  sealedBy: number | null
  tables: number
  rows: number
  problems: StateProblem[]
  millis: number
}

/** How many rows of one table are named before the rest are counted. */
const NAMED_PER_TABLE = 10

function rowName(table: SealedTable, key: string): string {
  const label = table.label?.(key)
  return `${table.name} row ${key}${label ? ` (${label})` : ''}`
}

/**
 * Recompute every sealed row and the digest of the whole state, and compare them with what the
 * audit trail recorded. Reads only (a case open for review verifies too).
 */
export function verifyState(db: Db): StateVerification {
  const t0 = Date.now()
  if (!stateSealed(db)) return { ok: true, sealed: false, sealedBy: null, tables: 0, rows: 0, problems: [], millis: 0 }
  const problems: StateProblem[] = []
  const actions = new Map<number, string>()
  const actionOf = db.prepare('SELECT action FROM audit_log WHERE seq = ?').pluck()
  const entryName = (seq: number): string => {
    if (!actions.has(seq)) actions.set(seq, (actionOf.get(seq) as string | undefined) ?? 'missing')
    return `audit entry ${seq} (${actions.get(seq)})`
  }
  const head = db.prepare('SELECT seq, state FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; state: string | null } | undefined
  // Nothing is sealed before the first entry (a case is created, then its first entry written).
  if (!head) return { ok: true, sealed: true, sealedBy: null, tables: 0, rows: 0, problems: [], millis: Date.now() - t0 }
  const lastSealing = db.prepare('SELECT seq, state FROM audit_log WHERE state IS NOT NULL ORDER BY seq DESC LIMIT 1').get() as { seq: number; state: string } | undefined
  if (head && lastSealing && head.seq !== lastSealing.seq) {
    problems.push({
      kind: 'table',
      table: 'audit_log',
      seq: head.seq,
      reason: `audit entry ${head.seq} (the last) records no state, though entry ${lastSealing.seq} before it does: it was not written by Lastmile`
    })
  }
  // Rows sealed by an entry the trail no longer has: the last entries were removed.
  const orphan = db.prepare('SELECT seq, tbl, key FROM state_rows WHERE seq > ? ORDER BY seq DESC LIMIT 1').get(head.seq) as { seq: number; tbl: string; key: string } | undefined
  if (orphan) {
    problems.push({
      kind: 'row',
      table: orphan.tbl,
      key: orphan.key,
      seq: head.seq + 1,
      reason: `the audit trail ends at entry ${head.seq}, but ${rowName(byName.get(orphan.tbl) ?? { name: orphan.tbl, key: [], integerKey: false }, orphan.key)} was sealed by entry ${orphan.seq}: entries ${head.seq + 1}–${orphan.seq} were removed`
    })
  }
  const upgrades = db.prepare("SELECT seq FROM audit_log WHERE action = 'case.state-sealed' ORDER BY seq").pluck().all() as number[]
  const firstSealing = db.prepare('SELECT MIN(seq) FROM audit_log WHERE state IS NOT NULL').pluck().get() as number | null
  for (const seq of upgrades) {
    if (seq !== firstSealing) {
      problems.push({
        kind: 'table',
        table: 'audit_log',
        seq,
        reason: `audit entry ${seq} resealed the whole case state as an upgrade, but the state was already sealed from entry ${firstSealing}: someone marked the case for resealing to bless changes made outside Lastmile`
      })
    }
  }

  const recomputed: Array<{ tbl: string; rows: number; digest: Buffer }> = []
  let rows = 0
  for (const table of SEALED_TABLES) {
    const sealed = new Map<string, { hash: Buffer; seq: number }>()
    const buckets: Array<{ bucket: number; rows: number; digest: Buffer }> = []
    const digest = new BucketDigest()
    let current: number | null = null
    const close = (): void => {
      if (current !== null) buckets.push({ bucket: current, rows: digest.rows, digest: digest.digest() })
    }
    for (const [bucket, key, hash, seq] of db
      .prepare('SELECT bucket, key, hash, seq FROM state_rows WHERE tbl = ? ORDER BY bucket, key')
      .raw()
      .iterate(table.name) as IterableIterator<[number, string, Buffer, number]>) {
      if (current !== bucket) {
        close()
        current = bucket
        digest.reset()
      }
      digest.add(key, hash)
      sealed.set(key, { hash, seq })
    }
    close()
    const td = tableDigest(buckets)
    if (td.rows) recomputed.push({ tbl: table.name, ...td })

    let named = 0
    let unnamed = 0
    const report = (p: StateProblem): void => {
      if (named < NAMED_PER_TABLE) {
        problems.push(p)
        named++
      } else unnamed++
    }
    for (const [k, image] of db
      .prepare(`SELECT ${keySql(table)} AS k, ${imageSql(db, table)} FROM ${table.name}`)
      .raw()
      .iterate() as IterableIterator<[string, string]>) {
      rows++
      const key = String(k)
      const s = sealed.get(key)
      if (!s) {
        report({ kind: 'row', table: table.name, key, seq: head.seq, reason: `${rowName(table, key)} was added outside Lastmile: no audit entry sealed it` })
        continue
      }
      sealed.delete(key)
      if (!rowHash(table.name, key, image).equals(s.hash)) {
        report({
          kind: 'row',
          table: table.name,
          key,
          seq: s.seq,
          reason: `${rowName(table, key)} was changed outside Lastmile: it differs from what ${entryName(s.seq)} sealed`
        })
      }
    }
    for (const [key, s] of sealed) {
      report({ kind: 'row', table: table.name, key, seq: s.seq, reason: `${rowName(table, key)} was removed outside Lastmile: ${entryName(s.seq)} sealed it` })
    }
    if (unnamed) {
      problems.push({ kind: 'table', table: table.name, seq: head.seq, reason: `${table.name}: ${unnamed} more row${unnamed === 1 ? '' : 's'} differ from their seal` })
    }
  }

  // The counts kept for the pages are drawn from the sealed rows: recomputed from them.
  for (const p of readModelProblems(db)) problems.push({ kind: 'table', table: p.table, seq: head.seq, reason: p.reason })

  // The bytes of the files the case keeps, against the SHA-256 their sealed rows hold.
  const sealedBy = db.prepare('SELECT seq FROM state_rows WHERE tbl = ? AND key = ?').pluck()
  for (const p of verifyStoredBytes(db)) {
    const seq = sealedBy.get(p.table === 'import_blocks' ? 'imports' : 'evidence_files', p.key) as number | undefined
    problems.push({ kind: 'row', table: p.table, key: p.key, seq: seq ?? head.seq, reason: p.reason })
  }
  // The timeline, against the digest each bundle's entry recorded.
  for (const p of verifyTimelines(db)) problems.push({ kind: 'table', table: 'evidence_timeline', key: p.bundle, seq: p.seq, reason: p.reason })

  // The seals themselves must add up to the state the last entry recorded.
  if (lastSealing) {
    const now = stateDigest(recomputed)
    if (now !== lastSealing.state) {
      const stored = storedTables(db)
      const storedBy = new Map(stored.map((t) => [t.tbl, t]))
      const recomputedBy = new Map(recomputed.map((t) => [t.tbl, t]))
      const differing = [...new Set([...storedBy.keys(), ...recomputedBy.keys()])]
        .filter((tbl) => {
          const a = storedBy.get(tbl)
          const b = recomputedBy.get(tbl)
          return !a || !b || a.rows !== b.rows || !a.digest.equals(b.digest)
        })
        .sort()
      const at = entryName(lastSealing.seq)
      if (stateDigest(stored) === lastSealing.state && differing.length) {
        for (const tbl of differing) {
          problems.push({
            kind: 'table',
            table: tbl,
            seq: lastSealing.seq,
            reason: `${tbl}: its rows and their seals were changed together outside Lastmile: the table no longer adds up to the state ${at} recorded`
          })
        }
      } else {
        problems.push({
          kind: 'table',
          table: differing[0] ?? 'state_tables',
          seq: lastSealing.seq,
          reason:
            `the case state no longer adds up to the state ${at} recorded: rows were changed outside Lastmile together with their seals` +
            (differing.length ? ` (in ${differing.join(', ')})` : '')
        })
      }
    }
  } else if (rows > 0) {
    problems.push({ kind: 'table', table: 'audit_log', seq: head.seq, reason: 'the case holds rows but no audit entry sealed the case state' })
  }
  return { ok: problems.length === 0, sealed: true, sealedBy: lastSealing?.seq ?? null, tables: recomputed.length, rows, problems, millis: Date.now() - t0 }
}
