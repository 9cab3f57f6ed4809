// Stage 5, validate: a remediated finding is closed only when evidence shows the fix held —
// a new evidence bundle re-evaluated by the control evaluators, or a later scan (import) that no
// longer reports it. Still failing → reopened, with the reason. A closed finding that fails again
// (a later bundle, or a scan that reports it again) is a regression, flagged on the board.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Actor } from '../../shared/model'
import type { ValidationView, WorkflowState } from '../../shared/remediation'
import { canonicalJson } from '../audit/canonical'
import type { Db, WritableCaseDb } from '../db/case-db'
import { LastmileError, fsReason } from '../errors'
import { evaluateLoaded, findEvaluation, isControlId, loadBundle, type ControlId } from '../evaluate'
import { addEvidenceBundle } from '../evidence/service'
import { planRow } from './plans'
import { describeState } from './states'
import { findingsOf, findingsWhere, planRef, transition, workflowTx, type Tx, type WfFinding } from './store'

const VALIDATABLE: readonly WorkflowState[] = ['remediated', 'closed', 'reopened']

export interface ValidateOptions {
  actor: Actor
  now: () => string
}

/** The findings a validation looks at: of a finding, an initiative or a plan, in a validatable state. */
function targets(db: Db, ref: string): WfFinding[] {
  const t = ref.trim()
  let list: WfFinding[]
  let single = false
  if (/^P-\d+$/i.test(t)) {
    const row = planRow(db, t)
    list = findingsWhere(db, 'f.id IN (SELECT finding_id FROM plan_findings WHERE plan_id = ?)', [row.id]).filter((f) => f.planId === row.id)
  } else {
    const r = findingsOf(db, t)
    list = r.findings
    single = r.kind === 'finding'
  }
  if (single && !VALIDATABLE.includes(list[0].state)) {
    throw new LastmileError(
      'conflict',
      `${list[0].ref} is ${describeState(list[0].state)}: only a remediated finding (awaiting validation), a closed or a reopened one can be validated`
    )
  }
  const out = list.filter((f) => VALIDATABLE.includes(f.state))
  if (!out.length) throw new LastmileError('conflict', `${t.toUpperCase()}: no finding is remediated, closed or reopened, so there is nothing to validate`)
  return out
}

interface Outcome {
  f: WfFinding
  result: 'passed' | 'failed' | 'unknown'
  reason: string
  evidence: string[]
}

