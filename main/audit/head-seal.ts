import type { Db, WritableDb } from '../db/case-db'
import { canonicalJson } from './canonical'
import { signerSummary, verifySigned, type SignerDescriptor, type SigningKey } from './checkpoint-signer'

/**
 * The head of the audit trail, sealed by this device's key on every write (issue 13: deleting the
 * last entries, which no checkpoint seals yet, left a shorter trail that verified).
 *
 * One row, replaced by each entry in the entry's own transaction: the seq and hash of the last
 * entry, signed by the device key. Someone holding the case key but not the device key cannot
 * make a seal for a shorter trail; the seals the device made before are overwritten. (Restoring
 * a whole earlier copy of the case, old seal included, is a backup restored, not detectable from
 * the file alone.)
 *
 * Only a connection given the device key seals (the app, where the OS keystore holds it); the
 * command line and the import and investigation workers have no keystore, so their entries leave
 * the seal behind until the app's next write — verify reports those entries as written after
 * the sealed head, not as a break. A seal is checked against the key it names; pinned to this
 * device's key when the verifier knows it (verify on the machine that wrote the case).
 */
const FORMAT = 'lastmile-head/1'

const sealers = new WeakMap<Db, SigningKey>()

/** Seal the head of this connection's trail with `key` at every entry from now on. */
export function sealHeadsWith(db: WritableDb, key: SigningKey): void {
  sealers.set(db, key)
}

export function headSigningBytes(caseId: string, seq: number, hash: string): Buffer {
  return Buffer.from(canonicalJson({ format: FORMAT, caseId, seq, hash }), 'utf8')
}

function hasTable(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_head'").get() !== undefined
}

/** Called by the chain for each entry it appends, inside the entry's transaction. */
export function sealHead(db: WritableDb, caseId: string, seq: number, hash: string): void {
  const key = sealers.get(db)
  if (!key || !hasTable(db)) return
  const signature = key.sign(headSigningBytes(caseId, seq, hash)).toString('base64')
  db.prepare('INSERT OR REPLACE INTO audit_head (one, seq, hash, signer, signature) VALUES (1, ?, ?, ?, ?)').run(seq, hash, canonicalJson(key.descriptor), signature)
}

export interface HeadVerification {
  /** the head the device sealed, null when no device has sealed this trail */
  sealed: { seq: number; signer: ReturnType<typeof signerSummary> } | null
  /** entries written after the sealed head (by the command line or a worker): not a break */
  after: number
  problem: { kind: 'entry'; seq: number; reason: string } | null
}

export function verifyHead(db: Db, caseId: string, opts: { expectDevice?: string } = {}): HeadVerification {
  if (!hasTable(db)) return { sealed: null, after: 0, problem: null }
  const row = db.prepare('SELECT seq, hash, signer, signature FROM audit_head WHERE one = 1').get() as { seq: number; hash: string; signer: string; signature: string } | undefined
  if (!row) return { sealed: null, after: 0, problem: null }
  const max = (db.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_log').pluck().get() as number) ?? 0
  const fail = (seq: number, reason: string): HeadVerification => ({ sealed: null, after: 0, problem: { kind: 'entry', seq, reason } })
  let signer: SignerDescriptor
  try {
    signer = JSON.parse(row.signer) as SignerDescriptor
  } catch {
    return fail(row.seq, 'the device seal of the trail’s head is not readable (it was edited outside Lastmile)')
  }
  const sig = verifySigned(signer, headSigningBytes(caseId, row.seq, row.hash), Buffer.from(row.signature, 'base64'))
  if (!sig.ok) return fail(row.seq, `the device seal of the trail’s head (entry ${row.seq}) does not verify: ${sig.reason}`)
  if (opts.expectDevice && signer.fingerprint?.toUpperCase() !== opts.expectDevice.toUpperCase()) {
    return fail(row.seq, `the trail’s head was sealed by the key ${signer.fingerprint}, not by this device’s key ${opts.expectDevice}: the seal was replaced`)
  }
  if (row.seq > max) {
    return fail(max + 1, `the audit trail ends at entry ${max}, but the device sealed its head at entry ${row.seq}: entries ${max + 1}–${row.seq} were removed`)
  }
  const at = db.prepare('SELECT hash FROM audit_log WHERE seq = ?').pluck().get(row.seq) as string | undefined
  if (at !== row.hash) return fail(row.seq, `entry ${row.seq} is not the head the device sealed: it was replaced`)
  return { sealed: { seq: row.seq, signer: signerSummary(signer) }, after: max - row.seq, problem: null }
}
