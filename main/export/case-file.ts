import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { CaseFileExportResult } from '../../shared/contract'
import type { Actor } from '../../shared/model'
import { canonicalJson } from '../audit/canonical'
import { audited } from '../audit/chain'
import { createCheckpoint, lastCheckpoint, verifyCase, type CaseVerification, type Checkpoint } from '../audit/checkpoint'
import { signerSummary, verifySigned, type SignerDescriptor, type SigningKey } from '../audit/checkpoint-signer'
import { openCaseDb, type CaseDb, type WritableCaseDb } from '../db/case-db'
import { checkOutputFile, writeOutputFile, type OutputRules } from '../services/outputs'
import { LastmileError, fsReason } from '../errors'

/*
 * The auditor's case file: one file holding the whole case (findings, evidence hashes, steps,
 * decisions, audit chain, checkpoints), encrypted with an export passphrase that is not the case
 * key, with a signed manifest. Layout (format 1):
 *
 *   MAGIC            "LASTMILE CASE FILE 1\n" (21 bytes, so `head -1` says what the file is)
 *   u32be H, HEADER  canonical JSON, plaintext: format, KDF parameters and salt, a key check
 *   HEADER SHA-256   32 bytes: names a damaged header as such (not as a wrong passphrase)
 *   u32be M, SEALED  AES-256-GCM(manifest key; AAD = MAGIC‖HEADER): iv(12) tag(16) ciphertext of
 *                    the canonical JSON { manifest, signature }
 *   DATABASE         the rest: the case's SQLCipher 4 database, re-encrypted under the database key
 *
 * Keys: scrypt(export passphrase, salt) → master; HKDF-SHA256(master) → the manifest key, the
 * database key and the key-check key. The key check (an HMAC in the header) tells a wrong
 * passphrase apart from a damaged manifest.
 *
 * Where plaintext goes: nowhere on disk. The export copies the case with `VACUUM INTO` (a copy
 * encrypted under the case key, written by SQLCipher) and re-keys that copy to the database key
 * through an ATTACH on the already-open connection — so the case key is never needed again and
 * pages are only ever written encrypted. Opening for review copies the DATABASE bytes as they are
 * (still encrypted) to a private temporary file and opens it read-only with the database key:
 * "decrypting" is SQLCipher reading pages into memory. The manifest is decrypted in memory only.
 *
 * The manifest lists the SHA-256 of every 4 KiB database page, so a changed byte is named by its
 * page; it also carries the export's checkpoint and the signer, and is signed as a whole. The
 * database itself then proves the rest: the audit chain and checkpoints inside it must verify and
 * match the manifest.
 */

/** Found while checking a case file's content: the file is readable, and it was tampered with. */
class TamperError extends Error {}

/** A case file that was changed after it was exported; the message names the part. */
class CaseFileTampered extends LastmileError {
  constructor(message: string) {
    super('conflict', message)
    this.name = 'CaseFileTampered'
  }
}

export const CASE_FILE_MAGIC = Buffer.from('LASTMILE CASE FILE 1\n', 'latin1')
const FORMAT = 'lastmile-case-file/1'
const PAGE = 4096
const KEY_CHECK_LABEL = 'lastmile case file key check'

interface Header {
  format: typeof FORMAT
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string }
  keyCheck: string
  manifestCipher: 'aes-256-gcm'
  database: 'sqlcipher-4'
}

interface CaseFileManifest {
  format: typeof FORMAT
  case: { id: string; name: string; createdAt: string; schemaVersion: number }
  exportedAt: string
  exportedBy: Actor
  /** SHA-256 of the header bytes: the signature covers them too */
  header: string
  database: { bytes: number; pageSize: number; sha256: string; pageHashes: string[] }
  audit: { entries: number; headHash: string | null }
  checkpoint: Checkpoint
}

interface Sealed {
  manifest: CaseFileManifest
  signature: { signer: SignerDescriptor; value: string }
}

interface Keys {
  manifest: Buffer
  database: string
  check: Buffer
}

/** KDF cost: scrypt N=2^17, r=8 (128 MiB, OWASP's recommendation); recorded per file, so it can rise. */
const KDF = { N: 1 << 17, r: 8, p: 1 }

