// The checks that change states on their own, run before every workflow operation and when the
// board or the queue is read on a writable case, each change with its audit entry (by the engine):
// 1. expired risk acceptances and suppressions reopen their findings, and findings still in a plan
//    with a decision (recorded by `findings decide` before it took the workflow's path) leave it;
// 2. later imports decide remediated findings (closed, or reopened) and flag closed ones that came
//    back (regression) — validation by rescan, as imports arrive;
// 3. approvals whose verdict or evidence changed since are void (the finding waits for a new one);
// 4. a planned or approved finding whose resource's configuration changed after its plan was made
//    has drifted: its plan is re-rendered from the new evidence before anyone runs it.
import type { Actor } from '../../shared/model'
import type { OpenCaseDb } from '../db/case-db'
import { isLastmileError } from '../errors'
import { inputsHash, readFixInputs } from '../remediate'
import { basisChange, currentBasis } from './basis'
import { expireDecisions } from './decisions'
import { createPlan, planBasis, targetOf, type PlanOptions } from './plans'
import { ENGINE, findingsWhere, planRef, transition, workflowTx } from './store'
import { applyRescans } from './validation'

export interface ReconcileOptions {
  guardrails?: PlanOptions['guardrails']
  /** the playbooks, loaded only when a drifted plan is re-rendered */
  playbooks?: () => PlanOptions['playbooks']
}

export function reconcile(c: OpenCaseDb, now: () => string, opts: ReconcileOptions = {}): string[] {
  if (c.readOnly) return []
  const db = c.db
  const changes: string[] = []

  // through the partial index findings_decision_expires (a plain WHERE, ordered by id, scans every finding)
  const expiring = findingsWhere(db, 'f.id IN (SELECT x.id FROM findings x WHERE x.decision_expires IS NOT NULL)')
  if (expiring.some((f) => Date.parse(f.decisionExpires!) <= Date.parse(now()))) changes.push(...workflowTx(c, now, (tx) => expireDecisions(tx, expiring)))

  // a decision leaves its plan in its own transaction (decisions.ts); one `findings decide` recorded
  // before it took that path, in a case made then, leaves it here
  const decided = findingsWhere(db, "f.decision IS NOT NULL AND w.state IN ('planned', 'approved', 'rejected', 'routed', 'failed', 'reopened', 'regression')")
  if (decided.length) {
    changes.push(
      ...workflowTx(c, now, (tx) =>
        decided.map((f) => {
          const why = `${f.decision} by ${f.decisionActor?.kind === 'person' ? f.decisionActor.name : 'unknown'}: ${f.decisionReason ?? ''}`
          if (f.planId !== null)
            tx.db
              .prepare("UPDATE approvals SET void_at = ?, void_reason = ? WHERE plan_id = ? AND finding_id = ? AND void_at IS NULL AND decision = 'approved'")
              .run(tx.at, why, f.planId, f.id)
          transition(tx, f, 'withdraw', { actor: ENGINE, plan: null, reason: why })
          return `${f.ref}: left its plan — ${why}`
        })
      )
    )
  }

  const fixed = findingsWhere(db, "w.state IN ('remediated', 'closed')")
  if (fixed.length) changes.push(...workflowTx(c, now, (tx) => applyRescans(tx, fixed, ENGINE)))

  const approved = findingsWhere(db, "w.state = 'approved'")
  const voids: Array<{ f: (typeof approved)[number]; approval: number; why: string }> = []
  for (const f of approved) {
    const a = db
      .prepare(
        "SELECT id, verdict, evidence, basis_hash FROM approvals WHERE plan_id = ? AND finding_id = ? AND decision = 'approved' AND void_at IS NULL ORDER BY id DESC LIMIT 1"
      )
      .get(f.planId, f.id) as { id: number; verdict: typeof f.verdict; evidence: string; basis_hash: string } | undefined
    const why = a ? basisChange({ verdict: a.verdict, evidence: JSON.parse(a.evidence) as string[], hash: a.basis_hash }, currentBasis(db, f)) : 'its approval is missing'
    if (why) voids.push({ f, approval: a?.id ?? 0, why })
  }
  if (voids.length) {
    changes.push(
      ...workflowTx(c, now, (tx) =>
        voids.map(({ f, approval, why }) => {
          if (approval) tx.db.prepare('UPDATE approvals SET void_at = ?, void_reason = ? WHERE id = ?').run(tx.at, why, approval)
          tx.audit({
            actor: ENGINE,
            action: 'approval.void',
            target: `D-${approval}`,
            details: { finding: f.ref, plan: f.planId === null ? null : planRef(f.planId), reason: why }
          })
          transition(tx, f, 'void', { actor: ENGINE, reason: `approval void: ${why}` })
          return `${f.ref}: approval void — ${why}`
        })
      )
    )
  }

  for (const f of findingsWhere(db, "w.state IN ('planned', 'approved') AND w.plan_id IS NOT NULL")) {
    const recorded = planBasis(db, f.planId!, f.id)
    if (!recorded || !recorded.inputsHash) continue
    let now_: string
    try {
      now_ = inputsHash(readFixInputs(db, targetOf(f)))
    } catch (e) {
      if (isLastmileError(e)) continue
      throw e
    }
    if (now_ === recorded.inputsHash) continue
    // a drift that could not be re-rendered is marked with the configuration's hash, once
    const mark = `[configuration ${now_.slice(0, 12)}]`
    if (f.stateReason?.includes(mark)) continue
    const old = planRef(f.planId!)
    const requester = JSON.parse((db.prepare('SELECT requested_by FROM remediation_plans WHERE id = ?').get(f.planId) as { requested_by: string }).requested_by) as Actor
    const reason = `drift: the configuration of ${f.resourceId} changed after ${old} was rendered; re-rendered from the new evidence`
    try {
      const p = createPlan(c, f.ref, { actor: ENGINE, now, requestedBy: requester, reason, guardrails: opts.guardrails, playbooks: opts.playbooks?.() ?? null })
      changes.push(`${f.ref}: ${reason} as ${p.id}`)
    } catch (e) {
      if (!isLastmileError(e)) throw e
      // the new configuration leaves nothing to render (already fixed by hand, say): stop the old plan
      changes.push(
        ...workflowTx(c, now, (tx) => {
          tx.db
            .prepare("UPDATE approvals SET void_at = ?, void_reason = ? WHERE plan_id = ? AND finding_id = ? AND void_at IS NULL AND decision = 'approved'")
            .run(tx.at, `drift: ${e.message}`, f.planId, f.id)
          transition(tx, f, f.state === 'approved' ? 'void' : 'drift', { actor: ENGINE, reason: `drift: ${e.message} ${mark}` })
          return [`${f.ref}: the configuration changed after ${old} was rendered and no new plan can be made: ${e.message}`]
        })
      )
    }
  }
  return changes
}
