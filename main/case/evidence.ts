// The case's evidence register, read: the bundles added, the files they hold, and a stored file's
// bytes. The evidence stage writes it (main/evidence/service.ts, store.ts); the investigate stage,
// the workflow and the front ends read it here.
import type { EvidenceBundleSummary, EvidenceFileSummary } from '../../shared/evidence'
import type { Db } from '../db/case-db'
import { LastmileError } from '../errors'

export function listBundles(db: Db): EvidenceBundleSummary[] {
  const rows = db.prepare('SELECT * FROM evidence_bundles ORDER BY seq').all() as Array<Record<string, string | number | null>>
  return rows.map((r) => ({
    id: String(r.id),
    collectedAt: String(r.collected_at),
    collector: JSON.parse(String(r.collector)),
    window: r.window_from && r.window_to ? { from: String(r.window_from), to: String(r.window_to) } : null,
    files: Number(r.files),
    bytes: Number(r.bytes),
    storedBytes: Number(r.stored_bytes),
    addedAt: String(r.added_at),
    source: String(r.source_path)
  }))
}

/** The case's evidence files, optionally of one bundle. */
export function listEvidence(db: Db, bundleId?: string): EvidenceFileSummary[] {
  const rows = (
    bundleId
      ? db.prepare('SELECT f.*, b.added_at FROM evidence_files f JOIN evidence_bundles b ON b.id = f.bundle_id WHERE f.bundle_id = ? ORDER BY f.path').all(bundleId)
      : db.prepare('SELECT f.*, b.added_at FROM evidence_files f JOIN evidence_bundles b ON b.id = f.bundle_id ORDER BY b.seq, f.path').all()
  ) as Array<Record<string, string | number | null>>
  return rows.map((r) => ({
    id: String(r.id),
    kind: String(r.kind),
    path: String(r.path),
    sha256: String(r.sha256),
    bytes: Number(r.bytes),
    addedAt: String(r.added_at),
    bundle: String(r.bundle_id),
    stored: String(r.stored),
    status: String(r.status),
    problem: r.problem === null ? null : `${r.place ? `${r.place}: ` : ''}${r.problem}`
  }))
}

/** The bytes of a stored evidence file, or null when only its hash is kept. */
export function readEvidenceBytes(db: Db, fileId: string): Buffer | null {
  const f = db.prepare('SELECT stored, duplicate_of FROM evidence_files WHERE id = ?').get(fileId) as { stored: string; duplicate_of: string | null } | undefined
  if (!f) throw new LastmileError('not-found', `evidence file ${fileId}: not in this case`)
  if (f.stored === 'duplicate' && f.duplicate_of) return readEvidenceBytes(db, f.duplicate_of)
  if (f.stored !== 'blob') return null
  const rows = db.prepare('SELECT data FROM evidence_blobs WHERE file_id = ? ORDER BY seq').all(fileId) as Array<{ data: Buffer }>
  return Buffer.concat(rows.map((r) => r.data))
}
