import { createHash, pbkdf2, pbkdf2Sync, randomBytes, randomUUID } from 'node:crypto'
import { closeSync, existsSync, linkSync, openSync, readSync, rmSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { appendAudit } from '../audit/chain'
import { installStateMarks, markAllRows } from '../audit/state-seal'
import { LastmileError } from '../errors'
import { LATEST_SCHEMA, MIGRATIONS, type Migration } from './migrations'

type Sqlite = Database.Database

/**
 * A prepared statement as a reader holds it: it can be read (get, all, iterate) but not run.
 */
export interface ReadStatement<P extends unknown[], R = unknown> {
  readonly source: string
  readonly reader: boolean
  get(...params: P): R | undefined
  all(...params: P): R[]
  iterate(...params: P): IterableIterator<R>
  pluck(toggleState?: boolean): this
  expand(toggleState?: boolean): this
  raw(toggleState?: boolean): this
  bind(...params: P): this
  columns(): ReturnType<Database.Statement['columns']>
  safeIntegers(toggleState?: boolean): this
}

/**
 * A case's database as every reader gets it: statements that read, transactions for a consistent
 * read, pragmas — and no run(), exec(), key or rekey. A function that changes the case takes a
 * `WritableDb` instead, which only a case opened for writing hands out (`WritableCaseDb`); a case
 * file opened for review has none, so passing its handle to a writer does not compile. (The
 * readable/writable pair is Signal Desktop's ReadableDB/WritableDB, here with the write methods
 * left off the readable type too, so a raw INSERT behind a reader's signature does not compile
 * either.)
 */
export interface Db {
  readonly open: boolean
  readonly inTransaction: boolean
  readonly readonly: boolean
  readonly name: string
  // the driver's own type parameters, so that a handle that may be either (OpenCaseDb) can be called
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  prepare<P extends unknown[] | {} = unknown[], R = unknown>(source: string): P extends unknown[] ? ReadStatement<P, R> : ReadStatement<[P], R>
  transaction: Sqlite['transaction']
  pragma(source: string, options?: Database.PragmaOptions): unknown
}

declare const WRITABLE: unique symbol
/** A case's database that may be changed: only `createCaseDb` and `openCaseDb` (not read-only) make one. */
export type WritableDb = Sqlite & { readonly [WRITABLE]: true }

/** 'LMC1' — marks a SQLite file as a Lastmile case, so a foreign SQLCipher file is named as such. */
export const APPLICATION_ID = 0x4c4d4331

const SQLITE_PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1')

/** An open case as a reader sees it: whether it may be changed is not its business. */
export interface CaseDb {
  db: Db
  path: string
  id: string
  name: string
  createdAt: string
  schemaVersion: number
  readOnly: boolean
  close(): void
}

/** An open case that may be changed: the handle every function that writes requires. */
export interface WritableCaseDb extends CaseDb {
  db: WritableDb
  readOnly: false
}

/** A case opened read-only (an auditor's case file under review, a CLI read): it has no writable handle. */
export interface ReadOnlyCaseDb extends CaseDb {
  readOnly: true
}

/**
 * A case as `openCaseDb` returns it when the caller does not know which: a function that writes
 * only when it may (a read that also expires decisions) checks `readOnly`, which narrows it.
 */
export type OpenCaseDb = WritableCaseDb | ReadOnlyCaseDb

/**
 * The compiled SQLite module to load. Under Node (CLI, tests) the package's own build; inside
 * Electron, whose native ABI differs, main/index.ts points this at the Electron build (see
 * scripts/build-electron-native.mjs) before any case is opened.
 */
const BINDING_ENV = 'LASTMILE_SQLITE_BINDING'
export function useNativeBinding(file: string): void {
  // An environment variable, because worker threads (imports, scans) open cases too and inherit it.
  process.env[BINDING_ENV] = file
}

function connect(path: string, opts: { fileMustExist?: boolean; readonly?: boolean } = {}): Sqlite {
  const nativeBinding = process.env[BINDING_ENV]
  return new Database(path, nativeBinding ? { ...opts, nativeBinding } : opts)
}

export interface OpenOptions {
  readOnly?: boolean
  /**
   * Derive the key from the passphrase here (the PBKDF2 SQLCipher would run) and open with it,
   * keeping it for `deriveCaseKey`: a session whose worker threads open the case again (the
   * findings table) derives it once per open instead of twice.
   */
  derive?: boolean
}

/**
 * A case's key: the passphrase, or the key derived from it (`deriveCaseKey`), which opens the case
 * without the 256,000 PBKDF2 rounds (~0.4 s of CPU) — for a worker thread opening a case this
 * process already holds.
 */
export type CaseKey = string | DerivedCaseKey

/** SQLCipher's raw key: 32 bytes of key and the file's 16-byte salt, in hex. */
export interface DerivedCaseKey {
  derived: string
}

/**
 * The SQLCipher 4 format (SHA-512 HMAC, PBKDF2 with 256,000 iterations, 4 KiB pages). The cipher
 * pragmas must come before the key: without them sqlite3mc would use its own default cipher
 * (chacha20), and a case written by one would not open with the other.
 */
function applyKey(db: Sqlite, key: CaseKey): void {
  db.pragma("cipher='sqlcipher'")
  db.pragma('legacy=4')
  if (typeof key === 'string') db.key(Buffer.from(key, 'utf8'))
  else if (/^[0-9a-f]{96}$/.test(key.derived)) db.pragma(`key="x'${key.derived}'"`)
  else throw new LastmileError('wrong-key', 'a derived case key is 48 bytes in hex')
  // before the first read: opening may have to wait for another process's write too
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
}

const derivedKeys = new WeakMap<Db, Map<string, Promise<DerivedCaseKey>>>()

/** The 16 bytes a file begins with: a case's salt (SQLCipher), or SQLite's header if it is not encrypted. */
function readHead(path: string): Buffer {
  const salt = Buffer.alloc(16)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, salt, 0, 16, 0)
  } finally {
    closeSync(fd)
  }
  return salt
}

