// The gate (DESIGN.md stage 4): who may let a fix run, and on what basis.
// - SAFE findings may be approved in bulk per plan; RISKY (and not-yet-investigated UNSCORED ones,
//   since absence of evidence is not evidence of safety) only one by one, each with its reason;
//   UNSAFE ones cannot be approved at all — they are routed.
// - An approval records who (name, role), when, the reason, and the verdict and evidence it stood
//   on. Four-eyes: the approver is not the person who requested the plan (per case, on by default).
// - An approval is void when the verdict or its evidence changes afterwards (reconcile.ts).
import { randomUUID } from 'node:crypto'
import { APPROVER_ROLES, type Actor, type RciVerdict } from '../../shared/model'
import type { ApprovalQueueItem, DecisionResult } from '../../shared/remediation'
import { canonicalJson } from '../audit/canonical'
import type { Db, WritableCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { basisChange, currentBasis } from './basis'
import { approvalView, planBasis, planRow } from './plans'
import { describeState } from './states'
import { findingsWhere, isSetAside, planRef, requireRole, samePerson, transition, workflowTx, type WfFinding } from './store'

export interface DecideOptions {
  actor: Actor
  now: () => string
  reason: string
  /** the findings decided on (F-12…); default: every finding of the plan waiting for a decision */
  findings?: string[]
}

function bulkable(v: RciVerdict): boolean {
  return v === 'SAFE'
}

/** Approve or reject findings of a plan. */
export function decide(c: WritableCaseDb, ref: string, decision: 'approved' | 'rejected', opts: DecideOptions): DecisionResult {
  const db = c.db
  const row = planRow(db, ref)
  const plan = planRef(row.id)
  const verb = decision === 'approved' ? 'approve' : 'reject'
  requireRole(db, opts.actor, APPROVER_ROLES, `${verb} a plan`)
  const reason = opts.reason.trim()
  if (!reason) throw new LastmileError('bad-input', `${plan}: a decision needs a reason (--reason TEXT)`)
  if (row.status !== 'active') {
    throw new LastmileError('conflict', `${plan} was superseded by P-${row.superseded_by} (${row.supersede_reason ?? 'a newer plan'}): decide on P-${row.superseded_by} instead`)
  }
  const inPlan = findingsWhere(db, 'f.id IN (SELECT finding_id FROM plan_findings WHERE plan_id = ?)', [row.id])
  const waiting = inPlan.filter((f) => f.planId === row.id && f.state === 'planned')
  let chosen: WfFinding[]
  if (opts.findings?.length) {
    chosen = opts.findings.map((r) => {
      const f = inPlan.find((x) => x.ref.toUpperCase() === r.trim().toUpperCase())
      if (!f) throw new LastmileError('bad-input', `${r}: not a finding of ${plan} (it holds ${inPlan.map((x) => x.ref).join(', ')})`)
      if (f.planId !== row.id) throw new LastmileError('conflict', `${f.ref} has moved to P-${f.planId}: decide on it there`)
      if (f.state !== 'planned') throw new LastmileError('conflict', `${f.ref} is ${describeState(f.state)}: only a planned finding waits for a decision`)
      return f
    })
  } else {
    chosen = waiting
    if (!chosen.length) throw new LastmileError('conflict', `${plan}: no finding is waiting for a decision (${inPlan.map((f) => `${f.ref} ${describeState(f.state)}`).join('; ')})`)
  }
  for (const f of chosen) {
    const aside = isSetAside(f)
    if (aside) throw new LastmileError('conflict', `${f.ref}: ${aside}`)
  }

  let pending: WfFinding[] = []
  if (decision === 'approved') {
    const requester = JSON.parse(row.requested_by) as Actor
    if (row.four_eyes === 1 && samePerson(requester, opts.actor)) {
      throw new LastmileError(
        'conflict',
        `four-eyes: ${requester.kind === 'person' ? requester.name : ''}${requester.kind === 'person' && requester.key ? ` (key ${requester.key.slice(0, 23)}…)` : ''} requested ${plan}, and the same ${requester.kind === 'person' && requester.key ? 'key' : 'person'} cannot also approve it; another approver, with their own key, must (the case's four-eyes rule, on by default)`
      )
    }
    const unsafe = chosen.filter((f) => f.verdict === 'UNSAFE')
    if (unsafe.length) throw new LastmileError('conflict', `${unsafe.map((f) => f.ref).join(', ')}: UNSAFE findings cannot be approved; route them to their owner (lastmile route)`)
    const oneByOne = chosen.filter((f) => !bulkable(f.verdict))
    if (!opts.findings?.length && inPlan.length > 1) {
      // bulk: the SAFE ones; the others wait for their own decision
      pending = oneByOne
      chosen = chosen.filter((f) => bulkable(f.verdict))
      if (!chosen.length) {
        throw new LastmileError(
          'conflict',
          `${plan}: only SAFE findings can be approved together; ${oneByOne.map((f) => `${f.ref} (${f.verdict})`).join(', ')} must each be approved on its own, with its reason (--finding F-ID)`
        )
      }
    } else if (oneByOne.length && chosen.length > 1) {
      throw new LastmileError(
        'conflict',
        `${oneByOne.map((f) => `${f.ref} (${f.verdict})`).join(', ')}: RISKY and uninvestigated findings are approved one by one, each with its own reason`
      )
    }
  }

  // The basis must be what the plan was rendered on: a changed verdict or evidence needs a new plan.
  const bases = chosen.map((f) => {
    const now = currentBasis(db, f)
    const recorded = planBasis(db, row.id, f.id)
    const change = recorded ? basisChange(recorded, now) : 'it is not in the plan'
    if (change && decision === 'approved')
      throw new LastmileError('conflict', `${f.ref}: ${change} since ${plan} was rendered; render the plan again (lastmile plan CASE ${f.ref}) and decide on the new one`)
    return now
  })

  const batch = decision === 'approved' && chosen.length > 1 ? randomUUID() : null
  const ids = workflowTx(c, opts.now, (tx) => {
    const ins = tx.db.prepare(
      'INSERT INTO approvals (plan_id, finding_id, decision, actor, reason, at, verdict, evidence, basis_hash, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
    )
    const out: number[] = []
    chosen.forEach((f, i) => {
      out.push(Number(ins.run(row.id, f.id, decision, canonicalJson(opts.actor), reason, tx.at, f.verdict, canonicalJson(bases[i].evidence), bases[i].hash, batch).lastInsertRowid))
      transition(tx, f, decision === 'approved' ? 'approve' : 'reject', { actor: opts.actor, plan: row.id, reason })
    })
    tx.audit({
      actor: opts.actor,
      action: `plan.${verb}`,
      target: plan,
      details: {
        findings: chosen.map((f, i) => ({ finding: f.ref, verdict: f.verdict, basis: bases[i].hash, evidence: bases[i].evidence.length })),
        reason,
        batch,
        planSha256: row.body_sha256
      }
    })
    return out
  })
  const get = db.prepare('SELECT * FROM approvals WHERE id = ?')
  return {
    plan,
    decision,
    approvals: ids.map((id) => approvalView(get.get(id) as Record<string, unknown>)),
    pending: [...pending, ...waiting.filter((f) => !chosen.includes(f) && !pending.includes(f))].map((f) => f.ref)
  }
}

export interface QueueFilter {
  verdict?: RciVerdict
  initiative?: string
  /** the requester's name */
  requester?: string
  plan?: string
  /** mark what this person may not approve (four-eyes: the same key requested it; no approver or admin role) */
  as?: Actor
}

/** The Approvals queue: every planned finding of an active plan, oldest plan first. */
export function approvalQueue(db: Db, filter: QueueFilter = {}): ApprovalQueueItem[] {
  const rows = db
    .prepare(
      `SELECT f.id AS finding_id, p.id AS plan_id, p.requested_by, p.created_at, p.four_eyes
       FROM workflow_findings w JOIN findings f ON f.id = w.finding_id JOIN remediation_plans p ON p.id = w.plan_id
       WHERE w.state = 'planned' AND p.status = 'active' ORDER BY p.id, f.id`
    )
    .all() as Array<{ finding_id: number; plan_id: number; requested_by: string; created_at: string; four_eyes: number }>
  const ini = filter.initiative ? Number(/^I-(\d+)$/i.exec(filter.initiative)?.[1] ?? NaN) : null
  if (filter.initiative && !Number.isFinite(ini)) throw new LastmileError('bad-input', `${filter.initiative}: not an initiative id (I-3)`)
  // a person main would refuse for want of the role is told so on every row, before trying
  let roleRefusal: string | null = null
  if (filter.as) {
    try {
      requireRole(db, filter.as, APPROVER_ROLES, 'approve or reject a plan')
    } catch (e) {
      if (!(e instanceof LastmileError)) throw e
      roleRefusal = e.message
    }
  }
  const out: ApprovalQueueItem[] = []
  for (const r of rows) {
    const f = findingsWhere(db, 'f.id = ?', [r.finding_id])[0]
    const requestedBy = JSON.parse(r.requested_by) as Actor
    if (filter.verdict && f.verdict !== filter.verdict) continue
    if (ini !== null && f.initiative !== ini) continue
    if (filter.requester && !(requestedBy.kind === 'person' && requestedBy.name.toLowerCase() === filter.requester.trim().toLowerCase())) continue
    if (filter.plan && planRef(r.plan_id) !== filter.plan.toUpperCase()) continue
    const blocked =
      filter.as && r.four_eyes === 1 && requestedBy.kind === 'person' && samePerson(requestedBy, filter.as)
        ? `four-eyes: ${requestedBy.name} requested this plan`
        : f.verdict === 'UNSAFE'
          ? 'UNSAFE: route it'
          : roleRefusal
    out.push({
      plan: planRef(r.plan_id),
      finding: f.ref,
      initiative: f.initiative === null ? null : `I-${f.initiative}`,
      control: f.control,
      resource: f.resourceId,
      verdict: f.verdict,
      bulk: bulkable(f.verdict),
      requestedBy,
      requestedAt: r.created_at,
      state: f.state,
      blockedFor: blocked
    })
  }
  return out
}
