// The workflow service (stages 4 and 5) that the CLI and the IPC handlers call. Every operation
// first lets the automatic checks run (reconcile.ts: expiries, rescans, void approvals, drift), so
// what a person sees and decides on is the case as it is now.
import { createHash } from 'node:crypto'
import type { Actor } from '../../shared/model'
import type { BoardView, GuardrailBundle, PlanView } from '../../shared/remediation'
import type { Db, OpenCaseDb, WritableCaseDb } from '../db/case-db'
import { isLastmileError, LastmileError } from '../errors'
import { buildGuardrails, guardrailScope, type GuardrailOptions } from '../guardrails'
import { checkOutputFolder, writeNewFiles } from '../services/outputs'
import { loadPlaybooks, type PlaybookSet } from '../investigate/loader'
import { approvalQueue, decide, type QueueFilter } from './approvals'
import { boardInitiatives } from './board'
import { clearDecision, recordDecision } from './decisions'
import { recordExecution, type ExecutionOptions } from './execution'
import { createPlan, getPlan, playbookGuardrailViews } from './plans'
import { reconcile } from './reconcile'
import { route, type RouteOptions } from './routing'
import { findingsOf, findingsWhere, workflowTx } from './store'
import { validateByEvidence, validateByRescan } from './validation'

export { findingWorkflow } from './board'
export { listPlans } from './plans'
export { fourEyesEnabled, setFourEyes } from './store'
export { MAX_OUTPUT_BYTES } from './execution'

export interface WorkflowContext {
  actor: Actor
  now: () => string
  guardrails?: GuardrailOptions
  /** playbooks for controls Lastmile computes no fix for (default: the built-in folder) */
  playbooks?: PlaybookSet | null
}

function playbooksOf(ctx: WorkflowContext): PlaybookSet | null {
  return ctx.playbooks !== undefined ? ctx.playbooks : builtInPlaybooks()
}

/** The built-in playbooks, or null when one of them is broken (`investigate` reports it). */
export function builtInPlaybooks(): PlaybookSet | null {
  try {
    return loadPlaybooks()
  } catch (e) {
    // a broken playbook must not stop the fixes Lastmile computes itself; it is reported by `investigate`
    if (isLastmileError(e)) return null
    throw e
  }
}

function sync(c: OpenCaseDb, ctx: WorkflowContext): string[] {
  return reconcile(c, ctx.now, { guardrails: ctx.guardrails, playbooks: () => playbooksOf(ctx) })
}

export function plan(c: WritableCaseDb, ref: string, ctx: WorkflowContext & { inputs?: Record<string, string> }): PlanView {
  sync(c, ctx)
  return createPlan(c, ref, { actor: ctx.actor, now: ctx.now, guardrails: ctx.guardrails, playbooks: playbooksOf(ctx), inputs: ctx.inputs })
}

/** A plan as it is now (a drifted plan shows as superseded, naming its re-rendered successor). */
export function showPlan(c: OpenCaseDb, ref: string, ctx: WorkflowContext): PlanView {
  sync(c, ctx)
  return getPlan(c.db, ref)
}

export function approve(c: WritableCaseDb, ref: string, ctx: WorkflowContext & { reason: string; findings?: string[] }) {
  sync(c, ctx)
  return decide(c, ref, 'approved', ctx)
}

export function reject(c: WritableCaseDb, ref: string, ctx: WorkflowContext & { reason: string; findings?: string[] }) {
  sync(c, ctx)
  return decide(c, ref, 'rejected', ctx)
}

export function queue(c: OpenCaseDb, filter: QueueFilter, ctx: WorkflowContext) {
  sync(c, ctx)
  return approvalQueue(c.db, filter)
}

export function routeFindings(c: WritableCaseDb, refs: string[], opts: Omit<RouteOptions, 'actor' | 'now'> & WorkflowContext) {
  sync(c, opts)
  return route(c, refs, { ...opts, playbooks: playbooksOf(opts) })
}