const derivedHex = (k: Buffer, salt: Buffer): DerivedCaseKey => ({ derived: k.toString('hex') + salt.toString('hex') })

/**
 * The key SQLCipher derives from the passphrase (PBKDF2-HMAC-SHA512, 256,000 rounds, over the
 * salt the file begins with), computed once per open case and passphrase on libuv's thread pool,
 * not on the caller's thread.
 */
export function deriveCaseKey(c: CaseDb, passphrase: string): Promise<DerivedCaseKey> {
  let byPassphrase = derivedKeys.get(c.db)
  if (!byPassphrase) derivedKeys.set(c.db, (byPassphrase = new Map()))
  let key = byPassphrase.get(passphrase)
  if (!key) {
    const salt = readHead(c.path)
    key = new Promise<DerivedCaseKey>((resolve, reject) => pbkdf2(passphrase, salt, 256_000, 32, 'sha512', (e, k) => (e ? reject(e) : resolve(derivedHex(k, salt)))))
    byPassphrase.set(passphrase, key)
  }
  return key
}

/**
 * How long a write waits for another process writing the same case (one writer at a time:
 * SQLite's write lock) before giving up. Write transactions begin IMMEDIATE (audited,
 * workflowTx), so they take the lock first and wait here, instead of failing at once when a
 * transaction that has read something tries to write.
 */
export const BUSY_TIMEOUT_MS = 5000

/** SQLite gave up waiting for the write lock (SQLITE_BUSY and its variants). */
export function isCaseBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}

/** SQLite refused to write through a connection it opened read-only (SQLITE_READONLY and its variants). */
export function isCaseReadOnly(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_READONLY')
}

/**
 * What a person is told when isCaseReadOnly. The types keep every writer from a read-only case (a
 * writer takes a WritableCaseDb, which a case open for review does not have); this is the line
 * behind them: the connection itself is read-only, so a write that got past them changes nothing.
 */
export function caseReadOnlyError(path?: string): LastmileError {
  return new LastmileError('read-only', `${path ? `${path}: ` : ''}the case is open read-only (for review): nothing was changed`)
}

/**
 * A page of the case that does not authenticate or parse (SQLITE_CORRUPT, SQLITE_NOTADB) met after
 * the case opened: its page HMAC failed, so the file was changed outside Lastmile or damaged on disk.
 */
export function isCaseDamaged(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
}

/** A case whose file is damaged or was changed outside Lastmile (isCaseDamaged), in words. */
export class CaseDamaged extends LastmileError {
  constructor(message: string) {
    super('unavailable', message)
    this.name = 'CaseDamaged'
  }
}

