// Reading the evidence facets the evidence stage stored (`evidence_facts`, migration 0030), typed by
// facet name (main/semantics/facets.ts). Part of the case read model, below the stages: the step
// functions, the fix renderers and the evidence stage's own facts read a facet the same way.
import type { Db } from '../db/case-db'
import { keptStatement } from '../db/statements'
import type { FacetMap, FacetName } from '../semantics/facets'

/** One stored facet value with where it came from. */
export interface StoredFacet<K extends FacetName> {
  value: FacetMap[K]
  /** evidence file ids it was read from */
  evidence: string[]
  bundle: string
  /** the bundle's collection time, as its manifest says it */
  collectedAt: string
}

/**
 * A stored value, as the values it holds: one bundle describing a resource twice (two files naming
 * the same bucket) stores both as `{merged: [...]}`, in file order.
 */
export function facetValues(stored: string): unknown[] {
  const v = JSON.parse(stored) as unknown
  const merged = (v as { merged?: unknown[] } | null)?.merged
  return Array.isArray(merged) ? merged : [v]
}

/**
 * The newest value of `facet` for a resource (its evidence key), by the bundles' collection time;
 * of a merged row the later file wins. null when no bundle holds the facet for it.
 */
export function latestFacet<K extends FacetName>(db: Db, resourceId: string, facet: K): StoredFacet<K> | null {
  const row = keptStatement(
    db,
    `SELECT f.value, f.evidence, f.bundle_id, b.collected_at FROM evidence_facts f JOIN evidence_bundles b ON b.id = f.bundle_id
     WHERE f.resource_id = ? AND f.facet = ? ORDER BY b.collected_at DESC, b.seq DESC LIMIT 1`
  ).get(resourceId, facet) as { value: string; evidence: string; bundle_id: string; collected_at: string } | undefined
  if (!row) return null
  const values = facetValues(row.value)
  return { value: values[values.length - 1] as FacetMap[K], evidence: JSON.parse(row.evidence) as string[], bundle: row.bundle_id, collectedAt: row.collected_at }
}

/** Every resource (evidence key) any bundle holds `facet` for, sorted. */
export function resourcesWithFacet(db: Db, facet: FacetName): string[] {
  const rows = db.prepare('SELECT DISTINCT resource_id FROM evidence_facts WHERE facet = ? ORDER BY resource_id').all(facet) as Array<{ resource_id: string }>
  return rows.map((r) => r.resource_id)
}
