// What a person does with the finding list: a triage decision on one finding, and the list as
// CSV for a spreadsheet. (The list itself is the case read model, main/case/findings.ts.)
import type { Decision, FindingView } from '../../shared/ingest'
import type { Actor } from '../../shared/model'
import { canonicalJson } from '../audit/canonical'
import { audited } from '../audit/chain'
import type { Db, WritableCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { APPROVER_ROLES, requireCaseRole } from '../identity/case-people'
import { decisionExpiry } from '../case/decision-expiry'
import { getFinding, listFindings } from '../case/findings'
import { parseFindingRef } from '../case/refs'
import { toCsv } from './csv-writer'

/**
 * A person's decision on a finding: suppress it (optionally until a date), or accept its risk
 * until a date, or clear a decision (null). Imports never write these columns, so a rescan cannot
 * undo them.
 */
export function setFindingDecision(
  c: WritableCaseDb,
  ref: string,
  decision: Decision | null,
  reason: string,
  actor: Actor,
  now: () => string,
  expires: string | null = null
): FindingView {
  // who may: as for the workflow's suppress, accept-risk and clear-decision (a decision leaves the
  // finding unfixed and takes it out of any plan, so it is an approver's, not any analyst's)
  requireCaseRole(c.db, actor, APPROVER_ROLES, decision === null ? 'clear a decision' : decision === 'suppressed' ? 'suppress a finding' : "accept a finding's risk")
  const id = parseFindingRef(ref)
  if (decision !== null && !reason.trim()) throw new LastmileError('bad-input', `${ref}: a decision needs a reason`)
  // the same rule as the workflow's accept-risk and suppress: a risk acceptance lapses, and not before it is recorded
  const at = now()
  const until = decision === null ? null : decisionExpiry(expires, at, decision === 'risk-accepted', ref)
  audited(
    c.db,
    c.id,
    now,
    () => {
      const row = c.db.prepare('SELECT decision FROM findings WHERE id = ?').get(id) as { decision: Decision | null } | undefined
      if (!row) throw new LastmileError('not-found', `${ref}: no such finding in this case`)
      c.db
        .prepare('UPDATE findings SET decision = ?, decision_reason = ?, decision_actor = ?, decision_at = ?, decision_expires = ? WHERE id = ?')
        .run(decision, decision === null ? null : reason.trim(), decision === null ? null : canonicalJson(actor), decision === null ? null : at, until, id)
      return row.decision
    },
    (before) => ({
      actor,
      action: decision === null ? 'finding.decision.clear' : `finding.${decision}`,
      target: ref,
      details: { before, decision, reason: reason.trim(), expires: until }
    })
  )
  return getFinding(c.db, ref)
}

/** Findings as CSV for a spreadsheet; cells that look like formulas are neutralised. */
export function findingsCsv(db: Db): string {
  const rows = listFindings(db).map((f) => [
    f.id,
    f.control,
    f.title,
    f.severity,
    f.status,
    f.regression ? 'yes' : 'no',
    f.resource.id,
    f.resource.type,
    f.resource.account,
    f.resource.region,
    f.resource.environment,
    [...new Set(f.alerts.map((a) => a.tool))].join(' '),
    f.alerts.length,
    f.initiative,
    f.firstSeen,
    f.lastSeen,
    f.decision?.decision ?? null,
    f.decision?.reason ?? null
  ])
  return toCsv(
    [
      'id',
      'control',
      'title',
      'severity',
      'status',
      'regression',
      'resource',
      'resource_type',
      'account',
      'region',
      'environment',
      'tools',
      'alerts',
      'initiative',
      'first_seen',
      'last_seen',
      'decision',
      'decision_reason'
    ],
    rows
  )
}