export function acceptRisk(c: WritableCaseDb, ref: string, ctx: WorkflowContext & { reason: string; expires: string | null }) {
  sync(c, ctx)
  return recordDecision(c, ref, 'risk-accepted', ctx)
}

export function suppress(c: WritableCaseDb, ref: string, ctx: WorkflowContext & { reason: string; expires?: string | null }) {
  sync(c, ctx)
  return recordDecision(c, ref, 'suppressed', ctx)
}

export function clear(c: WritableCaseDb, ref: string, ctx: WorkflowContext & { reason: string }) {
  sync(c, ctx)
  return clearDecision(c, ref, ctx)
}

export function recordExecutionOf(c: WritableCaseDb, ref: string, opts: Omit<ExecutionOptions, 'actor' | 'now'> & WorkflowContext) {
  sync(c, opts)
  return recordExecution(c, ref, opts)
}

export async function validate(c: WritableCaseDb, ref: string, how: { bundle: string } | { rescan: true }, ctx: WorkflowContext) {
  sync(c, ctx)
  return 'bundle' in how ? validateByEvidence(c, ref, how.bundle, ctx) : validateByRescan(c, ref, ctx)
}

export function board(c: OpenCaseDb, ctx: WorkflowContext): BoardView {
  const changes = sync(c, ctx)
  return { initiatives: boardInitiatives(c.db), changes }
}

/**
 * The guardrails for an initiative or finding's controls (or the whole case), with exceptions, and
 * the guardrail templates of their playbooks (default: the built-in folder), one per account and
 * Region, as a plan renders them.
 */
export function guardrailBundle(db: Db, ref: string | null, opts: GuardrailOptions = {}, playbooks: PlaybookSet | null = builtInPlaybooks()): GuardrailBundle {
  const scope = ref ? findingsOf(db, ref).findings : findingsWhere(db, '1 = 1')
  if (!scope.length) throw new LastmileError('conflict', `${ref ?? 'this case'}: no findings, so no control to guard`)
  const controls = [...new Set(scope.map((f) => f.control))]
  // exceptions come from every finding of those controls in the case: a guardrail applies account-wide
  // (and of the controls that share a policy with them)
  const guarded = guardrailScope(controls)
  const all = findingsWhere(db, `f.control IN (${guarded.map(() => '?').join(',')})`, guarded)
  const scopeName = ref ? ref.toUpperCase() : 'the whole case'
  return buildGuardrails(
    scopeName,
    all.map((f) => ({ id: f.ref, control: f.control, resourceId: f.resourceId, account: f.account, region: f.region, verdict: f.verdict, decision: f.decision, owner: null })),
    { ...opts, controls, more: playbookGuardrailViews(scope, playbooks, `guardrails for ${scopeName}`) }
  )
}

/** Write the guardrail bundle to a folder (never over existing files), with an audit entry. */
export function exportGuardrails(c: WritableCaseDb, ref: string | null, out: string, ctx: WorkflowContext) {
  checkOutputFolder(out, { inputs: [c.path] })
  sync(c, ctx)
  const bundle = guardrailBundle(c.db, ref, ctx.guardrails, playbooksOf(ctx))
  const files = [...bundle.guardrails.map((g) => ({ name: g.name, content: g.content })), { name: 'README.md', content: bundle.readme }]
  const dir = writeNewFiles(out, files, { inputs: [c.path], existsHint: 'export into an empty folder (Lastmile never overwrites)' })
  const written = files.map((f) => {
    return { name: f.name, sha256: createHash('sha256').update(f.content).digest('hex'), bytes: Buffer.byteLength(f.content) }
  })
  workflowTx(c, ctx.now, (tx) => tx.audit({ actor: ctx.actor, action: 'guardrails.export', target: bundle.scope, details: { dir, controls: bundle.controls, files: written } }))
  return { dir, scope: bundle.scope, controls: bundle.controls, files: written, notes: bundle.notes }
}
