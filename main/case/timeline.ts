// The evidence timeline: every evidence record that matters, as events on the resources they
// touch (CLI.md `timeline CASE ID --json`). The renderer's timeline view reads the same rows.
import type { Db } from '../db/case-db'
import { keptStatement } from '../db/statements'
import { LastmileError } from '../errors'
import { parseRef } from './refs'
import { evidenceKeyOf } from '../semantics/ids'
import type { TimelineEvent } from '../../shared/evidence'

export interface TimelineQuery {
  from?: string
  to?: string
  /** only these sources (aws.cloudtrail, aws.s3-access-logs, …) */
  sources?: readonly string[]
  /** only these actors */
  actors?: readonly string[]
  /** include daily summaries (default true) */
  summaries?: boolean
  limit?: number
}

interface Row {
  id: number
  time: string
  source: string
  actor: string
  action: string
  resource_id: string
  summary: string
  file_id: string
  path: string
  place: string
  kind: 'event' | 'daily-summary'
}

/** Events on these resources, oldest first. */
export function timelineForResources(db: Db, resourceIds: readonly string[], q: TimelineQuery = {}): TimelineEvent[] {
  const keys = [...new Set(resourceIds.map(evidenceKeyOf))]
  if (!keys.length) return []
  const where = [`t.resource_id IN (${keys.map(() => '?').join(',')})`]
  const args: unknown[] = [...keys]
  if (q.from) {
    where.push('t.time >= ?')
    args.push(q.from)
  }
  if (q.to) {
    where.push('t.time <= ?')
    args.push(q.to)
  }
  if (q.sources?.length) {
    where.push(`t.source IN (${q.sources.map(() => '?').join(',')})`)
    args.push(...q.sources)
  }
  if (q.actors?.length) {
    where.push(`t.actor IN (${q.actors.map(() => '?').join(',')})`)
    args.push(...q.actors)
  }
  if (q.summaries === false) where.push("t.kind = 'event'")
  const limit = Math.min(Math.max(q.limit ?? 10_000, 1), 100_000)
  const rows = keptStatement(
    db,
    `SELECT t.id, t.time, t.source, t.actor, t.action, t.resource_id, t.summary, t.file_id, f.path, t.place, t.kind
     FROM evidence_timeline t JOIN evidence_files f ON f.id = t.file_id
     WHERE ${where.join(' AND ')} ORDER BY t.time, t.id LIMIT ${limit}`
  ).all(...args) as Row[]
  return rows.map((r) => ({
    id: r.id,
    time: r.time,
    source: r.source,
    actor: r.actor,
    action: r.action,
    resource: r.resource_id,
    summary: r.summary,
    evidence: r.file_id,
    path: r.path,
    place: r.place,
    kind: r.kind
  }))
}

/**
 * The resources of a finding (`F-12`) or an initiative (`I-3`), by canonical id, read from the
 * ingest stage's tables.
 */
export function resourcesOfRef(db: Db, ref: string): string[] {
  const r = parseRef(ref)
  const rows =
    r.kind === 'finding'
      ? (db.prepare('SELECT r.canonical_id FROM findings f JOIN resources r ON r.id = f.resource_id WHERE f.id = ?').all(r.id) as Array<{ canonical_id: string }>)
      : (db.prepare('SELECT DISTINCT r.canonical_id FROM findings f JOIN resources r ON r.id = f.resource_id WHERE f.initiative_id = ?').all(r.id) as Array<{
          canonical_id: string
        }>)
  if (!rows.length) {
    const exists = r.kind === 'finding' ? db.prepare('SELECT 1 FROM findings WHERE id = ?').get(r.id) : db.prepare('SELECT 1 FROM initiatives WHERE id = ?').get(r.id)
    if (!exists) throw new LastmileError('not-found', `${ref}: no such ${r.kind} in this case`)
  }
  return rows.map((x) => x.canonical_id)
}

/** CLI.md `timeline CASE ID`: the evidence timeline of a finding or an initiative. */
export function timelineOf(db: Db, ref: string, q: TimelineQuery = {}): TimelineEvent[] {
  return timelineForResources(db, resourcesOfRef(db, ref), q)
}
