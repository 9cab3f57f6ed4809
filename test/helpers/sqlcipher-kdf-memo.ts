// SQLCipher's key derivation, done once per passphrase and file instead of at every open: a vitest
// setup file (vitest.config.mts).
//
// Why: a case is keyed with PBKDF2-HMAC-SHA512 over 256,000 rounds (~0.2 s of CPU), at every open
// and twice at a case's creation, and the unit tests open cases thousands of times (a test creates a
// case, closes it, verifies it read-only, opens it again…). Profiles of the heaviest files showed
// SQLCipher's `key` as most of their CPU (state-seal.test.ts: 27.6 s of ~36 s).
//
// How: the derivation is a pure function of the passphrase, the file's 16-byte salt (the first bytes
// of the file) and the cipher's parameters. Database#key is replaced, in the test process only, by
// that same derivation done here (node's PBKDF2, the parameters SQLCipher 4 uses) and remembered,
// handed to SQLCipher as its raw key with the salt (`PRAGMA key="x'<key><salt>'"`, the path
// openCaseDb's `derive` option takes in the product). A new file gets a salt drawn from its
// passphrase (where SQLCipher draws a random one), so the ~300 cases a run creates with a handful
// of test passphrases share their derivations (~0.2 s of CPU each, ~60 s a run); which salt a file
// has changes nothing the tests look at. The files written are the same SQLCipher 4 files (they
// open with SQLCipher's own derivation), a wrong passphrase still gives a
// wrong key (SQLITE_NOTADB), and anything else — another cipher or KDF setting, an in-memory
// database, a key already raw, a file too short to hold a salt — goes to SQLCipher's own `key`.
// The case database's own tests (main/db/) always use SQLCipher's own derivation, and so does every
// file with LASTMILE_TEST_SQLCIPHER_KDF=1 in the environment. Worker threads and child processes
// (their own module instances) derive as before.
import { createHash, pbkdf2Sync } from 'node:crypto'
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import Database from 'better-sqlite3-multiple-ciphers'
import { beforeAll } from 'vitest'

/** SQLCipher 4's key derivation (legacy=4): PBKDF2-HMAC-SHA512 (kdf_algorithm 2), 256,000 rounds, a 32-byte key */
const ROUNDS = 256_000
const SHA512 = 2

// on the global object: the patched prototype outlives this module when a process runs several files
const STATE = Symbol.for('lastmile.sqlcipherKdfMemo')
interface MemoState {
  enabled: boolean
  /** sha256(passphrase):salt → SQLCipher's raw key and salt, in hex */
  derived: Map<string, string>
}
const g = globalThis as typeof globalThis & { [STATE]?: MemoState }
const state = (g[STATE] ??= { enabled: true, derived: new Map() })
state.enabled = process.env.LASTMILE_TEST_SQLCIPHER_KDF !== '1'
type Patched = typeof Database.prototype.key & { [STATE]?: true }

/** A new file's salt: the same for the same passphrase, so that its derivation is made once a process. */
export function newFileSalt(passphrase: Buffer): Buffer {
  return createHash('sha256').update('lastmile unit-test salt\n').update(passphrase).digest().subarray(0, 16)
}

/** The file's salt (its first 16 bytes), the passphrase's for a file not written yet, or null to leave it to SQLCipher. */
function saltOf(file: string, passphrase: Buffer): Buffer | null {
  const size = existsSync(file) ? statSync(file).size : 0
  if (size === 0) return existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0 ? null : newFileSalt(passphrase)
  if (size < 16) return null
  const salt = Buffer.alloc(16)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, salt, 0, 16, 0)
  } finally {
    closeSync(fd)
  }
  return salt
}

const original = Database.prototype.key as Patched
if (!original[STATE]) {
  const memoKey = function key(this: Database.Database, passphrase: Buffer) {
    if (!state.enabled || !Buffer.isBuffer(passphrase) || this.memory || /^x'/i.test(passphrase.subarray(0, 2).toString('latin1'))) return original.call(this, passphrase)
    const setting = (name: string) => String(this.pragma(name, { simple: true }))
    if (setting('cipher') !== 'sqlcipher' || Number(setting('kdf_iter')) !== ROUNDS || Number(setting('kdf_algorithm')) !== SHA512) return original.call(this, passphrase)
    const salt = saltOf(this.name, passphrase)
    if (!salt) return original.call(this, passphrase)
    const id = `${createHash('sha256').update(passphrase).digest('hex')}:${salt.toString('hex')}`
    let raw = state.derived.get(id)
    if (!raw) state.derived.set(id, (raw = pbkdf2Sync(passphrase, salt, ROUNDS, 32, 'sha512').toString('hex') + salt.toString('hex')))
    this.pragma(`key="x'${raw}'"`)
    return 0
  } as Patched
  memoKey[STATE] = true
  Database.prototype.key = memoKey
}

// (vitest reads the hook's first parameter as fixtures to set up: it must be a destructuring pattern)
// eslint-disable-next-line no-empty-pattern
beforeAll(({}, suite) => {
  const path = suite.file.filepath
  if (/[\\/]main[\\/]db[\\/]/.test(path)) state.enabled = false
})
