// Writing a bundle into the case: one transaction holding the bundle, its files (and their bytes),
// coverage, facts, links, timeline events and the audit entry. A failure anywhere leaves the case
// exactly as it was.
import { createHash } from 'node:crypto'
import { closeSync, openSync, readSync } from 'node:fs'
import type { Actor } from '../../shared/model'
import { audited } from '../audit/chain'
import { canonicalJson } from '../audit/canonical'
import { timelineDigest } from '../audit/timeline-digest'
import type { Db, WritableCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import type { BundleAnalysis } from './analyze'
import type { BundleFile, VerifiedBundle } from '../semantics/bundle'
import type { EvidenceLimits } from '../semantics/limits'
import { iso } from '../semantics/time'

const bundleIdOf = (manifestSha256: string): string => `evb-${manifestSha256.slice(0, 32)}`
const fileIdOf = (bundleId: string, path: string): string => `evf-${createHash('sha256').update(`${bundleId}\n${path}`).digest('hex').slice(0, 32)}`

/** 1 MiB per blob row: one row never needs the whole file in memory, on the way in or out. */
const BLOB_CHUNK = 1024 * 1024

type StoredAs = 'blob' | 'hash-only' | 'duplicate'

export interface StorePlan {
  stored: Map<string, StoredAs>
  duplicateOf: Map<string, string>
}

/**
 * Which files keep their bytes in the case. Why not all: a 90-day CloudTrail export runs to
 * gigabytes, and a case must stay small enough to mail to an auditor. Every file up to
 * `maxStoredFileBytes` (all inventories, most single log files) is kept whole until the bundle has
 * used `maxStoredBundleBytes`; the rest are kept as their SHA-256 plus every fact, coverage figure
 * and timeline event drawn from them (with the raw record of each timeline event), which is what
 * the investigation uses. Files whose bytes are already in the case are linked, not stored twice.
 */
export function planStorage(db: Db, bundle: VerifiedBundle, limits: EvidenceLimits): StorePlan {
  const stored = new Map<string, StoredAs>()
  const duplicateOf = new Map<string, string>()
  const findDup = db.prepare("SELECT id FROM evidence_files WHERE sha256 = ? AND stored != 'duplicate' ORDER BY rowid LIMIT 1")
  const seen = new Map<string, string>()
  let budget = limits.maxStoredBundleBytes
  for (const f of bundle.files) {
    const dup = (findDup.get(f.sha256) as { id: string } | undefined)?.id
    if (dup) {
      stored.set(f.path, 'duplicate')
      duplicateOf.set(f.path, dup)
      continue
    }
    const inBundle = seen.get(f.sha256)
    if (inBundle) {
      stored.set(f.path, 'duplicate')
      duplicateOf.set(f.path, inBundle)
      continue
    }
    if (f.bytes <= limits.maxStoredFileBytes && f.bytes <= budget) {
      stored.set(f.path, 'blob')
      budget -= f.bytes
    } else stored.set(f.path, 'hash-only')
    seen.set(f.sha256, f.path)
  }
  return { stored, duplicateOf }
}

export interface AddResult {
  bundleId: string
  files: number
  bytes: number
  storedBytes: number
  problems: number
  coverage: number
  facts: number
  events: number
  notes: string[]
}

function isoOrNull(t: number | null): string | null {
  return t === null || !Number.isFinite(t) ? null : iso(t)
}

/** Write one analysed bundle and its audit entry, atomically. */
export function storeBundle(
  c: WritableCaseDb,
  bundle: VerifiedBundle,
  analysis: BundleAnalysis,
  plan: StorePlan,
  opts: { actor: Actor; now: () => string; sourcePath: string }
): AddResult {
  const db = c.db
  const bundleId = bundleIdOf(bundle.manifestSha256)
  const existing = db.prepare('SELECT added_at FROM evidence_bundles WHERE manifest_sha256 = ?').get(bundle.manifestSha256) as { added_at: string } | undefined
  if (existing) throw new LastmileError('exists', `${opts.sourcePath}: this evidence bundle is already in the case (added ${existing.added_at}); a bundle is added once`)
  const idOfPath = new Map<string, string>()
  for (const f of bundle.files) {
    const dup = plan.duplicateOf.get(f.path)
    // An in-bundle duplicate points at its twin in this bundle.
    idOfPath.set(f.path, fileIdOf(bundleId, f.path))
    if (dup && !dup.startsWith('evf-')) plan.duplicateOf.set(f.path, fileIdOf(bundleId, dup))
  }
  const ids = (paths: readonly string[]): string[] => [...new Set(paths.map((p) => idOfPath.get(p)).filter((x): x is string => !!x))]

  return audited(
    db,
    c.id,
    opts.now,
    () => {
      const m = bundle.manifest
      const seq = ((db.prepare('SELECT MAX(seq) AS s FROM evidence_bundles').get() as { s: number | null }).s ?? 0) + 1
      const bytes = bundle.files.reduce((n, f) => n + f.bytes, 0)
      const storedBytes = bundle.files.filter((f) => plan.stored.get(f.path) === 'blob').reduce((n, f) => n + f.bytes, 0)
      db.prepare(
        `INSERT INTO evidence_bundles (id, seq, manifest_sha256, manifest, source_path, collected_at, collector, window_from, window_to, scopes, files, bytes, stored_bytes, notes, added_at, added_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      ).run(
        bundleId,
        seq,
        bundle.manifestSha256,
        bundle.manifestText,
        opts.sourcePath,
        m.collectedAt,
        canonicalJson(m.collector),
        m.window?.from ?? null,
        m.window?.to ?? null,
        canonicalJson(m.scopes ?? []),
        bundle.files.length,
        bytes,
        storedBytes,
        JSON.stringify(bundle.notes),
        opts.now(),
        canonicalJson(opts.actor)
      )
      const insFile = db.prepare(
        `INSERT INTO evidence_files (id, bundle_id, path, kind, provider, scope, sha256, bytes, stored, duplicate_of, status, place, problem, records, first_time, last_time)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      const insBlob = db.prepare('INSERT INTO evidence_blobs (file_id, seq, data) VALUES (?, ?, ?)')
      let problems = 0
      // Twins first: a duplicate row references the row it duplicates.
      const ordered = [...bundle.files].sort((a, b) => Number(plan.stored.get(a.path) === 'duplicate') - Number(plan.stored.get(b.path) === 'duplicate'))
      for (const f of ordered) {
        const r = analysis.files.get(f.path)
        const stored = plan.stored.get(f.path) ?? 'hash-only'
        const status = r?.status ?? (stored === 'duplicate' ? 'read' : 'ignored')
        if (status === 'problem') problems++
        insFile.run(
          idOfPath.get(f.path)!,
          bundleId,
          f.path,
          f.kind,
          f.provider,
          f.scope,
          f.sha256,
          f.bytes,
          stored,
          stored === 'duplicate' ? (plan.duplicateOf.get(f.path) ?? null) : null,
          status,
          r?.place ?? null,
          r?.problem ?? (stored === 'duplicate' ? 'the same bytes are already in the case; read once' : null),
          r?.records ?? 0,
          isoOrNull(r?.first ?? null),
          isoOrNull(r?.last ?? null)
        )
        if (stored === 'blob') storeBytes(insBlob, idOfPath.get(f.path)!, f)
      }
      const insCov = db.prepare('INSERT INTO evidence_coverage (bundle_id, source, resource_id, first_time, last_time, records, detail) VALUES (?, ?, ?, ?, ?, ?, ?)')
      for (const row of analysis.coverage) {
        insCov.run(
          bundleId,
          row.source,
          row.resourceId,
          isoOrNull(row.first),
          isoOrNull(row.last),
          row.records,
          JSON.stringify({ ...row.detail, files: ids(row.detail.files), problems: row.detail.problems.map((p) => ({ ...p, evidence: idOfPath.get(p.file) ?? null })) })
        )
      }
      // Facets of one resource from several readers of the same kind merge before storing
      // (one row per bundle, resource and facet).
      const insFact = db.prepare('INSERT INTO evidence_facts (bundle_id, resource_id, facet, value, evidence) VALUES (?, ?, ?, ?, ?)')
      const facts = new Map<string, { resourceId: string; facet: string; values: unknown[]; evidence: string[] }>()
      for (const f of analysis.facts) {
        const k = `${f.resourceId}\n${f.facet}`
        const prev = facts.get(k)
        if (prev) {
          prev.values.push(f.value)
          prev.evidence.push(...f.evidence)
        } else facts.set(k, { resourceId: f.resourceId, facet: f.facet, values: [f.value], evidence: [...f.evidence] })
      }
      for (const f of facts.values()) {
        insFact.run(bundleId, f.resourceId, f.facet, JSON.stringify(f.values.length === 1 ? f.values[0] : { merged: f.values }), JSON.stringify(ids(f.evidence)))
      }
      const insLink = db.prepare('INSERT INTO evidence_links (bundle_id, kind, from_id, to_id, detail, evidence) VALUES (?, ?, ?, ?, ?, ?)')
      for (const l of analysis.links) insLink.run(bundleId, l.kind, l.from, l.to, l.detail, JSON.stringify(ids(l.evidence)))
      const insEvent = db.prepare(
        'INSERT INTO evidence_timeline (bundle_id, time, source, actor, action, resource_id, summary, file_id, place, kind, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
      )
      let events = 0
      const sorted = [...analysis.drafts].sort((a, b) => a.time - b.time)
      for (const d of sorted) {
        const fid = idOfPath.get(d.file)
        if (!fid || !Number.isFinite(d.time)) continue
        insEvent.run(bundleId, iso(d.time), d.source, d.actor, d.action, d.resource, d.summary, fid, d.place, d.place === 'daily summary' ? 'daily-summary' : 'event', d.raw)
        events++
      }
      return {
        // the entry records the digest of the rows as written: the timeline is not in the state seal
        timeline: timelineDigest(db, bundleId),
        bundleId,
        files: bundle.files.length,
        bytes,
        storedBytes,
        problems,
        coverage: analysis.coverage.length,
        facts: facts.size,
        events,
        notes: bundle.notes
      }
    },
    (r) => ({
      actor: opts.actor,
      action: 'evidence.add',
      target: r.bundleId,
      details: {
        source: opts.sourcePath,
        manifestSha256: bundle.manifestSha256,
        collector: bundle.manifest.collector,
        collectedAt: bundle.manifest.collectedAt,
        window: bundle.manifest.window ?? null,
        files: r.files,
        bytes: r.bytes,
        storedBytes: r.storedBytes,
        timeline: r.timeline,
        unreadableFiles: r.problems
      }
    })
  )
}

/**
 * Copy a file's bytes into the case in 1 MiB rows, hashing as it goes: the bytes stored must be
 * the bytes verified (a file changed between the check and the copy aborts the whole add).
 */
function storeBytes(ins: { run(...params: unknown[]): unknown }, fileId: string, f: BundleFile): void {
  const fd = openSync(f.abs, 'r')
  const h = createHash('sha256')
  try {
    let seq = 0
    let pos = 0
    for (;;) {
      const buf = Buffer.allocUnsafe(BLOB_CHUNK)
      const n = readSync(fd, buf, 0, BLOB_CHUNK, pos)
      if (n === 0) break
      const chunk = buf.subarray(0, n)
      h.update(chunk)
      ins.run(fileId, seq++, chunk)
      pos += n
    }
  } finally {
    closeSync(fd)
  }
  if (h.digest('hex') !== f.sha256) {
    throw new LastmileError('conflict', `${f.path}: the file changed while the bundle was being added; nothing was added`)
  }
}
