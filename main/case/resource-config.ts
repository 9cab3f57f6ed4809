// The configuration a fix is computed from: the latest configuration facet the evidence store
// holds for a resource (main/db/migrations/0030-evidence.ts `evidence_facts`). getFacts() gives
// summaries for people (open ranges, a policy's text); a fix needs the configuration itself —
// every inbound rule of a security group, the exact policy — and the bundle it came from, so a
// plan can say "as collected on …" and drift can be told from a changed configuration.
import type { Db } from '../db/case-db'
import { evidenceKeyOf } from '../semantics/ids'
import { latestFacet, resourcesWithFacet, type StoredFacet } from './facets'
import type { FacetName } from '../semantics/facets'

export type { StoredFacet } from './facets'

/**
 * The newest value of `facet` for the resource (any id form: normalised to its evidence key), by the
 * bundles' collection time (of a merged row, the later file).
 */
export function latestConfig<K extends FacetName>(db: Db, resourceId: string, facet: K): StoredFacet<K> | null {
  return latestFacet(db, evidenceKeyOf(resourceId), facet)
}

/** Every resource the evidence holds a `facet` configuration for (the buckets of a case, …). */
export function configuredResources(db: Db, facet: FacetName): string[] {
  return resourcesWithFacet(db, facet)
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