/** What a person is told when isCaseDamaged; `where` names the page when verification found it. */
export function caseDamagedError(path?: string, where?: string): CaseDamaged {
  return new CaseDamaged(
    `${path ? `${path}: ` : ''}the case file is damaged or was changed outside Lastmile: ${where ?? 'a page of it'} does not authenticate under the case key: restore the case from a backup, or review the auditor's case file exported from it (Lastmile stopped there and changed nothing)`
  )
}

/** SQLite's refusals that concern the case as a whole (busy, read-only, damaged) in words; null for any other error. */
export function caseRefusal(e: unknown, path?: string): LastmileError | null {
  if (isCaseBusy(e)) return caseBusyError(path)
  if (isCaseReadOnly(e)) return caseReadOnlyError(path)
  if (isCaseDamaged(e)) return caseDamagedError(path)
  return null
}

/** What a person is told when isCaseBusy: who holds the case, and that nothing changed. */
export function caseBusyError(path?: string): LastmileError {
  return new LastmileError(
    'unavailable',
    `${path ? `${path}: ` : ''}another Lastmile process is writing this case; waited ${BUSY_TIMEOUT_MS / 1000} s for it to finish, then gave up without changing anything — try again when it is done`
  )
}

function applyConnectionSettings(db: Sqlite, readOnly: boolean): void {
  if (!readOnly) db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  // FULL: a committed transaction survives power loss, which an audit trail promises.
  db.pragma('synchronous = FULL')
  // Decrypting a page costs far more than reading it. With the driver's default 16 MiB cache every
  // case-wide read of a 200k-finding case (250 MB) decrypted the same pages again (a join of the
  // findings to their resources: 1.1 s, against 0.1 s once cached); up to 256 MiB of decrypted
  // pages, allocated only as they are read, keeps them. Imports already used this size.
  db.pragma('cache_size = -262144')
  // Temporary tables in memory: nothing of the case reaches disk unencrypted, and the state seal's
  // marks (TEMP triggers and table, state-seal.ts) survive — changing temp_store deletes every
  // temporary object, so it is set once, here, and an import setting the same value changes nothing.
  db.pragma('temp_store = MEMORY')
}

/** Create a new encrypted case at `path`. Refuses to overwrite anything already there. */
export function createCaseDb(path: string, passphrase: string, opts: { name?: string; now: string }): WritableCaseDb {
  if (existsSync(path)) {
    throw new LastmileError('exists', `${path}: a file already exists there; choose another name (Lastmile never overwrites a case)`)
  }
  // Build the case beside its final name, then link it into place: a crash half-way leaves
  // no half-made case under the user's name, and link() refuses to replace a file that
  // appeared in the meantime.
  const tmp = `${path}.creating-${randomBytes(6).toString('hex')}`
  let db: Sqlite | undefined
  try {
    db = connect(tmp)
    applyKey(db, passphrase)
    applyConnectionSettings(db, false)
    db.pragma(`application_id = ${APPLICATION_ID}`)
    migrate(db as WritableDb)
    const id = randomUUID()
    const name = opts.name ?? basename(path).replace(/\.lmcase$/i, '')
    const put = db.prepare('INSERT INTO case_meta (key, value) VALUES (?, ?)')
    db.transaction(() => {
      put.run('id', id)
      put.run('name', name)
      put.run('created_at', opts.now)
    })()
    db.close()
    db = undefined
    try {
      linkSync(tmp, path)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new LastmileError('exists', `${path}: a file already exists there; choose another name (Lastmile never overwrites a case)`)
      }
      throw new LastmileError('unavailable', `${path}: cannot create the case file (${(e as Error).message})`)
    }
  } finally {
    db?.close()
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(tmp + suffix, { force: true })
  }
  return openCaseDb(path, passphrase)
}

/**
 * Open an existing case. A wrong key, a file that is not a case, a damaged file or a case
 * from a newer Lastmile is a LastmileError, and the file is left exactly as it was.
 */
