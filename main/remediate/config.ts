// The configuration a fix is computed from: the latest configuration facet the evidence store
// holds for a resource (main/db/migrations/0030-evidence.ts `evidence_facts`). getFacts() gives
// summaries for people (open ranges, a policy's text); a fix needs the configuration itself —
// every inbound rule of a security group, the exact policy — and the bundle it came from, so a
// plan can say "as collected on …" and drift can be told from a changed configuration.
import type { Db } from '../db/case-db'
import { evidenceKeyOf } from '../semantics/ids'

export interface ConfigFact<T> {
  value: T
  /** evidence file ids it was read from */
  evidence: string[]
  bundle: string
  collectedAt: string
}

/** The newest value of `facet` for the resource, by the bundles' collection time. */
export function latestConfig<T>(db: Db, resourceId: string, facet: string): ConfigFact<T> | null {
  const row = db
    .prepare(
      `SELECT f.value, f.evidence, f.bundle_id, b.collected_at FROM evidence_facts f JOIN evidence_bundles b ON b.id = f.bundle_id
       WHERE f.resource_id = ? AND f.facet = ? ORDER BY b.collected_at DESC, b.seq DESC LIMIT 1`
    )
    .get(evidenceKeyOf(resourceId), facet) as { value: string; evidence: string; bundle_id: string; collected_at: string } | undefined
  if (!row) return null
  const parsed = JSON.parse(row.value) as unknown
  // One bundle describing a resource twice stores both ({merged: [...]}); the later file wins.
  const merged = (parsed as { merged?: unknown[] } | null)?.merged
  const value = (Array.isArray(merged) ? merged[merged.length - 1] : parsed) as T
  return { value, evidence: JSON.parse(row.evidence) as string[], bundle: row.bundle_id, collectedAt: row.collected_at }
}

/** Every resource the evidence holds a `facet` configuration for (the buckets of a case, …). */
export function configuredResources(db: Db, facet: string): string[] {
  const rows = db.prepare('SELECT DISTINCT resource_id FROM evidence_facts WHERE facet = ? ORDER BY resource_id').all(facet) as Array<{ resource_id: string }>
  return rows.map((r) => r.resource_id)
}

/** Evidence file ids → `bundle path` labels people can find (for plan comments and packages). */
export function evidenceLabels(db: Db, ids: readonly string[]): string[] {
  if (!ids.length) return []
  const stmt = db.prepare('SELECT id, path, sha256 FROM evidence_files WHERE id = ?')
  return ids.map((id) => {
    const r = stmt.get(id) as { id: string; path: string; sha256: string } | undefined
    return r ? `${r.path} (sha256 ${r.sha256.slice(0, 12)}…)` : id
  })
}