function deriveKeys(passphrase: string, kdf: Header['kdf']): Keys {
  const salt = Buffer.from(kdf.salt, 'base64')
  const master = scryptSync(passphrase.normalize('NFC'), salt, 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 })
  const sub = (info: string): Buffer => Buffer.from(hkdfSync('sha256', master, salt, info, 32))
  return {
    manifest: sub('lastmile case file manifest'),
    // SQLCipher takes it as a passphrase; 64 hex characters of key material.
    database: sub('lastmile case file database').toString('hex'),
    check: sub('lastmile case file key check')
  }
}

function keyCheck(keys: Keys): string {
  return createHmac('sha256', keys.check).update(KEY_CHECK_LABEL).digest().subarray(0, 16).toString('base64')
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

// ---- export ---------------------------------------------------------------------------------

export interface CaseFileExportOptions {
  out: string
  exportPassphrase: string
  signer: SigningKey
  actor: Actor
  now: () => string
  /** scrypt cost (default 2^17). Each file records its own parameters, so readers need no setting. */
  kdfCost?: number
  /** replace an existing file at `out` (the person confirmed it): only another case file, never the case or an input */
  overwrite?: boolean
  /** other files this run reads (key or passphrase files): the export is never written over them */
  inputs?: readonly string[]
}

export type { CaseFileExportResult }

function checkExportPassphrase(p: string, where: string): void {
  if (p.length < 8) throw new LastmileError('bad-input', `${where}: the export passphrase must have at least 8 characters`)
}

/** `lastmile export case`: checkpoint, copy, re-key, seal, write; then record the export. */
export function exportCaseFile(c: WritableCaseDb, opts: CaseFileExportOptions): CaseFileExportResult {
  const rules: OutputRules = {
    inputs: [c.path, ...(opts.inputs ?? [])],
    overwrite: opts.overwrite,
    makes: { extension: '.lmaudit', magic: CASE_FILE_MAGIC, what: 'an auditor case file' }
  }
  const out = checkOutputFile(opts.out, rules)
  checkExportPassphrase(opts.exportPassphrase, 'export case')
  const checkpoint = createCheckpoint(c.db, c.id, opts.signer, opts.actor, opts.now, `${out}: not exported`)
  const work = mkdtempSync(join(tmpdir(), 'lastmile-export-'))
  try {
    const copy = join(work, 'case.db')
    const salt = randomBytes(16)
    const kdf: Header['kdf'] = { name: 'scrypt', ...KDF, ...(opts.kdfCost ? { N: opts.kdfCost } : {}), salt: salt.toString('base64') }
    const keys = deriveKeys(opts.exportPassphrase, kdf)
    copyReKeyed(c, copy, keys.database)
    const header: Header = { format: FORMAT, kdf, keyCheck: keyCheck(keys), manifestCipher: 'aes-256-gcm', database: 'sqlcipher-4' }
    const headerBytes = Buffer.from(canonicalJson(header), 'utf8')
    const dbBytes = statSync(copy).size
    const db = hashPages(copy)
    const audit = c.db.prepare('SELECT COUNT(*) AS n, (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS head FROM audit_log').get() as {
      n: number
      head: string | null
    }
    const manifest: CaseFileManifest = {
      format: FORMAT,
      case: { id: c.id, name: c.name, createdAt: c.createdAt, schemaVersion: c.schemaVersion },
      exportedAt: opts.now(),
      exportedBy: opts.actor,
      header: sha256(headerBytes),
      database: { bytes: dbBytes, pageSize: PAGE, sha256: db.sha256, pageHashes: db.pages },
      // The copy ends with the checkpoint's own record; the export's record comes after it.
      audit: { entries: audit.n, headHash: audit.head },
      checkpoint
    }
    const signature = { signer: opts.signer.descriptor, value: opts.signer.sign(Buffer.from(canonicalJson(manifest), 'utf8')).toString('base64') }
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', keys.manifest, iv)
    cipher.setAAD(Buffer.concat([CASE_FILE_MAGIC, headerBytes]))
    const sealedBody = Buffer.concat([cipher.update(canonicalJson({ manifest, signature } satisfies Sealed), 'utf8'), cipher.final()])
    const envelope = Buffer.concat([iv, cipher.getAuthTag(), sealedBody])
    const prefix = Buffer.concat([CASE_FILE_MAGIC, u32(headerBytes.length), headerBytes, createHash('sha256').update(headerBytes).digest(), u32(envelope.length), envelope])
    const fileHash = writeContainer(out, prefix, copy, rules)
    const bytes = prefix.length + dbBytes
    audited(
      c.db,
      c.id,
      opts.now,
      () => null,
      () => ({
        actor: opts.actor,
        action: 'export.case',
        target: basename(out),
        details: { path: out, sha256: fileHash, bytes, checkpoint: checkpoint.number, signer: signerSummary(opts.signer.descriptor) }
      })
    )
    return {
      path: out,
      bytes,
      sha256: fileHash,
      checkpoint: { number: checkpoint.number, firstSeq: checkpoint.firstSeq, lastSeq: checkpoint.lastSeq, headHash: checkpoint.headHash },
      signer: { kind: opts.signer.descriptor.kind, subject: opts.signer.descriptor.subject, fingerprint: opts.signer.descriptor.fingerprint }
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/**
 * A consistent copy of the open case, encrypted under `key` instead of the case key. VACUUM INTO
 * writes the copy through SQLCipher under the case key; the copy is then attached to the same
 * connection (an ATTACH without KEY takes the main database's key) and re-keyed in place.
 */
function copyReKeyed(c: WritableCaseDb, path: string, key: string): void {
  const quoted = `'${path.replace(/'/g, "''")}'`
  c.db.exec(`VACUUM INTO ${quoted}`)
  c.db.exec(`ATTACH DATABASE ${quoted} AS lastmile_export`)
  try {
    // The copy is a standalone file for one reader: no WAL, so it opens read-only anywhere.
    c.db.pragma('lastmile_export.journal_mode = DELETE')
    c.db.pragma(`lastmile_export.rekey = '${key}'`)
  } finally {
    c.db.exec('DETACH DATABASE lastmile_export')
  }
}

function hashPages(path: string): { sha256: string; pages: string[] } {
  const fd = openSync(path, 'r')
  try {
    const whole = createHash('sha256')
    const pages: string[] = []
    const buf = Buffer.alloc(PAGE * 256)
    let n: number
    let pos = 0
    while ((n = readSync(fd, buf, 0, buf.length, pos)) > 0) {
      const chunk = buf.subarray(0, n)
      whole.update(chunk)
      for (let o = 0; o < n; o += PAGE)
        pages.push(
          createHash('sha256')
            .update(chunk.subarray(o, Math.min(n, o + PAGE)))
            .digest('hex')
        )
      pos += n
    }
    return { sha256: whole.digest('hex'), pages }
  } finally {
    closeSync(fd)
  }
}

/** Write prefix + database, streaming, atomically (see writeOutputFile). Returns the file's SHA-256. */
function writeContainer(out: string, prefix: Buffer, dbPath: string, rules: OutputRules): string {
  const hash = createHash('sha256')
  writeOutputFile(
    out,
    (write) => {
      const hashed = (b: Buffer): void => {
        hash.update(b)
        write(b)
      }
      hashed(prefix)
      const src = openSync(dbPath, 'r')
      try {
        const buf = Buffer.alloc(1 << 20)
        let n: number
        let pos = 0
        while ((n = readSync(src, buf, 0, buf.length, pos)) > 0) {
          hashed(buf.subarray(0, n))
          pos += n
        }
      } finally {
        closeSync(src)
      }
    },
    { ...rules, mode: 0o600 }
  )
  return hash.digest('hex')
}

// ---- reading ----------------------------------------------------------------------------------

export interface CaseFileVerification {
  ok: boolean
  kind: 'case-file'
  file: string
  /** the first problem, in words (names the part of the file); null when ok */
  problem: string | null
  case: CaseFileManifest['case'] | null
  exportedAt: string | null
  exportedBy: Actor | null
  signer: { kind: SignerDescriptor['kind']; subject: string; fingerprint: string } | null
  checkpoint: { number: number; firstSeq: number; lastSeq: number; headHash: string } | null
  /** the audit chain and checkpoints inside the database */
  contents: CaseVerification | null
}

/** An opened case file: its manifest, and its database decrypted by SQLCipher from a private temporary copy. */
export interface OpenedCaseFile {
  manifest: CaseFileManifest
  signer: SignerDescriptor
  caseDb: CaseDb
  /** the temporary (still encrypted) database; removed by close() */
  tempPath: string
  /** the SQLCipher passphrase of the temporary database (derived from the export passphrase), to open it again */
  databaseKey: string
  close(): void
}

function isCaseFile(head: Buffer): boolean {
  return head.length >= CASE_FILE_MAGIC.length && head.subarray(0, CASE_FILE_MAGIC.length).equals(CASE_FILE_MAGIC)
}

/**
 * A first line that differs from the magic in a few bytes only: a case file whose first line was
 * altered (named as tampered), not some other file (a case database starts with 16 random bytes).
 */
function alteredMagic(head: Buffer): boolean {
  const differ = bytesDiffering(head, CASE_FILE_MAGIC)
  return differ > 0 && differ <= 3
}

/** How many of a file's first bytes differ from `magic` (all of them when the file is shorter). */
export function bytesDiffering(head: Buffer, magic: Buffer): number {
  if (head.length < magic.length) return magic.length
  let differ = 0
  for (let i = 0; i < magic.length; i++) if (head[i] !== magic[i]) differ++
  return differ
}

/** A case file, or one whose first line was altered (verifying it then names the tampering). */
export function looksLikeCaseFile(head: Buffer): boolean {
  return isCaseFile(head) || alteredMagic(head)
}

interface Parsed {
  header: Header
  headerBytes: Buffer
  envelope: { start: number; end: number }
  dbStart: number
  size: number
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len)
  const n = readSync(fd, b, 0, len, pos)
  return b.subarray(0, n)
}

/** The plaintext framing: magic, header (checked against its hash), the envelope's place. */
function parseFrame(path: string, fd: number): Parsed {
  const size = fstatSync(fd).size
  const magic = readAt(fd, 0, CASE_FILE_MAGIC.length)
  if (alteredMagic(magic))
    throw new TamperError(
      `${path}: its first line (bytes 0–${CASE_FILE_MAGIC.length - 1}) was altered: it reads ${JSON.stringify(magic.toString('latin1').trimEnd())}, not "LASTMILE CASE FILE 1"`
    )
  if (!isCaseFile(magic)) throw new LastmileError('not-a-case', `${path}: not a Lastmile case file (it does not start with "LASTMILE CASE FILE 1")`)
  let p = CASE_FILE_MAGIC.length
  const hlen = readAt(fd, p, 4)
  if (hlen.length < 4) throw new TamperError(`${path}: the case file is cut off inside its header (byte ${p})`)
  const h = hlen.readUInt32BE()
  if (h > 64 * 1024 || p + 4 + h + 32 > size) throw new TamperError(`${path}: the header length at byte ${p} is damaged (${h} bytes)`)
  p += 4
  const headerBytes = readAt(fd, p, h)
  const headerHash = readAt(fd, p + h, 32)
  if (!createHash('sha256').update(headerBytes).digest().equals(headerHash)) {
    throw new TamperError(`${path}: the header (bytes ${p}–${p + h + 31}) was altered: it does not match its checksum`)
  }
  let header: Header
  try {
    header = JSON.parse(headerBytes.toString('utf8')) as Header
  } catch {
    throw new TamperError(`${path}: the header (bytes ${p}–${p + h - 1}) is not valid JSON`)
  }
  if (header.format !== FORMAT)
    throw new LastmileError('conflict', `${path}: case file format ${String(header.format)} is not one this Lastmile reads (${FORMAT}); upgrade Lastmile`)
  const k = header.kdf
  // Bounds keep a hostile header from asking for gigabytes of scrypt memory.
  if (k?.name !== 'scrypt' || !(k.N >= 1 << 14 && k.N <= 1 << 20 && (k.N & (k.N - 1)) === 0) || !(k.r >= 1 && k.r <= 16) || !(k.p >= 1 && k.p <= 4)) {
    throw new TamperError(`${path}: the header's key-derivation parameters are out of range`)
  }
  p += h + 32
  const mlenBytes = readAt(fd, p, 4)
  if (mlenBytes.length < 4) throw new TamperError(`${path}: the case file is cut off before its manifest (byte ${p})`)
  const m = mlenBytes.readUInt32BE()
  if (m < 29 || p + 4 + m > size) throw new TamperError(`${path}: the manifest length at byte ${p} is damaged (${m} bytes in a file of ${size})`)
  return { header, headerBytes, envelope: { start: p + 4, end: p + 4 + m }, dbStart: p + 4 + m, size }
}

/** Derive the keys and open the manifest; a wrong passphrase and a damaged manifest are told apart. */
function unseal(path: string, fd: number, frame: Parsed, passphrase: string): { sealed: Sealed; keys: Keys } {
  const keys = deriveKeys(passphrase, frame.header.kdf)
  const expected = Buffer.from(frame.header.keyCheck ?? '', 'base64')
  const actual = Buffer.from(keyCheck(keys), 'base64')
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new LastmileError('wrong-key', `${path}: the export passphrase is wrong (it does not open this case file)`)
  }
  const env = readAt(fd, frame.envelope.start, frame.envelope.end - frame.envelope.start)
  const where = `the manifest (bytes ${frame.envelope.start}–${frame.envelope.end - 1})`
  let plain: Buffer
  try {
    const d = createDecipheriv('aes-256-gcm', keys.manifest, env.subarray(0, 12))
    d.setAAD(Buffer.concat([CASE_FILE_MAGIC, frame.headerBytes]))
    d.setAuthTag(env.subarray(12, 28))
    plain = Buffer.concat([d.update(env.subarray(28)), d.final()])
  } catch {
    throw new TamperError(`${path}: ${where} was altered: it does not decrypt and authenticate`)
  }
  let sealed: Sealed
  try {
    sealed = JSON.parse(plain.toString('utf8')) as Sealed
  } catch {
    throw new TamperError(`${path}: ${where} is not valid JSON`)
  }
  if (sealed.manifest?.format !== FORMAT) throw new TamperError(`${path}: ${where} is not a Lastmile manifest`)
  return { sealed, keys }
}

/** Everything that does not need the database opened: the signature, the header binding, every page's hash. */
function checkSealed(path: string, fd: number, frame: Parsed, sealed: Sealed): void {
  const { manifest, signature } = sealed
  const sig = verifySigned(signature.signer, Buffer.from(canonicalJson(manifest), 'utf8'), Buffer.from(signature.value ?? '', 'base64'))
  if (!sig.ok) throw new TamperError(`${path}: the manifest's signature does not verify: ${sig.reason}`)
  if (manifest.header !== sha256(frame.headerBytes)) throw new TamperError(`${path}: the header is not the one the manifest was signed with`)
  const dbLen = frame.size - frame.dbStart
  if (dbLen !== manifest.database.bytes) {
    throw new TamperError(
      `${path}: the database section (from byte ${frame.dbStart}) is ${dbLen} bytes, but the manifest says ${manifest.database.bytes}: the file was ${dbLen < manifest.database.bytes ? 'cut short' : 'extended'}`
    )
  }
  const whole = createHash('sha256')
  const buf = Buffer.alloc(PAGE * 256)
  let page = 0
  for (let pos = frame.dbStart; pos < frame.size; ) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, frame.size - pos), pos)
    if (n <= 0) break
    const chunk = buf.subarray(0, n)
    whole.update(chunk)
    for (let o = 0; o < n; o += PAGE, page++) {
      const h = createHash('sha256')
        .update(chunk.subarray(o, Math.min(n, o + PAGE)))
        .digest('hex')
      if (h !== manifest.database.pageHashes[page]) {
        const start = pos + o
        throw new TamperError(
          `${path}: database page ${page + 1} (bytes ${start}–${Math.min(frame.size, start + PAGE) - 1} of the file) was altered: its hash is not the one in the signed manifest`
        )
      }
    }
    pos += n
  }
  if (whole.digest('hex') !== manifest.database.sha256) throw new TamperError(`${path}: the database section does not match the signed manifest's hash`)
}