export function openCaseDb(path: string, passphrase: CaseKey, opts: { readOnly: true }): ReadOnlyCaseDb
export function openCaseDb(path: string, passphrase: CaseKey, opts?: { readOnly?: false }): WritableCaseDb
export function openCaseDb(path: string, passphrase: CaseKey, opts?: OpenOptions): OpenCaseDb
export function openCaseDb(path: string, passphrase: CaseKey, opts: OpenOptions = {}): OpenCaseDb {
  const readOnly = opts.readOnly === true
  preflight(path)
  // SQLCipher's own derivation, done here (same rounds, same salt) so that the key can be kept
  const salt = opts.derive && typeof passphrase === 'string' ? readHead(path) : null
  const derived = salt ? derivedHex(pbkdf2Sync(passphrase as string, salt, 256_000, 32, 'sha512'), salt) : null
  let db: Sqlite
  try {
    db = connect(path, { fileMustExist: true, readonly: readOnly })
  } catch (e) {
    throw new LastmileError('unavailable', `${path}: cannot open the file (${(e as Error).message})`)
  }
  try {
    applyKey(db, derived ?? passphrase)
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get()
    } catch (e) {
      const code = (e as { code?: string }).code
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw new LastmileError('wrong-key', `${path}: cannot decrypt the case: the passphrase is wrong, or the file is not a Lastmile case or is damaged`)
      }
      throw e
    }
    const appId = db.pragma('application_id', { simple: true }) as number
    if (appId !== APPLICATION_ID) {
      throw new LastmileError('not-a-case', `${path}: this is an encrypted SQLite database, but not a Lastmile case`)
    }
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > LATEST_SCHEMA) {
      throw new LastmileError(
        'conflict',
        `${path}: this case was written by a newer Lastmile (schema ${version}; this version knows up to ${LATEST_SCHEMA}); upgrade Lastmile to open it`
      )
    }
    checkLedger(db, path)
    if (readOnly) {
      const pending = pendingMigrations(db)
      if (pending.length) {
        throw new LastmileError('conflict', `${path}: this case needs an upgrade (migrations ${pending.join(', ')}) and was opened read-only`)
      }
      applyConnectionSettings(db, true)
    } else {
      applyConnectionSettings(db, false)
      migrate(db as WritableDb)
    }
    const meta = readMeta(db, path)
    if (derived) derivedKeys.set(db, new Map([[passphrase as string, Promise.resolve(derived)]]))
    const opened = {
      path,
      id: meta.id,
      name: meta.name,
      createdAt: meta.created_at,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      close: () => {
        if (db.open) db.close()
      }
    }
    // SQLite opened the connection read-only above, so even a handle cast to writable cannot write;
    // the types make sure no writer is given one in the first place.
    if (readOnly) return { ...opened, db, readOnly: true }
    const writable = db as WritableDb
    installStateMarks(writable)
    sealUpgradedState(writable, meta.id)
    return { ...opened, db: writable, readOnly: false }
  } catch (e) {
    if (db.open) db.close()
    if (e instanceof LastmileError) throw e
    if (isCaseBusy(e)) throw caseBusyError(path)
    throw new LastmileError('not-a-case', `${path}: cannot read the case (${(e as Error).message})`)
  }
}

/**
 * A case upgraded to the state seal (migration 0090) has every existing row marked; one audit
 * entry seals them, so the state from here on is verified against the chain. The state before
 * it was not sealed and is taken as the trail left it — which the entry says.
 */
function sealUpgradedState(db: WritableDb, caseId: string): void {
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'state_upgrade'").get()) return
  // A case whose trail is still empty (just created) has nothing sealed yet: what it holds is
  // sealed by its first entry.
  if (db.prepare('SELECT 1 FROM audit_log LIMIT 1').get() === undefined) {
    markAllRows(db)
    return
  }
  if (!db.prepare('SELECT 1 FROM state_upgrade').get()) return
  db.transaction(() => {
    const rows = markAllRows(db)
    appendAudit(
      db,
      caseId,
      {
        actor: { kind: 'engine', name: 'lastmile' },
        action: 'case.state-sealed',
        target: caseId,
        details: { rows, note: 'upgrade: the case state is sealed into the audit trail from this entry on' }
      },
      new Date().toISOString()
    )
  })()
}

