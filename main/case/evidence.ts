// The case's evidence register, read: the bundles added, the files they hold, a stored file's
// bytes, and where the evidence ends (the end every playbook's look-back is measured from). The evidence stage writes it (main/evidence/service.ts, store.ts); the investigate stage,
// the workflow and the front ends read it here.
import { createHash } from 'node:crypto'
import type { EvidenceBundleSummary, EvidenceFileSummary } from '../../shared/evidence'
import type { Db } from '../db/case-db'
import { LastmileError } from '../errors'

const DAY_MS = 86_400_000
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z')

/** The end of the evidence: the latest window end (or collection time) over the case's bundles. */
export function evidenceEnd(db: Db): string | null {
  const ends = listBundles(db)
    .map((b) => Date.parse(b.window?.to ?? b.collectedAt))
    .filter(Number.isFinite)
  return ends.length ? iso(Math.max(...ends)) : null
}

/** A playbook's look-back, ending where the evidence ends (never at the wall clock). */
export function playbookWindow(evidenceEnd: string | null, days: number): { from: string; to: string } | null {
  if (!evidenceEnd) return null
  const to = Date.parse(evidenceEnd)
  if (!Number.isFinite(to)) return null
  return { from: iso(to - days * DAY_MS), to: iso(to) }
}

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

/**
 * The bytes of a stored evidence file, or null when only its hash is kept. They are checked
 * against the SHA-256 recorded when the file was added (a sealed row) before anything is drawn
 * from them: a plan or an investigation never builds on bytes changed outside Lastmile.
 */
export function readEvidenceBytes(db: Db, fileId: string): Buffer | null {
  const f = db.prepare('SELECT path, stored, duplicate_of, sha256 FROM evidence_files WHERE id = ?').get(fileId) as
    | { path: string; stored: string; duplicate_of: string | null; sha256: string }
    | undefined
  if (!f) throw new LastmileError('not-found', `evidence file ${fileId}: not in this case`)
  if (f.stored === 'duplicate' && f.duplicate_of) return readEvidenceBytes(db, f.duplicate_of)
  if (f.stored !== 'blob') return null
  const rows = db.prepare('SELECT data FROM evidence_blobs WHERE file_id = ? ORDER BY seq').all(fileId) as Array<{ data: Buffer }>
  const bytes = Buffer.concat(rows.map((r) => r.data))
  if (createHash('sha256').update(bytes).digest('hex') !== f.sha256)
    throw new LastmileError(
      'conflict',
      `evidence file ${f.path} (${fileId}): its stored bytes do not hash to the SHA-256 recorded when it was added: the case was changed outside Lastmile (lastmile verify names what)`
    )
  return bytes
}
