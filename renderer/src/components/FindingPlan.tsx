// The plan of one finding on its detail page: which plan holds it and where it stands (planned,
// approved, rejected…), the plan itself in the plan view, and — when there is none yet — a way to
// plan the fix. UNSAFE findings, and findings of a control Lastmile renders no fix for (such as most
// of those a generic investigation judged), are never planned: the page says why and offers to route
// the finding to its owner instead.
import { useState, type ReactElement } from 'react'
import type { ControlView, FindingView } from '../../../shared/ingest'
import type { FindingWorkflowView, PlanView as PlanData, RoutingResult } from '../../../shared/remediation'
import { call } from '../api'
import { PlanDialog } from '../approvals/PlanView'
import { describeError } from '../errors'
import { invalidateFindings } from '../findings/data'
import { actorName, formatTime } from '../format'
import { useLoad } from '../use-load'
import { ShowInFolder } from './ShowInFolder'

const STATE_WORDS: Partial<Record<FindingWorkflowView['state'], string>> = {
  planned: 'planned: waiting for a named approver',
  approved: 'approved: the fix may run',
  rejected: 'rejected: a new plan is needed',
  failed: 'the fix failed; see the history',
  remediated: 'remediated: a later scan or check will tell',
  closed: 'closed: validated',
  routed: 'routed to its owner'
}

export function FindingPlan({ finding, readOnly }: { finding: FindingView; readOnly: boolean }): ReactElement {
  const wf = useLoad<FindingWorkflowView>(() => call('workflow.finding', { id: finding.id }), [finding.id], { followFindings: true })
  const [open, setOpen] = useState<{ id: string; initial?: PlanData } | null>(null)
  const [planning, setPlanning] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [routed, setRouted] = useState<RoutingResult | null>(null)
  // whether Lastmile renders a fix for the control: without one the finding is routed, not planned
  const control = useLoad<ControlView>(() => call('controls.get', { id: finding.control }), [finding.control])

  async function plan(): Promise<void> {
    setPlanning(true)
    setError(null)
    try {
      const p = await call('remediation.plan', { ref: finding.id })
      setOpen({ id: p.id, initial: p })
      invalidateFindings()
    } catch (e) {
      setError(describeError(e))
    } finally {
      setPlanning(false)
    }
  }

  async function route(): Promise<void> {
    setError(null)
    const out = await call('dialog.save', { purpose: 'routing' }).catch((e: unknown) => {
      setError(describeError(e))
      return null
    })
    if (!out) return
    setPlanning(true)
    try {
      setRouted(await call('workflow.route', { refs: [finding.id], groupBy: 'owner', out: out.token }))
      invalidateFindings()
    } catch (e) {
      setError(describeError(e))
    } finally {
      setPlanning(false)
    }
  }

  const routeButton = readOnly ? null : (
    <div className="form-actions">
      <button type="button" className="button" onClick={() => void route()} disabled={planning}>
        {planning ? 'Routing…' : 'Route to owner…'}
      </button>
    </div>
  )
  if (wf.error) return <p className="error-text">{wf.error}</p>
  if (!wf.value) return <p className="muted">Reading the workflow…</p>
  const w = wf.value
  const approvals = w.approvals.filter((a) => a.plan === w.plan)
  return (
    <div className="stack">
      {w.plan ? (
        <>
          <p>
            In plan <span className="mono">{w.plan}</span>: {STATE_WORDS[w.state] ?? w.state}.
          </p>
          {approvals.length ? (
            <ul className="plain-list small-print">
              {approvals.map((a) => (
                <li key={a.id}>
                  {a.decision === 'approved' ? 'Approved' : 'Rejected'} by {actorName(a.actor)} on {formatTime(a.at)}: {a.reason}
                </li>
              ))}
            </ul>
          ) : null}
          <div className="form-actions">
            <button type="button" className="button" onClick={() => setOpen({ id: w.plan! })}>
              Open the plan
            </button>
          </div>
        </>
      ) : finding.status !== 'open' ? (
        <p className="muted">No plan: the finding is {finding.status}.</p>
      ) : w.state === 'routed' ? (
        <p>Routed to its owner{w.reason ? `: ${w.reason}` : ''}. Its history shows when and by whom.</p>
      ) : finding.rci.verdict === 'UNSAFE' ? (
        <>
          <p className="muted">
            UNSAFE: the evidence shows the fix would break something in use, so it is never planned here. Route it to its owner with the whole investigation: a Markdown, JSON and
            ticket CSV package.
          </p>
          {routeButton}
        </>
      ) : finding.rci.verdict !== 'UNSCORED' && !control.value && !control.error ? (
        <p className="muted">Reading the control…</p>
      ) : finding.rci.verdict !== 'UNSCORED' && control.value && !control.value.fix ? (
        <>
          <p className="muted" data-testid="no-fix">
            Lastmile has no fix for this control, so there is nothing to plan here. Route it to its owner with the whole investigation: a Markdown, JSON and ticket CSV package.
          </p>
          {routeButton}
        </>
      ) : (
        <>
          <p className="muted">
            {finding.rci.verdict === 'UNSCORED'
              ? 'No plan yet. Investigate the finding first: a fix is planned from its RCI verdict.'
              : 'No plan yet. A plan renders the fix and its rollback from the evidence; RISKY fixes then wait for a named approver.'}
          </p>
          {readOnly ? null : (
            <div className="form-actions">
              <button type="button" className="button" onClick={() => void plan()} disabled={planning}>
                {planning ? 'Planning…' : 'Plan the fix'}
              </button>
            </div>
          )}
        </>
      )}
      {routed ? (
        <p role="status">
          Routing package written: {routed.files.length} files in <code className="hash-full">{routed.dir}</code>. <ShowInFolder path={routed.dir} />
        </p>
      ) : null}
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
      {open ? <PlanDialog id={open.id} initial={open.initial} onClose={() => setOpen(null)} /> : null}
    </div>
  )
}