/**
 * Open a case file for review: check everything, then open its database read-only from a
 * private temporary copy (still encrypted). Tampering is a LastmileError naming the part.
 */
export function openCaseFile(path: string, exportPassphrase: string): OpenedCaseFile {
  const fd = openFile(path)
  let tempDir: string | null = null
  try {
    const frame = parseFrame(path, fd)
    const { sealed, keys } = unseal(path, fd, frame, exportPassphrase)
    checkSealed(path, fd, frame, sealed)
    tempDir = mkdtempSync(join(tmpdir(), 'lastmile-review-'))
    chmodSync(tempDir, 0o700)
    const tempPath = join(tempDir, `${sealed.manifest.case.id}.lmcase`)
    copyRange(fd, frame.dbStart, frame.size, tempPath)
    const caseDb = openCaseDb(tempPath, keys.database, { readOnly: true })
    const m = sealed.manifest
    const mismatch = contentsMismatch(caseDb, m)
    if (mismatch) {
      caseDb.close()
      throw new TamperError(`${path}: ${mismatch}`)
    }
    const dir = tempDir
    return {
      manifest: m,
      signer: sealed.signature.signer,
      caseDb,
      tempPath,
      databaseKey: keys.database,
      close: () => {
        caseDb.close()
        rmSync(dir, { recursive: true, force: true })
      }
    }
  } catch (e) {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true })
    if (e instanceof TamperError) throw new CaseFileTampered(e.message)
    if (e instanceof LastmileError) throw e
    throw new LastmileError('not-a-case', `${path}: cannot read the case file (${(e as Error).message})`)
  } finally {
    closeSync(fd)
  }
}