/** Cheap checks on the raw bytes, so the common mistakes get a precise message. */
function preflight(path: string): void {
  let size: number
  try {
    const st = statSync(path)
    if (!st.isFile()) throw new LastmileError('not-a-case', `${path}: not a file`)
    size = st.size
  } catch (e) {
    if (e instanceof LastmileError) throw e
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new LastmileError('not-found', `${path}: no such case file`)
    throw new LastmileError('unavailable', `${path}: cannot read the file (${(e as Error).message})`)
  }
  if (size === 0) throw new LastmileError('not-a-case', `${path}: the file is empty, not a Lastmile case`)
  if (readHead(path).equals(SQLITE_PLAIN_HEADER)) {
    throw new LastmileError('not-a-case', `${path}: this is an unencrypted SQLite database, not an encrypted Lastmile case`)
  }
  if (size < 4096 || size % 512 !== 0) {
    throw new LastmileError('not-a-case', `${path}: not a Lastmile case (size ${size} bytes is not a whole number of database pages)`)
  }
}

function readMeta(db: Db, path: string): Record<'id' | 'name' | 'created_at', string> {
  const rows = db.prepare('SELECT key, value FROM case_meta').all() as Array<{ key: string; value: string }>
  const m = new Map(rows.map((r) => [r.key, r.value]))
  for (const k of ['id', 'name', 'created_at']) {
    if (!m.has(k)) throw new LastmileError('not-a-case', `${path}: the case is damaged (its ${k} is missing)`)
  }
  return { id: m.get('id')!, name: m.get('name')!, created_at: m.get('created_at')! }
}

function pendingMigrations(db: Db): number[] {
  const hasLedger = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'").get()
  const applied = new Set(hasLedger ? (db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]) : [])
  return MIGRATIONS.filter((m) => !applied.has(m.version)).map((m) => m.version)
}

export function migrationHash(m: Migration): string {
  return createHash('sha256').update(m.sql).digest('hex')
}

const LEDGER_SQL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  applied_at TEXT NOT NULL
) STRICT`

/** An applied migration whose text has changed since is refused: the case and the code disagree. */
function checkLedger(db: Db, path: string): void {
  const hasLedger = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'").get()
  if (!hasLedger) return
  const applied = db.prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version').all() as Array<{
    version: number
    name: string
    sha256: string
  }>
  for (const a of applied) {
    const m = MIGRATIONS.find((x) => x.version === a.version)
    if (!m) {
      throw new LastmileError('conflict', `${path}: migration ${a.version} (${a.name}) is unknown to this Lastmile; upgrade Lastmile to open it`)
    }
    if (migrationHash(m) !== a.sha256) {
      throw new LastmileError(
        'conflict',
        `${path}: migration ${String(a.version).padStart(4, '0')}-${a.name} differs from the one applied to this case (it was edited after shipping)`
      )
    }
  }
}

/**
 * Apply every migration the case has not recorded yet, in version order. The ledger (not only
 * user_version) decides, so a migration numbered below one already applied — work that landed in
 * a different order — is still applied; user_version stays the highest version applied.
 */
export function migrate(db: WritableDb): void {
  db.exec(LEDGER_SQL)
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[])
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue
    db.transaction(() => {
      // another process may have applied it while this one waited for the write lock
      if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version)) return
      db.exec(m.sql)
      db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)').run(m.version, m.name, migrationHash(m), new Date().toISOString())
      const highest = db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number
      db.pragma(`user_version = ${highest}`)
    }).immediate()
  }
}

/**
 * Change the case's passphrase. SQLCipher cannot rekey a WAL database, so the journal goes to
 * DELETE for the rekey and back to WAL after; the WAL is checkpointed first so no page is left
 * under the old key.
 */
export function rekeyCaseDb(c: WritableCaseDb, next: string): void {
  c.db.pragma('wal_checkpoint(TRUNCATE)')
  try {
    c.db.pragma('journal_mode = DELETE')
  } catch (e) {
    // Leaving WAL needs the case to itself, and SQLite does not wait for it: another connection
    // is open (an import's worker still writing its last file into the case file after reporting,
    // a read off the main thread). Nothing has changed yet.
    if ((e as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new LastmileError(
        'conflict',
        `${c.path}: the case is still open elsewhere in Lastmile (an import finishing, or a read in the background); the passphrase was not changed: try again in a moment`
      )
    }
    throw e
  }
  c.db.rekey(Buffer.from(next, 'utf8'))
  c.db.pragma('journal_mode = WAL')
}
