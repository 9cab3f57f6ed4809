// The workflow's tables (migration 0050) and the one way state changes are written: inside a
// transaction that also appends every audit entry the change needs (`workflowTx`), one entry per
// finding transition plus the operation's own.
import type { Actor, Provider, RciVerdict } from '../../shared/model'
import type { WorkflowState } from '../../shared/remediation'
import { canonicalJson } from '../audit/canonical'
import { appendAudit, type NewAuditEntry } from '../audit/chain'
import type { Db, WritableCaseDb, WritableDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { caseOwner, requireCaseRole, requireOwner } from '../identity/case-people'
import { nextState, type WorkflowEvent } from './states'

/** The engine, when it changes a state on its own (an expiry, a rescan, drift). */
export const ENGINE: Actor = { kind: 'engine', name: 'lastmile-workflow' }

export interface Tx {
  db: WritableDb
  /** the time of this operation (one reading of the clock for all its rows) */
  at: string
  audit(entry: NewAuditEntry): void
}

/** Run `fn` and append its audit entries in one transaction: all of it is in the case, or none. */
export function workflowTx<T>(c: WritableCaseDb, now: () => string, fn: (tx: Tx) => T): T {
  return c.db
    .transaction(() => {
      const entries: NewAuditEntry[] = []
      const at = now()
      const result = fn({ db: c.db, at, audit: (e) => entries.push(e) })
      for (const e of entries) appendAudit(c.db, c.id, e, at)
      return result
    })
    .immediate()
}

export const planRef = (id: number): string => `P-${id}`
export const findingRef = (id: number): string => `F-${id}`

export function parsePlanRef(ref: string): number {
  const m = /^P-(\d{1,15})$/i.exec(ref.trim())
  if (!m) throw new LastmileError('bad-input', `${ref}: not a plan id (P-3)`)
  return Number(m[1])
}

export interface WfFinding {
  id: number
  ref: string
  control: string
  title: string
  severity: number
  resourceId: string
  resourceType: string
  provider: Provider
  account: string | null
  region: string | null
  name: string | null
  environment: string | null
  status: 'open' | 'resolved'
  muted: boolean
  decision: 'suppressed' | 'risk-accepted' | null
  decisionReason: string | null
  decisionActor: Actor | null
  decisionAt: string | null
  decisionExpires: string | null
  verdict: RciVerdict
  initiative: number | null
  regression: boolean
  resolvedAt: string | null
  resolvedByImport: string | null
  reopenedAt: string | null
  state: WorkflowState
  planId: number | null
  stateReason: string | null
  executedAt: string | null
  closedAt: string | null
  /** an investigation ran over it (its verdict may still be UNSCORED: no playbook covers the control) */
  investigated: boolean
}

/**
 * 1 when an investigation ran over finding `f`: any verdict but UNSCORED says so; an UNSCORED one
 * was investigated when it has an RCI document (no playbook covers its control). The document
 * table is looked into only for those (CASE stops at the first branch that holds): its rows are
 * large, and probing it for every finding of a big case would read most of it.
 */
export const INVESTIGATED = `CASE WHEN f.rci_verdict <> 'UNSCORED' THEN 1 ELSE EXISTS (SELECT 1 FROM rci_results x WHERE x.finding_id = f.id) END`

const SELECT = `SELECT f.id, f.control, f.title, f.severity, f.status, f.muted, f.decision, f.decision_reason, f.decision_actor, f.decision_at,
  f.decision_expires, f.rci_verdict, f.initiative_id, f.regression, f.resolved_at, f.resolved_by_import, f.reopened_at,
  r.canonical_id, r.type, r.provider, r.account, r.region, r.name, r.environment,
  w.state, w.plan_id, w.reason, w.executed_at, w.closed_at, ${INVESTIGATED} AS investigated
  FROM findings f JOIN resources r ON r.id = f.resource_id LEFT JOIN workflow_findings w ON w.finding_id = f.id`

type Row = Record<string, unknown>

function toFinding(r: Row): WfFinding {
  return {
    id: r.id as number,
    ref: findingRef(r.id as number),
    control: r.control as string,
    title: r.title as string,
    severity: r.severity as number,
    resourceId: r.canonical_id as string,
    resourceType: r.type as string,
    provider: r.provider as Provider,
    account: (r.account as string | null) ?? null,
    region: (r.region as string | null) ?? null,
    name: (r.name as string | null) ?? null,
    environment: (r.environment as string | null) ?? null,
    status: r.status as 'open' | 'resolved',
    muted: r.muted === 1,
    decision: (r.decision as WfFinding['decision']) ?? null,
    decisionReason: (r.decision_reason as string | null) ?? null,
    decisionActor: r.decision_actor ? (JSON.parse(r.decision_actor as string) as Actor) : null,
    decisionAt: (r.decision_at as string | null) ?? null,
    decisionExpires: (r.decision_expires as string | null) ?? null,
    verdict: r.rci_verdict as RciVerdict,
    initiative: (r.initiative_id as number | null) ?? null,
    regression: r.regression === 1,
    resolvedAt: (r.resolved_at as string | null) ?? null,
    resolvedByImport: (r.resolved_by_import as string | null) ?? null,
    reopenedAt: (r.reopened_at as string | null) ?? null,
    state: (r.state as WorkflowState | null) ?? 'new',
    planId: (r.plan_id as number | null) ?? null,
    stateReason: (r.reason as string | null) ?? null,
    executedAt: (r.executed_at as string | null) ?? null,
    closedAt: (r.closed_at as string | null) ?? null,
    investigated: r.investigated === 1
  }
}

export function findingsWhere(db: Db, where: string, params: unknown[] = []): WfFinding[] {
  return (db.prepare(`${SELECT} WHERE ${where} ORDER BY f.id`).all(...params) as Row[]).map(toFinding)
}

export function findingById(db: Db, ref: string): WfFinding {
  const m = /^F-(\d{1,15})$/i.exec(ref.trim())
  if (!m) throw new LastmileError('bad-input', `${ref}: not a finding id (F-12)`)
  const f = findingsWhere(db, 'f.id = ?', [Number(m[1])])[0]
  if (!f) throw new LastmileError('not-found', `${ref}: no such finding in this case`)
  return f
}

/** Findings of an initiative (I-3), or the one finding (F-12). */
export function findingsOf(db: Db, ref: string): { kind: 'finding' | 'initiative'; findings: WfFinding[] } {
  const t = ref.trim()
  if (/^F-\d{1,15}$/i.test(t)) return { kind: 'finding', findings: [findingById(db, t)] }
  const m = /^I-(\d{1,15})$/i.exec(t)
  if (!m) throw new LastmileError('bad-input', `${ref}: not a finding (F-12) or initiative (I-3) id`)
  if (!db.prepare('SELECT 1 FROM initiatives WHERE id = ?').get(Number(m[1]))) throw new LastmileError('not-found', `${ref}: no such initiative in this case`)
  return { kind: 'initiative', findings: findingsWhere(db, 'f.initiative_id = ?', [Number(m[1])]) }
}

/** A suppressed or accepted finding (a person's decision, or muted in every tool that reports it). */
export function isSetAside(f: WfFinding): string | null {
  if (f.decision === 'risk-accepted')
    return `its risk was accepted${f.decisionExpires ? ` until ${f.decisionExpires}` : ''}: accepted findings are never planned, approved or routed`
  if (f.decision === 'suppressed') return `it is suppressed${f.decisionExpires ? ` until ${f.decisionExpires}` : ''}: suppressed findings are never planned, approved or routed`
  if (f.muted && f.status === 'open') return 'every tool that reports it has muted it: suppressed findings are never planned, approved or routed'
  return null
}

/**
 * Move a finding to the state `event` leads to (or refuse), write its history row and queue its
 * audit entry. Mutates `f` so a caller sees the new state.
 */
export function transition(
  tx: Tx,
  f: WfFinding,
  event: WorkflowEvent,
  opts: { actor: Actor; plan?: number | null; reason?: string | null; executedAt?: string | null; closed?: boolean }
): void {
  const from = f.state
  const to = nextState(f.ref, from, event)
  const plan = opts.plan === undefined ? f.planId : opts.plan
  const executedAt = opts.executedAt === undefined ? f.executedAt : opts.executedAt
  const closedAt = opts.closed ? tx.at : f.closedAt
  tx.db
    .prepare(
      `INSERT INTO workflow_findings (finding_id, state, plan_id, reason, updated_at, executed_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (finding_id) DO UPDATE SET state = excluded.state, plan_id = excluded.plan_id, reason = excluded.reason,
         updated_at = excluded.updated_at, executed_at = excluded.executed_at, closed_at = excluded.closed_at`
    )
    .run(f.id, to, plan, opts.reason ?? null, tx.at, executedAt, closedAt)
  tx.db
    .prepare('INSERT INTO workflow_transitions (finding_id, from_state, to_state, event, plan_id, reason, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(f.id, from, to, event, plan, opts.reason ?? null, canonicalJson(opts.actor), tx.at)
  tx.audit({ actor: opts.actor, action: `workflow.${event}`, target: f.ref, details: { from, to, plan: plan === null ? null : planRef(plan), reason: opts.reason ?? null } })
  f.state = to
  f.planId = plan
  f.stateReason = opts.reason ?? null
  f.executedAt = executedAt
  f.closedAt = closedAt
}

// ---- settings --------------------------------------------------------------------------------------

export function fourEyesEnabled(db: Db): boolean {
  const r = db.prepare("SELECT value FROM workflow_settings WHERE key = 'four_eyes'").get() as { value: string } | undefined
  return r ? r.value === 'on' : true
}

/**
 * Turn the four-eyes rule on or off: the case owner's signed decision (in a case made before
 * people had keys, an admin's). The PDF report and the auditor's review show every change.
 */
export function setFourEyes(c: WritableCaseDb, enabled: boolean, reason: string, actor: Actor, now: () => string): boolean {
  if (caseOwner(c.db)) requireOwner(c.db, actor, 'turn the four-eyes rule on or off')
  else if (actor.kind !== 'person' || actor.role !== 'admin') throw new LastmileError('bad-input', 'changing the four-eyes rule needs the admin role (--role admin)')
  if (!reason.trim()) throw new LastmileError('bad-input', 'say why the four-eyes rule changes (--reason)')
  return workflowTx(c, now, (tx) => {
    const before = fourEyesEnabled(tx.db)
    tx.db.prepare("INSERT INTO workflow_settings (key, value) VALUES ('four_eyes', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(enabled ? 'on' : 'off')
    tx.audit({ actor, action: 'workflow.four-eyes', target: 'case', details: { before, after: enabled, reason: reason.trim() } })
    return enabled
  })
}

/**
 * Whether two actors are the same person as the four-eyes rule sees it: the same signing KEY.
 * Only where one of them has no key (a plan requested before people had keys) do names decide.
 */
export function samePerson(a: Actor, b: Actor): boolean {
  if (a.kind !== 'person' || b.kind !== 'person') return false
  if (a.key && b.key) return a.key === b.key
  return a.name.trim().toLowerCase() === b.name.trim().toLowerCase()
}

/** Refuse `what` unless the actor holds one of `roles` in this case (granted by its owner). */
export function requireRole(db: Db, actor: Actor, roles: readonly string[], what: string): asserts actor is Extract<Actor, { kind: 'person' }> {
  requireCaseRole(db, actor, roles, what)
}