/** The database must be the case the manifest describes, ending where the manifest's checkpoint says. */
function contentsMismatch(c: CaseDb, m: CaseFileManifest): string | null {
  if (c.id !== m.case.id) return `the database holds case ${c.id}, but the manifest describes case ${m.case.id}`
  const last = lastCheckpoint(c.db)
  if (!last || last.signature !== m.checkpoint.signature) return `the database does not hold the checkpoint the manifest names (no. ${m.checkpoint.number})`
  const audit = c.db.prepare('SELECT COUNT(*) AS n, (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS head FROM audit_log').get() as { n: number; head: string | null }
  if (audit.n !== m.audit.entries || audit.head !== m.audit.headHash)
    return `the database's audit trail (${audit.n} entries) is not the one the manifest records (${m.audit.entries})`
  return null
}

function openFile(path: string): number {
  try {
    if (!statSync(path).isFile()) throw new LastmileError('not-a-case', `${path}: not a file`)
    return openSync(path, 'r')
  } catch (e) {
    if (e instanceof LastmileError) throw e
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new LastmileError('not-found', `${path}: no such file`)
    throw new LastmileError('unavailable', `${path}: cannot read the file: ${fsReason(e)}`)
  }
}

function copyRange(fd: number, start: number, end: number, to: string): void {
  const out = openSync(to, 'wx', 0o600)
  try {
    const buf = Buffer.alloc(1 << 20)
    for (let pos = start; pos < end; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos)
      if (n <= 0) break
      let off = 0
      while (off < n) off += writeSync(out, buf, off, n - off)
      pos += n
    }
  } finally {
    closeSync(out)
  }
}

