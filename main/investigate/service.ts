// The investigation service: what the CLI, the IPC handlers and the demo call. It runs the
// playbooks over the case's open findings from the evidence in the case, then writes every
// result and the audit entry in one transaction (store.ts). Long runs go to a worker thread with
// progress; a cancelled run writes nothing.
import { join } from 'node:path'
import type { ApiErrorCode } from '../../shared/contract'
import type { InvestigationRunResult } from '../../shared/investigate'
import type { Actor, Progress, RciVerdict } from '../../shared/model'
import type { CaseDb, WritableCaseDb } from '../db/case-db'
import { isLastmileError, LastmileError } from '../errors'
import { evidenceEnd, listBundles, listEvidence } from '../case/evidence'
import { listFindings, type FindingView } from '../case/findings'
import { WorkerClient } from '../platform/worker'
import { deriveRci } from './engine'
import { CaseEvidence } from './evidence-view'
import { loadPlaybooks, type LoadedPlaybook, type PlaybookSet } from './loader'
import { genericPlaybook } from './generic'
import { twinTypeOfPlaybook } from './twin'
import { loadControls, type ControlTable } from '../controls/catalogue'
import type { FindingSubject } from './steps'
import { derivedRci, writeRun, type DerivedRci } from './store'

export interface InvestigateOptions {
  actor: Actor
  now?: () => string
  /** a folder of the user's own playbooks, loaded beside the built-in ones */
  customDir?: string | null
  /** already loaded playbooks (tests, a long-lived app) */
  playbooks?: PlaybookSet
  /** only these findings (F-12…); default every open finding */
  findings?: readonly string[]
  initiative?: string
  onProgress?: (p: Progress) => void
  /** set `aborted` to stop: nothing is written */
  signal?: { readonly aborted: boolean }
  /** findings between two yields to the event loop (progress, cancel) */
  batch?: number
}

function subjectOf(f: FindingView): FindingSubject {
  return {
    ref: f.id,
    id: Number(f.id.slice(2)),
    control: f.control,
    resource: { id: f.resource.id, type: f.resource.type, account: f.resource.account, region: f.resource.region, name: f.resource.name, environment: f.resource.environment },
    alerts: f.alerts.filter((a) => !a.closed).map((a) => ({ id: a.id, tool: a.tool, ruleId: a.ruleId, outcome: a.outcome }))
  }
}

function selectFindings(c: CaseDb, opts: InvestigateOptions): FindingView[] {
  const open = listFindings(c.db, { status: 'open', initiative: opts.initiative })
  if (!opts.findings?.length) return open.sort((a, b) => Number(a.id.slice(2)) - Number(b.id.slice(2)))
  const byRef = new Map(open.map((f) => [f.id, f]))
  return opts.findings.map((ref) => {
    const f = byRef.get(ref.trim().toUpperCase())
    if (!f) throw new LastmileError('not-found', `${ref}: no open finding with this id in the case${opts.initiative ? ` (in ${opts.initiative})` : ''}`)
    return f
  })
}

/**
 * The playbook that investigates a finding: its control's own, when it covers the resource's type
 * (or, for an IaC finding, when its folder finds the code's deployed twin: ./twin.ts); otherwise
 * the generic investigation for what the control's fix does (./generic.ts).
 */
export function playbookFor(set: PlaybookSet, table: ControlTable, f: Pick<FindingView, 'control' | 'resource'>): LoadedPlaybook {
  const own = set.forControl(f.control)
  if (own && (own.def.resourceTypes.includes(f.resource.type) || twinTypeOfPlaybook(own, f.resource.type))) return own
  return genericPlaybook(table.effect(f.control).effect)
}

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r))
/** how often a run says how far it is */
const PROGRESS_EVERY_MS = 100

