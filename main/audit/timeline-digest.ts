// The evidence timeline is not in the state seal: one row per log event, and sealing each would
// double the cost of adding a large bundle (state-tables.ts). Its rows are written once, by the
// bundle's `evidence.add`, and never changed; so that entry records the digest of every row it
// wrote (`details.timeline`: how many, and their SHA-256), and verification recomputes it. A
// timeline event added, removed or reworded with the case key — which the signed PDF report would
// print among the evidence — is named by its bundle. Bundles added before the digest have none.
import { createHash } from 'node:crypto'
import type { Db } from '../db/case-db'

export interface TimelineDigest {
  events: number
  sha256: string
}

/** The columns hashed, in order: everything a row says but its id. */
const COLUMNS = 'time, source, actor, action, resource_id, summary, file_id, place, kind, raw'

/**
 * SHA-256 over one JSON array of a bundle's timeline row values a line, in id order, as the case
 * holds them (read back, so that what is written and what is verified are hashed alike).
 */
export function timelineDigest(db: Db, bundleId: string): TimelineDigest {
  const hash = createHash('sha256')
  let events = 0
  for (const row of db.prepare(`SELECT ${COLUMNS} FROM evidence_timeline WHERE bundle_id = ? ORDER BY id`).raw().iterate(bundleId) as IterableIterator<unknown[]>) {
    hash.update(`${JSON.stringify(row)}\n`)
    events++
  }
  return { events, sha256: hash.digest('hex') }
}

export interface TimelineProblem {
  bundle: string
  seq: number
  reason: string
}

/** Every bundle whose `evidence.add` entry recorded a timeline digest, recomputed. */
export function verifyTimelines(db: Db): TimelineProblem[] {
  const problems: TimelineProblem[] = []
  const added = db.prepare("SELECT seq, target, details FROM audit_log WHERE action = 'evidence.add' ORDER BY seq").all() as Array<{ seq: number; target: string; details: string }>
  for (const e of added) {
    let recorded: Partial<TimelineDigest> | undefined
    try {
      recorded = (JSON.parse(e.details) as { timeline?: Partial<TimelineDigest> }).timeline
    } catch {
      continue // an entry that is not JSON: the chain check names it
    }
    if (!recorded || typeof recorded.sha256 !== 'string') continue
    const now = timelineDigest(db, e.target)
    if (now.sha256 === recorded.sha256) continue
    const count = now.events === recorded.events ? `its ${now.events} events` : `it holds ${now.events} events, not the ${recorded.events} it was written with, and they`
    problems.push({
      bundle: e.target,
      seq: e.seq,
      reason: `the timeline drawn from evidence bundle ${e.target} was changed outside Lastmile: ${count} no longer hash to what audit entry ${e.seq} (evidence.add) recorded`
    })
  }
  return problems
}