/**
 * `lastmile verify CASEFILE`: every check of openCaseFile, then the audit chain and checkpoints
 * inside. Bad input (not a case file, wrong passphrase) throws; tampering is a result with ok false.
 */
export function verifyCaseFile(path: string, exportPassphrase: string, opts: { expectSigner?: string } = {}): CaseFileVerification {
  const result: CaseFileVerification = {
    ok: false,
    kind: 'case-file',
    file: path,
    problem: null,
    case: null,
    exportedAt: null,
    exportedBy: null,
    signer: null,
    checkpoint: null,
    contents: null
  }
  let opened: OpenedCaseFile
  try {
    opened = openCaseFile(path, exportPassphrase)
  } catch (e) {
    if (e instanceof CaseFileTampered) return { ...result, problem: e.message }
    throw e
  }
  try {
    const m = opened.manifest
    result.case = m.case
    result.exportedAt = m.exportedAt
    result.exportedBy = m.exportedBy
    result.signer = { kind: opened.signer.kind, subject: opened.signer.subject, fingerprint: opened.signer.fingerprint }
    result.checkpoint = { number: m.checkpoint.number, firstSeq: m.checkpoint.firstSeq, lastSeq: m.checkpoint.lastSeq, headHash: m.checkpoint.headHash }
    // every page was checked against the signed manifest when the file was opened
    const contents = verifyCase(opened.caseDb.db, opened.caseDb.id, { ...opts, pages: false })
    result.contents = contents
    if (opts.expectSigner && opened.signer.fingerprint.toUpperCase() !== opts.expectSigner.toUpperCase()) {
      return { ...result, problem: `${path}: the manifest is signed by ${opened.signer.subject} (${opened.signer.fingerprint}), not the expected key ${opts.expectSigner}` }
    }
    if (!contents.ok) return { ...result, problem: `${path}: inside the case: ${contents.firstBad?.reason ?? 'the audit trail does not verify'}` }
    return { ...result, ok: true }
  } finally {
    opened.close()
  }
}