export async function investigateCase(c: WritableCaseDb, opts: InvestigateOptions): Promise<InvestigationRunResult> {
  const now = opts.now ?? (() => new Date().toISOString())
  const t0 = Date.now()
  const startedAt = now()
  // what the run is doing says so before the first finding: on a large case these take seconds
  const phase = (message: string): void => opts.onProgress?.({ operation: 'investigate', done: 0, total: null, unit: 'findings', rate: 0, message })
  phase('loading the playbooks and the control catalogue')
  const set = opts.playbooks ?? loadPlaybooks({ customDir: opts.customDir })
  phase('reading the open findings')
  const findings = selectFindings(c, opts)
  const bundles = new Map(listEvidence(c.db).map((f) => [f.id, f.bundle]))
  const table = loadControls()
  const ctx = { evidenceEnd: evidenceEnd(c.db), bundleOf: (id: string) => bundles.get(id) ?? null, effectBy: (control: string) => table.effect(control).by }
  const ev = new CaseEvidence(c.db)
  const results: DerivedRci[] = []
  const used = new Map<string, { id: string; sha256: string; custom: boolean }>()
  const batch = Math.max(1, opts.batch ?? 20)
  const progress = (done: number, message?: string): void => {
    const secs = (Date.now() - t0) / 1000
    opts.onProgress?.({ operation: 'investigate', done, total: findings.length, unit: 'findings', rate: secs > 0 ? done / secs : 0, message })
  }
  const cancelled = (): InvestigationRunResult => ({
    status: 'cancelled',
    run: null,
    findings: findings.length,
    verdicts: { SAFE: 0, RISKY: 0, UNSAFE: 0, UNSCORED: 0 },
    changed: [],
    unchanged: 0,
    generic: 0,
    playbooks: [],
    bundles: [],
    durationMs: Date.now() - t0
  })
  const chosen = findings.map((f) => playbookFor(set, table, f))
  const timing = { readMs: Date.now() - t0, dedicatedMs: 0, genericMs: 0, writeMs: 0 }
  const generic = chosen.filter((pb) => pb.generic).length
  // the first thing the progress says is what the run will do, not an empty bar
  progress(
    0,
    `${findings.length.toLocaleString('en-US')} open finding${findings.length === 1 ? '' : 's'}: ${(findings.length - generic).toLocaleString('en-US')} by a playbook of their own, ${generic.toLocaleString('en-US')} by the generic investigation`
  )
  let lastShown = 0
  for (let i = 0; i < findings.length; i++) {
    if (i % batch === 0) {
      await yieldNow()
      if (opts.signal?.aborted) return cancelled()
    }
    const f = findings[i]
    const pb = chosen[i]
    used.set(pb.id, { id: pb.id, sha256: pb.sha256, custom: pb.custom })
    const began = performance.now()
    const doc = deriveRci(pb, subjectOf(f), ev, ctx)
    // kept as stored, its objects left to the collector: a run holds every result until it writes
    results.push(derivedRci(Number(f.id.slice(2)), doc))
    if (pb.generic) timing.genericMs += performance.now() - began
    else timing.dedicatedMs += performance.now() - began
    // a few times a second, and the last: one message a finding cost the worker and the main
    // thread more than some findings' investigation at 200,000 findings
    const shown = Date.now()
    if (i + 1 === findings.length || shown - lastShown >= PROGRESS_EVERY_MS) {
      lastShown = shown
      progress(i + 1, `${f.id} ${f.control}: ${doc.verdict}${pb.generic ? ' (generic investigation)' : ''}`)
    }
  }
  await yieldNow()
  if (opts.signal?.aborted) return cancelled()
  const writing = Date.now()
  const written = writeRun(
    c,
    { startedAt, results, playbooks: [...used.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), bundles: listBundles(c.db).map((b) => b.id) },
    { actor: opts.actor, now }
  )
  timing.writeMs = Date.now() - writing
  const rounded = { readMs: timing.readMs, dedicatedMs: Math.round(timing.dedicatedMs), genericMs: Math.round(timing.genericMs), writeMs: timing.writeMs }
  return { status: 'completed', ...written, generic, durationMs: Date.now() - t0, timing: rounded }
}

// ---- in a worker thread --------------------------------------------------------------------------

export interface WorkerInvestigateRequest {
  casePath: string
  /** the case key: the worker opens its own connection for the run's one write transaction */
  key: string
  actor: Actor
  customDir?: string | null
  findings?: string[]
  initiative?: string
}

export function asApiError(e: unknown): { code: ApiErrorCode; message: string } {
  if (isLastmileError(e)) return { code: e.code, message: e.message }
  return { code: 'internal', message: `internal error while investigating (${(e as Error)?.message ?? String(e)}); nothing was written` }
}

export interface RunningInvestigation {
  done: Promise<InvestigationRunResult>
  /** stop: the run writes nothing (its results are written in one transaction at the end) */
  cancel(): void
}

/** Investigate in a worker thread, off the calling thread's event loop, streaming progress. */
export function investigateInWorker(req: WorkerInvestigateRequest, onProgress?: (p: Progress) => void): RunningInvestigation {
  const worker = new WorkerClient<WorkerInvestigateRequest, InvestigationRunResult, Progress>(join(__dirname, 'investigate.worker.ts'), {
    failures: {
      failed: (e) => new LastmileError('internal', `the investigation worker failed (${e.message}); nothing was written`),
      stopped: (code) => new LastmileError('unavailable', `the investigation stopped (worker exit ${code}); nothing was written`)
    }
  })
  let settled = false
  let cancelRequested = false
  let killTimer: NodeJS.Timeout | null = null
  /** the reason the kill timer ends the thread with: a cancel, not a failure */
  const killed = new LastmileError('cancelled', 'the investigation was cancelled; nothing was written')
  const finish = (): void => {
    settled = true
    if (killTimer) clearTimeout(killTimer)
    void worker.terminate()
  }
  const done = worker.request(req, { onProgress }).then(
    (result) => {
      finish()
      return result
    },
    (e: unknown): InvestigationRunResult => {
      finish()
      if (!(cancelRequested && e === killed)) throw e
      const none: Record<RciVerdict, number> = { SAFE: 0, RISKY: 0, UNSAFE: 0, UNSCORED: 0 }
      return { status: 'cancelled', run: null, findings: 0, verdicts: none, changed: [], unchanged: 0, generic: 0, playbooks: [], bundles: [], durationMs: 0 }
    }
  )
  return {
    done,
    cancel() {
      if (settled || cancelRequested) return
      cancelRequested = true
      worker.cancel()
      // A run answers between findings; one stuck in a long read is stopped outright, which is
      // safe: its write is a single transaction that either committed or never began.
      killTimer = setTimeout(() => void worker.terminate(killed), 5000)
      killTimer.unref()
    }
  }
}
