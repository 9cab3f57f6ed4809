// The configuration a fix is computed from: the latest configuration facet the evidence store
// holds for a resource (main/db/migrations/0030-evidence.ts `evidence_facts`). getFacts() gives
// summaries for people (open ranges, a policy's text); a fix needs the configuration itself —
// every inbound rule of a security group, the exact policy — and the bundle it came from, so a
// plan can say "as collected on …" and drift can be told from a changed configuration.
import type { Db } from '../db/case-db'
import { keptStatement } from '../db/statements'
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

/**
 * An IAM user's ARN as the credential report in evidence gives it. Tools often give the user's ARN
 * without its path (user/ci-bot for user/automation/ci-bot): the report's ARN, same account and
 * name, is the same user (a name is unique in an account, whatever the path). The ARN as given when
 * the report has it, or when no single user of the report matches.
 */
export function userArnInEvidence(db: Db, arn: string): string {
  const m = /^arn:([^:]+):iam::(\d{12}):user\/(.+)$/.exec(arn)
  if (!m || keptStatement(db, "SELECT 1 FROM evidence_facts WHERE resource_id = ? AND facet = 'iam.credential-report' LIMIT 1").get(arn)) return arn
  const name = m[3].split('/').pop()!
  const rows = keptStatement(db, "SELECT DISTINCT resource_id FROM evidence_facts WHERE facet = 'iam.credential-report' AND resource_id LIKE ?").all(
    `arn:${m[1]}:iam::${m[2]}:user/%`
  ) as Array<{
    resource_id: string
  }>
  const same = rows.map((r) => r.resource_id).filter((r) => r.split('/').pop() === name)
  return same.length === 1 ? same[0] : arn
}