/** Apply outcomes: the transition each calls for, a validation row and audit entries. */
function record(tx: Tx, method: 'evidence' | 'rescan', outcomes: Outcome[], actor: Actor): number[] {
  const ins = tx.db.prepare('INSERT INTO validations (finding_id, plan_id, method, result, reason, evidence, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  const ids: number[] = []
  for (const o of outcomes) {
    const f = o.f
    if (o.result === 'passed' && (f.state === 'remediated' || f.state === 'reopened')) transition(tx, f, 'validate-pass', { actor, reason: o.reason, closed: true })
    else if (o.result === 'failed' && f.state === 'remediated') transition(tx, f, 'validate-fail', { actor, reason: `still failing: ${o.reason}` })
    else if (o.result === 'failed' && f.state === 'closed') transition(tx, f, 'regress', { actor, reason: `came back: ${o.reason}` })
    ids.push(Number(ins.run(f.id, f.planId, method, o.result, o.reason, canonicalJson(o.evidence), canonicalJson(actor), tx.at).lastInsertRowid))
  }
  tx.audit({
    actor,
    action: 'validation.record',
    target: outcomes.length === 1 ? outcomes[0].f.ref : `${outcomes.length} findings`,
    details: { method, outcomes: outcomes.map((o) => ({ finding: o.f.ref, result: o.result, reason: o.reason, state: o.f.state })) }
  })
  return ids
}

/** Validation by evidence: evaluate a bundle collected after the fix, and keep it in the case. */
export async function validateByEvidence(c: WritableCaseDb, ref: string, bundleDir: string, opts: ValidateOptions): Promise<ValidationView[]> {
  const findings = targets(c.db, ref)
  const dir = resolve(bundleDir)
  const loaded = await loadBundle(dir)
  const controls = [...new Set(findings.map((f) => f.control).filter(isControlId))] as ControlId[]
  const result = evaluateLoaded(loaded, { controls: controls.length ? controls : undefined })
  // The bundle is evidence of the fix: it joins the case (once; a bundle already added is reused).
  let manifestText: string
  try {
    manifestText = readFileSync(join(dir, 'manifest.json'), 'utf8')
  } catch (e) {
    throw new LastmileError('bad-input', `${join(dir, 'manifest.json')}: cannot read the manifest: ${fsReason(e)}`)
  }
  const sha = createHash('sha256').update(manifestText, 'utf8').digest('hex')
  const known = c.db.prepare('SELECT id FROM evidence_bundles WHERE manifest_sha256 = ?').get(sha) as { id: string } | undefined
  const bundleId = known?.id ?? (await addEvidenceBundle(c, dir, { actor: opts.actor, now: opts.now })).bundleId
  const collected = Date.parse(loaded.collectedAt)
  const outcomes: Outcome[] = findings.map((f) => {
    const base = [`evidence bundle ${bundleId} (collected ${loaded.collectedAt})`]
    if (f.state === 'remediated' && f.executedAt && collected <= Date.parse(f.executedAt)) {
      return { f, result: 'unknown', reason: `the bundle was collected ${loaded.collectedAt}, before the fix was run (${f.executedAt}): it cannot show the fix`, evidence: base }
    }
    if (!isControlId(f.control)) return { f, result: 'unknown', reason: `Lastmile has no evaluator for ${f.control}: validate it by rescan`, evidence: base }
    const ev = findEvaluation(result, f.control, f.resourceId, f.region)
    if (!ev) return { f, result: 'unknown', reason: `the bundle does not describe ${f.resourceId}`, evidence: base }
    const evidence = [...base, ...ev.evidence]
    if (ev.status === 'PASS') return { f, result: 'passed', reason: ev.reason, evidence }
    if (ev.status === 'FAIL') return { f, result: 'failed', reason: ev.reason, evidence }
    return { f, result: 'unknown', reason: ev.reason, evidence }
  })
  const ids = workflowTx(c, opts.now, (tx) => record(tx, 'evidence', outcomes, opts.actor))
  return ids.map((id) => validationView(c.db, id))
}

/** What the imports say about a finding since it was fixed (or closed), or null when no scan since covers it. */
function rescanOutcome(db: Db, f: WfFinding): Omit<Outcome, 'f'> | null {
  const since = f.state === 'closed' ? f.closedAt : f.executedAt
  if (!since) return null
  // times compared as instants: tools write ISO 8601 with and without fractions
  const still = (
    db
      .prepare(
        `SELECT a.tool, a.rule_id, a.last_seen, a.last_import FROM alerts a JOIN findings x ON x.control = a.control AND x.resource_id = a.resource_id
         WHERE x.id = ? AND a.closed_at IS NULL AND a.outcome = 'FAIL'`
      )
      .all(f.id) as Array<{ tool: string; rule_id: string; last_seen: string; last_import: string }>
  )
    .filter((a) => Date.parse(a.last_seen) > Date.parse(since))
    .sort((a, b) => Date.parse(b.last_seen) - Date.parse(a.last_seen))[0]
  if (f.state === 'closed') {
    if (f.status === 'open' && f.reopenedAt && Date.parse(f.reopenedAt) > Date.parse(since)) {
      const imp = db.prepare('SELECT reopened_by_import FROM findings WHERE id = ?').get(f.id) as { reopened_by_import: string | null }
      return {
        result: 'failed',
        reason: `a scan reports it again (import ${imp.reopened_by_import ?? 'unknown'}, ${f.reopenedAt})`,
        evidence: [`import ${imp.reopened_by_import}`]
      }
    }
    if (f.status === 'open' && still)
      return {
        result: 'failed',
        reason: `${still.tool} reports ${still.rule_id} failing again at ${still.last_seen}, after it was closed`,
        evidence: [`import ${still.last_import}`]
      }
    return null
  }
  if (f.status === 'resolved' && f.resolvedByImport) {
    const imp = db.prepare('SELECT file_name, coalesce(scanned_at, imported_at) AS at, source FROM imports WHERE id = ?').get(f.resolvedByImport) as
      | { file_name: string; at: string; source: string }
      | undefined
    if (imp && Date.parse(imp.at) >= Date.parse(since)) {
      return { result: 'passed', reason: `a later ${imp.source} scan (${imp.file_name}, ${imp.at}) no longer reports it`, evidence: [`import ${f.resolvedByImport}`] }
    }
  }
  if (still)
    return { result: 'failed', reason: `${still.tool} still reports ${still.rule_id} failing at ${still.last_seen}, after the fix`, evidence: [`import ${still.last_import}`] }
  return null
}

/** Validation by rescan: what later imports say. */
export function validateByRescan(c: WritableCaseDb, ref: string, opts: ValidateOptions): ValidationView[] {
  const findings = targets(c.db, ref)
  const outcomes: Outcome[] = findings.map((f) => {
    const o = rescanOutcome(c.db, f)
    return o
      ? { f, ...o }
      : {
          f,
          result: 'unknown',
          reason: `no scan imported since ${f.state === 'closed' ? `it was closed (${f.closedAt})` : `the fix was run (${f.executedAt ?? 'unknown'})`} covers it; import a later export`,
          evidence: []
        }
  })
  const ids = workflowTx(c, opts.now, (tx) => record(tx, 'rescan', outcomes, opts.actor))
  return ids.map((id) => validationView(c.db, id))
}

/** Rescans applied on their own, for reconcile: only outcomes the imports decide. */
export function applyRescans(tx: Tx, findings: WfFinding[], actor: Actor): string[] {
  const out: Outcome[] = []
  for (const f of findings) {
    if (f.state !== 'remediated' && f.state !== 'closed') continue
    const o = rescanOutcome(tx.db, f)
    if (o) out.push({ f, ...o })
  }
  if (out.length) record(tx, 'rescan', out, actor)
  return out.map((o) => `${o.f.ref}: ${o.result === 'passed' ? 'closed' : o.f.state} — ${o.reason}`)
}

export function validationView(db: Db, id: number): ValidationView {
  const r = db.prepare('SELECT * FROM validations WHERE id = ?').get(id) as Record<string, unknown>
  const state = (db.prepare('SELECT state FROM workflow_findings WHERE finding_id = ?').get(r.finding_id) as { state: WorkflowState } | undefined)?.state ?? 'new'
  return {
    id: `V-${id}`,
    finding: `F-${r.finding_id as number}`,
    plan: r.plan_id === null ? null : planRef(r.plan_id as number),
    method: r.method as 'evidence' | 'rescan',
    result: r.result as 'passed' | 'failed' | 'unknown',
    reason: r.reason as string,
    evidence: JSON.parse(r.evidence as string) as string[],
    actor: JSON.parse(r.actor as string) as Actor,
    at: r.at as string,
    state
  }
}
