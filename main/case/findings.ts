// The findings read model: every finding of the case with its resource, alerts, decision and RCI
// steps, and each alert's original record. Below the stages: ingest writes these tables, and
// investigate, the workflow and the front ends read them through here.
import type { AlertRecordView, Decision, FindingView } from '../../shared/ingest'
import type { Actor, FindingStatus, InvestigationStep, Provider, RciVerdict } from '../../shared/model'
import type { Db } from '../db/case-db'
import { LastmileError } from '../errors'
import { readImportBytes } from './import-blocks'
import { findingRef, initiativeRef, parseFindingRef } from './refs'
import { modelSteps, rciDocument, rciStepsLookup } from './rci'
import { SEVERITY_BY_RANK } from './severity'

export type { Decision, FindingView, AlertRecordView } from '../../shared/ingest'

type FindingRow = {
  id: number
  control: string
  title: string
  status: 'open' | 'resolved'
  muted: number
  severity: number
  regression: number
  first_seen: string
  last_seen: string
  decision: Decision | null
  decision_reason: string | null
  decision_actor: string | null
  decision_at: string | null
  decision_expires: string | null
  initiative_id: number | null
  rci_verdict: RciVerdict
  r_id: string
  r_type: string
  r_provider: Provider
  r_account: string | null
  r_region: string | null
  r_name: string | null
  r_environment: string | null
  r_canonical: number
}

const SELECT_FINDINGS = `SELECT f.*, r.canonical_id AS r_id, r.type AS r_type, r.provider AS r_provider, r.account AS r_account,
  r.region AS r_region, r.name AS r_name, r.environment AS r_environment, r.canonical AS r_canonical
  FROM findings f JOIN resources r ON r.id = f.resource_id`

export interface FindingFilter {
  status?: FindingStatus
  initiative?: string
  control?: string
}

/** Every finding (optionally filtered), newest problems first within severity. */
export function listFindings(db: Db, filter: FindingFilter = {}): FindingView[] {
  const where: string[] = []
  const params: Record<string, unknown> = {}
  if (filter.control) {
    where.push('f.control = @control')
    params.control = filter.control
  }
  if (filter.initiative) {
    const m = /^I-(\d+)$/i.exec(filter.initiative)
    if (!m) throw new LastmileError('bad-input', `${filter.initiative}: not an initiative id (I-12)`)
    where.push('f.initiative_id = @ini')
    params.ini = Number(m[1])
  }
  const rows = db.prepare(`${SELECT_FINDINGS} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY f.severity DESC, f.id`).all(params) as FindingRow[]
  const alerts = alertsOf(db)
  const steps = rciStepsLookup(db)
  const out: FindingView[] = []
  for (const r of rows) {
    const v = toView(r, alerts, steps)
    if (filter.status && v.status !== filter.status) continue
    out.push(v)
  }
  return out
}

export function getFinding(db: Db, ref: string): FindingView {
  const id = parseFindingRef(ref)
  const row = db.prepare(`${SELECT_FINDINGS} WHERE f.id = ?`).get(id) as FindingRow | undefined
  if (!row) throw new LastmileError('not-found', `${ref}: no such finding in this case`)
  return toView(row, alertsOf(db), (id) => modelSteps(rciDocument(db, id)))
}

function alertsOf(db: Db): (findingId: number) => FindingView['alerts'] {
  const stmt = db.prepare(
    `SELECT a.id, a.tool, a.tool_finding_id, a.rule_id, a.last_import, a.outcome, a.tool_status, a.closed_at, a.last_seen
     FROM alerts a JOIN findings f ON a.control = f.control AND a.resource_id = f.resource_id WHERE f.id = ? ORDER BY a.tool, a.id`
  )
  return (findingId: number) =>
    (
      stmt.all(findingId) as Array<{
        id: number
        tool: string
        tool_finding_id: string
        rule_id: string
        last_import: string
        outcome: 'FAIL' | 'PASS' | 'INFO'
        tool_status: string
        closed_at: string | null
        last_seen: string
      }>
    ).map((a) => ({
      id: `A-${a.id}`,
      tool: a.tool,
      toolFindingId: a.tool_finding_id,
      ruleId: a.rule_id,
      import: a.last_import,
      outcome: a.outcome,
      toolStatus: a.tool_status,
      closed: a.closed_at !== null,
      lastSeen: a.last_seen
    }))
}

function toView(r: FindingRow, alerts: (findingId: number) => FindingView['alerts'], steps: (findingId: number) => InvestigationStep[]): FindingView {
  const status: FindingStatus = r.decision !== null || (r.status === 'open' && r.muted === 1) ? 'suppressed' : r.status
  return {
    id: findingRef(r.id),
    control: r.control,
    title: r.title,
    resource: {
      id: r.r_id,
      type: r.r_type,
      provider: r.r_provider,
      account: r.r_account,
      region: r.r_region,
      name: r.r_name,
      environment: r.r_environment,
      canonical: r.r_canonical === 1
    },
    alerts: alerts(r.id),
    severity: SEVERITY_BY_RANK[r.severity],
    status,
    regression: r.regression === 1,
    decision:
      r.decision !== null
        ? {
            decision: r.decision,
            reason: r.decision_reason ?? '',
            by: JSON.parse(r.decision_actor ?? 'null') as Actor,
            at: r.decision_at ?? '',
            expires: r.decision_expires
          }
        : null,
    rci: { verdict: r.rci_verdict, steps: steps(r.id) },
    initiative: r.initiative_id === null ? null : initiativeRef(r.initiative_id),
    firstSeen: r.first_seen,
    lastSeen: r.last_seen
  }
}

/** An alert's original record, byte for byte as the tool wrote it, and what surrounded it. */
export function alertRecord(db: Db, alertRef: string): AlertRecordView {
  const m = /^A-(\d+)$/i.exec(alertRef.trim())
  if (!m) throw new LastmileError('bad-input', `${alertRef}: not an alert id (A-123)`)
  const row = db
    .prepare(
      `SELECT a.last_import, a.raw_offset, a.raw_length, a.record_no, c.json AS context, i.format, i.header
       FROM alerts a JOIN imports i ON i.id = a.last_import LEFT JOIN alert_contexts c ON c.id = a.context_id WHERE a.id = ?`
    )
    .get(Number(m[1])) as
    | { last_import: string; raw_offset: number; raw_length: number; record_no: number; context: string | null; format: string; header: string | null }
    | undefined
  if (!row) throw new LastmileError('not-found', `${alertRef}: no such alert in this case`)
  const raw = readImportBytes(db, row.last_import, row.raw_offset, row.raw_length).toString('utf8')
  const context = row.context !== null ? (JSON.parse(row.context) as unknown) : row.header !== null ? { header: row.header } : null
  return { raw, context, import: row.last_import, record: row.record_no, format: row.format }
}
