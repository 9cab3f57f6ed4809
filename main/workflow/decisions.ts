// Risk acceptance and suppression: a person's decision to leave a finding as it is, with its
// justification, the approver (the person recording it, who must hold the approver or admin role)
// and an expiry. They live in the findings table's decision columns, which imports never touch,
// with their history in decision_history; `suppress`, `accept-risk`, `clear-decision` and the
// findings table's `findings decide` all write them here. An accepted or suppressed finding leaves any plan it was in; when its
// decision expires the finding is reopened automatically (reconcile.ts).
import { APPROVER_ROLES, type Actor } from '../../shared/model'
import { canonicalJson } from '../audit/canonical'
import type { WritableCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { describeState } from './states'
import { ENGINE, findingById, requireRole, transition, workflowTx, type Tx, type WfFinding } from './store'

export interface DecisionOptions {
  actor: Actor
  now: () => string
  reason: string
  /** ISO date or time; required for a risk acceptance */
  expires?: string | null
}

/**
 * When a decision lapses: an ISO time, in the future; required for a risk acceptance, optional for
 * a suppression. A date already past would record a decision that lapses at once (the next
 * reconciliation reopens the finding), so it is refused rather than taken.
 */
function decisionExpiry(expires: string | null | undefined, now: string, required: boolean, ref: string): string | null {
  if (!expires) {
    if (required) throw new LastmileError('bad-input', `${ref}: a risk acceptance needs an expiry (--expires 2027-06-30): accepted risks are reviewed, not forgotten`)
    return null
  }
  const t = Date.parse(expires)
  if (!Number.isFinite(t)) throw new LastmileError('bad-input', `--expires ${expires}: not a date (use 2027-06-30 or an ISO time)`)
  if (t <= Date.parse(now)) throw new LastmileError('bad-input', `--expires ${expires}: the expiry must be in the future`)
  return new Date(t).toISOString()
}

/**
 * Leave the plan (its approval is void) and record the decision, in the caller's transaction; a
 * decision the finding already had is replaced (its history row ends, the audit entry names it).
 */
function writeDecision(tx: Tx, f: WfFinding, decision: 'suppressed' | 'risk-accepted', reason: string, actor: Actor, expires: string | null): void {
  if (f.state !== 'new') {
    if (f.planId !== null) {
      tx.db
        .prepare("UPDATE approvals SET void_at = ?, void_reason = ? WHERE plan_id = ? AND finding_id = ? AND void_at IS NULL AND decision = 'approved'")
        .run(tx.at, `${decision === 'suppressed' ? 'suppressed' : 'risk accepted'}: ${reason}`, f.planId, f.id)
    }
    transition(tx, f, 'withdraw', { actor, plan: null, reason: `${decision}: ${reason}` })
  }
  const replaces = f.decision ? { decision: f.decision, by: f.decisionActor, at: f.decisionAt, expires: f.decisionExpires, reason: f.decisionReason } : null
  if (replaces) tx.db.prepare('UPDATE decision_history SET ended_at = ?, end_reason = ? WHERE finding_id = ? AND ended_at IS NULL').run(tx.at, `replaced: ${reason}`, f.id)
  const by = canonicalJson(actor)
  tx.db
    .prepare('UPDATE findings SET decision = ?, decision_reason = ?, decision_actor = ?, decision_at = ?, decision_expires = ? WHERE id = ?')
    .run(decision, reason, by, tx.at, expires, f.id)
  tx.db.prepare('INSERT INTO decision_history (finding_id, decision, reason, approver, at, expires) VALUES (?, ?, ?, ?, ?, ?)').run(f.id, decision, reason, by, tx.at, expires)
  tx.audit({ actor, action: `finding.${decision}`, target: f.ref, details: { reason, expires, approver: actor, previousState: f.state, ...(replaces ? { replaces } : {}) } })
}

/**
 * Suppress a finding or accept its risk (`suppress`, `accept-risk`). A finding that already has a
 * decision is refused ("clear it first") unless `replace` (the findings table's decision, below).
 */
export function recordDecision(
  c: WritableCaseDb,
  ref: string,
  decision: 'suppressed' | 'risk-accepted',
  opts: DecisionOptions,
  { replace = false }: { replace?: boolean } = {}
): WfFinding {
  const what = decision === 'suppressed' ? 'suppress a finding' : "accept a finding's risk"
  requireRole(c.db, opts.actor, APPROVER_ROLES, what)
  const reason = opts.reason.trim()
  if (!reason) throw new LastmileError('bad-input', `${ref}: say why (--reason TEXT): the justification is recorded with the decision`)
  const f = findingById(c.db, ref)
  if (f.state === 'remediated' || f.state === 'closed') {
    throw new LastmileError('conflict', `${f.ref} is ${describeState(f.state)}: validate it instead of ${decision === 'suppressed' ? 'suppressing it' : 'accepting its risk'}`)
  }
  if (f.decision && !replace)
    throw new LastmileError(
      'conflict',
      `${f.ref} is already ${f.decision === 'suppressed' ? 'suppressed' : 'risk-accepted'} (by ${f.decisionActor?.name}, ${f.decisionReason}); clear it first (lastmile clear-decision)`
    )
  return workflowTx(c, opts.now, (tx) => {
    const expires = decisionExpiry(opts.expires, tx.at, decision === 'risk-accepted', f.ref)
    writeDecision(tx, f, decision, reason, opts.actor, expires)
    return findingById(tx.db, f.ref)
  })
}

/**
 * The findings table's decision (`findings decide`; the app's Suppress, Accept the risk and Clear,
 * on one finding or a selection): the rules and records of `suppress`, `accept-risk` and
 * `clear-decision` (the approver role, a reason, an expiry for an accepted risk, no decision on a
 * fixed finding, the plan left at once, the history), with what a table needs besides: a decision
 * already recorded is replaced in the same transaction, so an approver extends an acceptance
 * without the finding reopening in between.
 */
export function decideFinding(c: WritableCaseDb, ref: string, decision: 'suppressed' | 'risk-accepted' | null, opts: DecisionOptions): WfFinding {
  return decision === null ? clearDecision(c, ref, opts) : recordDecision(c, ref, decision, opts, { replace: true })
}

/** End a decision early: the finding is open again, where it was before (`new`). */
export function clearDecision(c: WritableCaseDb, ref: string, opts: Omit<DecisionOptions, 'expires'>): WfFinding {
  requireRole(c.db, opts.actor, APPROVER_ROLES, 'clear a decision')
  const reason = opts.reason.trim()
  if (!reason) throw new LastmileError('bad-input', `${ref}: say why the decision ends (--reason TEXT)`)
  const f = findingById(c.db, ref)
  if (!f.decision) throw new LastmileError('conflict', `${f.ref} is neither suppressed nor risk-accepted: there is no decision to clear`)
  return workflowTx(c, opts.now, (tx) => {
    endDecision(tx, f, 'cleared', reason, opts.actor)
    return findingById(tx.db, f.ref)
  })
}

function endDecision(tx: Tx, f: WfFinding, how: 'cleared' | 'expired', reason: string, actor: Actor): void {
  tx.db.prepare('UPDATE findings SET decision = NULL, decision_reason = NULL, decision_actor = NULL, decision_at = NULL, decision_expires = NULL WHERE id = ?').run(f.id)
  tx.db.prepare('UPDATE decision_history SET ended_at = ?, end_reason = ? WHERE finding_id = ? AND ended_at IS NULL').run(tx.at, `${how}: ${reason}`, f.id)
  tx.audit({
    actor,
    action: `finding.decision-${how}`,
    target: f.ref,
    details: { decision: f.decision, reason, was: { by: f.decisionActor, at: f.decisionAt, expires: f.decisionExpires, reason: f.decisionReason } }
  })
}

/**
 * Reopen every finding whose acceptance or suppression has expired (any of them, whoever wrote
 * it). Returns one line per finding reopened.
 */
export function expireDecisions(tx: Tx, findings: WfFinding[]): string[] {
  const out: string[] = []
  for (const f of findings) {
    if (!f.decision || !f.decisionExpires || Date.parse(f.decisionExpires) > Date.parse(tx.at)) continue
    const what = f.decision === 'risk-accepted' ? 'risk acceptance' : 'suppression'
    const why = `the ${what} by ${f.decisionActor?.kind === 'person' ? f.decisionActor.name : 'unknown'} expired on ${f.decisionExpires}`
    endDecision(tx, f, 'expired', why, ENGINE)
    // `findings decide` once took a decision on a finding in any state (cases from before it came
    // here); one already fixed keeps its state (its validation decides), any other is reopened
    if (f.state === 'remediated' || f.state === 'closed') {
      out.push(`${f.ref}: ${why}; it stays ${describeState(f.state)}`)
      continue
    }
    if (f.state !== 'new') transition(tx, f, 'withdraw', { actor: ENGINE, plan: null, reason: why })
    transition(tx, f, 'expire', { actor: ENGINE, plan: null, reason: why })
    out.push(`${f.ref}: reopened — ${why}`)
  }
  return out
}
