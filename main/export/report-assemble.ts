import type { Actor } from '../../shared/model'
import { listCheckpoints, verifyCase, type Checkpoint } from '../audit/checkpoint'
import { signerSummary, type SignerDescriptor } from '../audit/checkpoint-signer'
import type { CaseDb } from '../db/case-db'
import type { ReportContext, ReportContributor } from '../report/contributor'
import { actorLabel, type ReportData } from '../report/data'
import { evidenceReportContributor } from '../evidence/report'
import { ingestReportContributor } from '../ingest/report'
import { investigateReportContributor } from '../investigate/report'
import { remediationReportContributor } from '../workflow/report'

/** One line a domain. (The case, its audit trail and its checkpoints are assembled below.) */
export const REPORT_CONTRIBUTORS: ReportContributor[] = [ingestReportContributor, evidenceReportContributor, investigateReportContributor, remediationReportContributor]

export interface AssembleOptions {
  generatedAt: string
  generatedBy: Actor
  classification?: string
  /** the checkpoint written for this export */
  checkpoint?: Checkpoint | null
  pdfSigner?: SignerDescriptor | null
  contributors?: readonly ReportContributor[]
  /** entries listed in the appendix's "most recent" table */
  recentEntries?: number
}

/** Everything the report shows, read from the case as it is now. */
export function assembleReportData(c: CaseDb, opts: AssembleOptions): ReportData {
  const db = c.db
  // the trail, checkpoints and state the report prints; not every page of the file (a page the
  // report reads and that does not authenticate stops it; `lastmile verify` reads them all)
  const verification = verifyCase(db, c.id, { pages: false })
  const range = db.prepare('SELECT MIN(seq) AS first, MAX(seq) AS last, COUNT(*) AS n FROM audit_log').get() as {
    first: number | null
    last: number | null
    n: number
  }
  const at = (seq: number | null): { time: string; hash: string } | undefined =>
    seq === null ? undefined : (db.prepare('SELECT time, hash FROM audit_log WHERE seq = ?').get(seq) as { time: string; hash: string } | undefined)
  const first = at(range.first)
  const last = at(range.last)
  const byAction = db.prepare('SELECT action, COUNT(*) AS count FROM audit_log GROUP BY action ORDER BY count DESC, action').all() as Array<{
    action: string
    count: number
  }>
  const byActor = (db.prepare('SELECT actor, COUNT(*) AS count FROM audit_log GROUP BY actor ORDER BY count DESC').all() as Array<{ actor: string; count: number }>).map((r) => ({
    actor: labelOf(r.actor),
    count: r.count
  }))
  const recent = (
    db.prepare('SELECT seq, time, actor, action, target, hash FROM audit_log ORDER BY seq DESC LIMIT ?').all(opts.recentEntries ?? 40) as Array<{
      seq: number
      time: string
      actor: string
      action: string
      target: string
      hash: string
    }>
  ).map((r) => ({ ...r, actor: labelOf(r.actor) }))

  const data: ReportData = {
    generatedAt: opts.generatedAt,
    generatedBy: opts.generatedBy,
    classification: (opts.classification ?? '').trim(),
    case: { id: c.id, name: c.name, createdAt: c.createdAt, schemaVersion: c.schemaVersion },
    period: { from: first?.time ?? null, to: last?.time ?? null },
    scope: { providers: [], accounts: [], regions: [], tools: [], imports: [] },
    findings: [],
    initiatives: [],
    evidence: [],
    audit: {
      entries: range.n,
      firstSeq: range.first,
      lastSeq: range.last,
      fromTime: first?.time ?? null,
      toTime: last?.time ?? null,
      headHash: last?.hash ?? null,
      verified: verification.ok,
      firstBad: verification.firstBad?.reason ?? null,
      byAction,
      byActor,
      recent,
      people: { owner: verification.people.owner, fourEyes: verification.people.fourEyes, decisions: verification.people.decisions }
    },
    checkpoint: opts.checkpoint ?? null,
    checkpoints: listCheckpoints(db).map((cp) => ({
      number: cp.number,
      firstSeq: cp.firstSeq,
      lastSeq: cp.lastSeq,
      headHash: cp.headHash,
      fromTime: cp.fromTime,
      toTime: cp.toTime,
      createdAt: cp.createdAt,
      signer: signerSummary(cp.signer)
    })),
    pdfSigner: opts.pdfSigner ? signerSummary(opts.pdfSigner) : null,
    recorded: []
  }
  const ctx: ReportContext = { c, generatedAt: opts.generatedAt, generatedBy: opts.generatedBy }
  for (const contributor of opts.contributors ?? REPORT_CONTRIBUTORS) {
    contributor.contribute(ctx, data)
    for (const s of contributor.fills) if (!data.recorded.includes(s)) data.recorded.push(s)
  }
  return data
}

function labelOf(actorJson: string): string {
  try {
    return actorLabel(JSON.parse(actorJson) as Actor)
  } catch {
    return actorJson
  }
}
