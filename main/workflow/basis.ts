// What a decision stands on: the finding's RCI verdict and the evidence behind it. A plan records
// it when it is rendered, an approval when it is given; when either part changes afterwards the
// approval is void (the issue's rule), however small the change.
//
// The evidence is (a) the RCI document the investigate stage stored — its digest covers every
// step's answer and evidence — and (b) every evidence file the case holds about the resource (a
// new bundle describing it changes the facts even before the next investigation).
import { createHash } from 'node:crypto'
import type { RciVerdict } from '../../shared/model'
import { canonicalJson } from '../audit/canonical'
import type { Db } from '../db/case-db'
import { getFacts } from '../case/facts'
import { hasRciTables } from '../case/rci'
import type { WfFinding } from './store'

export interface Basis {
  verdict: RciVerdict
  /** the stored RCI document's digest, null when never investigated */
  rci: string | null
  /** evidence file ids: the RCI steps' and the resource's facts' */
  evidence: string[]
  hash: string
}

export function currentBasis(db: Db, f: WfFinding): Basis {
  let rci: string | null = null
  const evidence = new Set<string>()
  if (hasRciTables(db)) {
    const r = db.prepare('SELECT digest, document FROM rci_results WHERE finding_id = ?').get(f.id) as { digest: string; document: string } | undefined
    if (r) {
      rci = r.digest
      const doc = JSON.parse(r.document) as { steps?: Array<{ evidence?: string[] }> }
      for (const s of doc.steps ?? []) for (const e of s.evidence ?? []) evidence.add(e)
    }
  }
  for (const e of getFacts(db, f.resourceId).evidence) evidence.add(e)
  const list = [...evidence].sort()
  const hash = createHash('sha256')
    .update(canonicalJson({ verdict: f.verdict, rci, evidence: list }))
    .digest('hex')
  return { verdict: f.verdict, rci, evidence: list, hash }
}

/** Why a recorded basis no longer holds, or null when it does. */
export function basisChange(recorded: { verdict: RciVerdict; evidence: string[]; hash: string }, now: Basis): string | null {
  if (recorded.hash === now.hash) return null
  if (recorded.verdict !== now.verdict) return `the RCI verdict changed from ${recorded.verdict} to ${now.verdict}`
  const added = now.evidence.filter((e) => !recorded.evidence.includes(e))
  const removed = recorded.evidence.filter((e) => !now.evidence.includes(e))
  if (added.length || removed.length) return `the evidence changed (${added.length} file(s) added${removed.length ? `, ${removed.length} gone` : ''})`
  return 'the investigation was re-run with different answers'
}
