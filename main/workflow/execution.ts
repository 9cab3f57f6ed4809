// Co-pilot execution: a person runs the approved artefacts on their own machine and records the
// result here, with the output attached (kept in the case, hashed). Executed findings are
// "remediated, awaiting validation"; a failed run leaves the finding `failed`, still approved to
// run again once the cause is fixed.
import { createHash } from 'node:crypto'
import type { Actor } from '../../shared/model'
import type { ExecutionView } from '../../shared/remediation'
import { canonicalJson } from '../audit/canonical'
import type { Db, WritableCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { planRow } from './plans'
import { describeState } from './states'
import { findingsWhere, isSetAside, planRef, requireRole, transition, workflowTx } from './store'

/** Everybody but an auditor may record what they ran (auditors only read). */
const OPERATOR_ROLES = ['operator', 'admin', 'approver', 'analyst'] as const

/** At most this much output is kept per execution (a log, not a dump). */
export const MAX_OUTPUT_BYTES = 10 * 1024 * 1024

export interface ExecutionOptions {
  actor: Actor
  now: () => string
  outcome: 'executed' | 'failed'
  output: Buffer
  outputName?: string | null
  /** default: every approved (or failed) finding of the plan */
  findings?: string[]
}

export function recordExecution(c: WritableCaseDb, ref: string, opts: ExecutionOptions): ExecutionView[] {
  requireRole(c.db, opts.actor, OPERATOR_ROLES, 'record an execution')
  if (opts.output.length > MAX_OUTPUT_BYTES)
    throw new LastmileError('bad-input', `the output is ${opts.output.length} bytes; at most ${MAX_OUTPUT_BYTES} are kept: attach the relevant part`)
  const db = c.db
  const row = planRow(db, ref)
  const plan = planRef(row.id)
  if (row.status !== 'active')
    throw new LastmileError(
      'conflict',
      `${plan} was superseded by P-${row.superseded_by} (${row.supersede_reason ?? 'a newer plan'}): its artefacts must not be run; run P-${row.superseded_by} once approved`
    )
  const inPlan = findingsWhere(db, 'f.id IN (SELECT finding_id FROM plan_findings WHERE plan_id = ?) AND w.plan_id = ?', [row.id, row.id])
  let chosen = inPlan.filter((f) => f.state === 'approved' || f.state === 'failed')
  if (opts.findings?.length) {
    chosen = opts.findings.map((r) => {
      const f = inPlan.find((x) => x.ref.toUpperCase() === r.trim().toUpperCase())
      if (!f) throw new LastmileError('bad-input', `${r}: not a finding of ${plan} now`)
      return f
    })
  } else if (!chosen.length) {
    throw new LastmileError('conflict', `${plan}: nothing approved to run (${inPlan.map((f) => `${f.ref} ${describeState(f.state)}`).join('; ') || 'no finding left in it'})`)
  }
  for (const f of chosen) {
    const aside = isSetAside(f)
    if (aside) throw new LastmileError('conflict', `${f.ref}: ${aside}`)
  }
  const sha256 = createHash('sha256').update(opts.output).digest('hex')
  const approval = db.prepare("SELECT id FROM approvals WHERE plan_id = ? AND finding_id = ? AND decision = 'approved' AND void_at IS NULL ORDER BY id DESC LIMIT 1")
  const ids = workflowTx(c, opts.now, (tx) => {
    const ins = tx.db.prepare(
      'INSERT INTO executions (plan_id, finding_id, approval_id, outcome, output, output_name, output_sha256, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
    )
    const out: number[] = []
    for (const f of chosen) {
      const a = approval.get(row.id, f.id) as { id: number } | undefined
      // the state machine refuses anything not approved; an approved finding always has its approval
      transition(tx, f, opts.outcome === 'executed' ? 'execute' : 'execution-failed', {
        actor: opts.actor,
        plan: row.id,
        reason: opts.outcome === 'executed' ? 'executed; awaiting validation' : `execution failed (output ${sha256.slice(0, 12)}…)`,
        executedAt: opts.outcome === 'executed' ? tx.at : f.executedAt
      })
      if (!a) throw new LastmileError('conflict', `${f.ref}: no valid approval under ${plan}`)
      out.push(Number(ins.run(row.id, f.id, a.id, opts.outcome, opts.output, opts.outputName ?? null, sha256, canonicalJson(opts.actor), tx.at).lastInsertRowid))
    }
    tx.audit({
      actor: opts.actor,
      action: 'execution.record',
      target: plan,
      details: {
        outcome: opts.outcome,
        findings: chosen.map((f) => f.ref),
        output: { name: opts.outputName ?? null, sha256, bytes: opts.output.length },
        planSha256: row.body_sha256
      }
    })
    return out
  })
  return ids.map((id) => executionView(db, id))
}

export function executionView(db: Db, id: number): ExecutionView {
  const r = db.prepare('SELECT e.*, length(e.output) AS bytes FROM executions e WHERE e.id = ?').get(id) as Record<string, unknown>
  const state = (db.prepare('SELECT state FROM workflow_findings WHERE finding_id = ?').get(r.finding_id) as { state: ExecutionView['state'] } | undefined)?.state ?? 'new'
  return {
    id: `E-${id}`,
    plan: planRef(r.plan_id as number),
    finding: `F-${r.finding_id as number}`,
    outcome: r.outcome as 'executed' | 'failed',
    actor: JSON.parse(r.actor as string) as Actor,
    at: r.at as string,
    outputName: (r.output_name as string | null) ?? null,
    outputSha256: r.output_sha256 as string,
    outputBytes: r.bytes as number,
    state
  }
}
