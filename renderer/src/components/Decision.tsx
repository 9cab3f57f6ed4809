// A person's decision on findings (suppress, accept the risk, or clear it): for one finding on
// its page, or for many selected in a table, one `findings.decide` call each, with progress and
// a Stop button, since a selection can hold thousands. Main keeps the rules (the approver role, a
// reason, an expiry for an accepted risk, none on a fixed finding): a selection skips the findings
// they refuse one by one and says so.
import { useId, useRef, useState, type FormEvent, type ReactElement } from 'react'
import type { Decision, FindingView } from '../../../shared/ingest'
import type { Identity } from '../../../shared/contract'
import { APPROVER_ROLES, type Role } from '../../../shared/model'
import type { FindingWorkflowView } from '../../../shared/remediation'
import { ApiCallError, call } from '../api'
import { describeError } from '../errors'
import { invalidateFindings } from '../findings/data'
import { actorName, formatTime, plural } from '../format'
import { roleLabel } from './IdentityForm'
import { Modal } from './Modal'
import { Notice } from './Notice'
import { ProgressBar } from './Progress'
import { useAppState } from '../app-state'
import { useLoad } from '../use-load'

type DecisionChoice = Decision | 'clear'

/** Whether the person acting may decide: main refuses anyone else (the approver or admin role). */
function mayDecide(identity: Identity): boolean {
  return identity.roles.some((r: Role) => (APPROVER_ROLES as readonly Role[]).includes(r))
}

const WHO_DECIDES = 'Suppressing a finding or accepting its risk is an approver’s (or an admin’s) decision'

const VERB: Record<DecisionChoice, string> = { suppressed: 'Suppress', 'risk-accepted': 'Accept the risk of', clear: 'Clear the decision on' }

/** The form: a reason (required: it is recorded with the decision), and for an accepted risk the day it lapses (required, from today on). */
function DecisionForm({
  choice,
  count,
  busy,
  onSubmit,
  onCancel
}: {
  choice: DecisionChoice
  count: number
  busy: boolean
  onSubmit(reason: string, expires: string | null): void
  onCancel(): void
}): ReactElement {
  const [reason, setReason] = useState('')
  const [expires, setExpires] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [dateProblem, setDateProblem] = useState<string | null>(null)
  const reasonId = useId()
  const expiresId = useId()
  const submit = (e: FormEvent): void => {
    e.preventDefault()
    const noReason = !reason.trim()
    setProblem(noReason ? 'Say why: the reason is kept in the audit trail with your name.' : null)
    // an accepted risk lapses (and is reviewed then), on a day still to come: the end of that day, UTC
    const until = choice === 'risk-accepted' && expires ? new Date(`${expires}T23:59:59Z`) : null
    const badDate =
      choice !== 'risk-accepted'
        ? null
        : !until || Number.isNaN(until.getTime())
          ? 'Say until when: an accepted risk lapses on that day and the finding reopens.'
          : until.getTime() <= Date.now()
            ? 'Choose a day from today on: an acceptance that has already lapsed would reopen the finding at once.'
            : null
    setDateProblem(badDate)
    if (noReason || badDate) return
    onSubmit(reason.trim(), until ? until.toISOString() : null)
  }
  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={reasonId}>Reason</label>
        <textarea
          id={reasonId}
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${reasonId}-error` : undefined}
          disabled={busy}
          placeholder={
            choice === 'suppressed'
              ? 'e.g. the bucket only serves a public website through CloudFront'
              : choice === 'risk-accepted'
                ? 'e.g. legacy batch client; replacement planned for Q3'
                : 'e.g. the legacy client was retired; fix it now'
          }
        />
        {problem ? (
          <p id={`${reasonId}-error`} className="field-error">
            {problem}
          </p>
        ) : null}
      </div>
      {choice === 'risk-accepted' ? (
        <div className="field">
          <label htmlFor={expiresId}>Accepted until</label>
          <input
            id={expiresId}
            type="date"
            required
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            aria-invalid={dateProblem ? true : undefined}
            aria-describedby={dateProblem ? `${expiresId}-error` : undefined}
            disabled={busy}
          />
          {dateProblem ? (
            <p id={`${expiresId}-error`} className="field-error">
              {dateProblem}
            </p>
          ) : null}
        </div>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {VERB[choice]} {count === 1 ? 'the finding' : plural(count, 'finding')}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  )
}

/** The decision recorded on one finding, and the buttons to change it. */
export function FindingDecision({ finding, readOnly, onChanged }: { finding: FindingView; readOnly: boolean; onChanged(f: FindingView): void }): ReactElement {
  const { identity } = useAppState()
  const [choice, setChoice] = useState<DecisionChoice | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const d = finding.decision
  async function decide(reason: string, expires: string | null): Promise<void> {
    if (!choice) return
    setBusy(true)
    setError(null)
    try {
      const f = await call('findings.decide', { id: finding.id, decision: choice === 'clear' ? null : choice, reason, ...(expires ? { expires } : {}) })
      invalidateFindings()
      onChanged(f)
      setChoice(null)
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="stack">
      {d ? (
        <table className="kv-table">
          <tbody>
            <tr>
              <th scope="row">Decision</th>
              <td>
                <strong>{d.decision === 'suppressed' ? 'Suppressed' : 'Risk accepted'}</strong>
                {d.expires ? ` until ${formatTime(d.expires)}` : ''}
              </td>
            </tr>
            <tr>
              <th scope="row">By</th>
              <td>
                {actorName(d.by)}, {formatTime(d.at)}
              </td>
            </tr>
            <tr>
              <th scope="row">Reason</th>
              <td>{d.reason}</td>
            </tr>
          </tbody>
        </table>
      ) : (
        <p className="muted">No decision: the finding is handled by the scans and the investigation. {WHO_DECIDES}; a later import never changes it.</p>
      )}
      {error ? (
        <Notice tone="error" title="The decision was not recorded">
          {error}
        </Notice>
      ) : null}
      {readOnly ? null : !mayDecide(identity) ? (
        <p className="muted small-print" data-testid="decision-role">
          {WHO_DECIDES}: you hold {identity.roles.map(roleLabel).join(', ') || roleLabel(identity.role)} in this case. Its owner grants roles (Settings, People).
        </p>
      ) : (
        <div className="button-row">
          <button type="button" className="button small" onClick={() => setChoice('suppressed')}>
            Suppress…
          </button>
          <button type="button" className="button small" onClick={() => setChoice('risk-accepted')}>
            Accept the risk…
          </button>
          {d ? (
            <button type="button" className="button small ghost" onClick={() => setChoice('clear')}>
              Clear the decision…
            </button>
          ) : null}
        </div>
      )}
      {choice ? (
        <Modal title={`${VERB[choice]} ${finding.id}`} onClose={() => !busy && setChoice(null)}>
          {d && choice !== 'clear' ? <p className="muted">This replaces the decision recorded now; the finding’s history keeps both.</p> : null}
          <DecisionForm choice={choice} count={1} busy={busy} onSubmit={(r, x) => void decide(r, x)} onCancel={() => setChoice(null)} />
        </Modal>
      ) : null}
    </div>
  )
}

/**
 * Buttons for the findings selected in a table; the work runs one call at a time and can stop. The
 * selection stays afterwards, with the outcome beside it.
 */
export function BulkDecision({ ids }: { ids: string[] }): ReactElement {
  const { identity } = useAppState()
  const [choice, setChoice] = useState<DecisionChoice | null>(null)
  const [done, setDone] = useState<number | null>(null)
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'error'; title: string; text: string } | null>(null)
  const stop = useRef(false)
  const running = done !== null
  async function run(reason: string, expires: string | null): Promise<void> {
    if (!choice) return
    stop.current = false
    setOutcome(null)
    const todo = [...ids]
    let n = 0
    // findings the rules refuse one by one (a fixed finding is validated, not decided on): skipped, the first said
    const skipped: string[] = []
    let firstSkip = ''
    let tried = 0
    setDone(0)
    try {
      for (const id of todo) {
        if (stop.current) break
        try {
          await call('findings.decide', { id, decision: choice === 'clear' ? null : choice, reason, ...(expires ? { expires } : {}) })
          n++
        } catch (e) {
          if (!(e instanceof ApiCallError && e.code === 'conflict')) throw e
          if (!skipped.length) firstSkip = describeError(e)
          skipped.push(id)
        }
        tried++
        setDone(tried)
      }
      const skips = skipped.length ? ` ${plural(skipped.length, 'finding')} skipped (${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', …' : ''}): ${firstSkip}` : ''
      setOutcome(
        tried === todo.length
          ? { tone: skipped.length ? 'error' : 'success', title: `${plural(n, 'decision')} recorded`, text: `Each is in the audit trail with your name and the reason.${skips}` }
          : { tone: 'success', title: `Stopped after ${plural(n, 'decision')}`, text: `${plural(todo.length - tried, 'finding')} of the selection were left as they were.${skips}` }
      )
    } catch (e) {
      setOutcome({ tone: 'error', title: `Stopped after ${plural(n, 'decision')}`, text: describeError(e) })
    } finally {
      setDone(null)
      setChoice(null)
      if (n > 0) invalidateFindings()
    }
  }
  // the buttons only for a person main would let decide; others are told who may
  if (!mayDecide(identity)) return <span className="muted small-print">{WHO_DECIDES}.</span>
  return (
    <>
      <button type="button" className="button small" onClick={() => setChoice('suppressed')}>
        Suppress…
      </button>
      <button type="button" className="button small" onClick={() => setChoice('risk-accepted')}>
        Accept the risk…
      </button>
      <button type="button" className="button small" onClick={() => setChoice('clear')}>
        Clear decisions…
      </button>
      {outcome ? (
        <span className={outcome.tone === 'error' ? 'error-text' : 'inline-status'} role={outcome.tone === 'error' ? 'alert' : 'status'}>
          {outcome.title}. {outcome.text}
        </span>
      ) : null}
      {choice ? (
        <Modal title={`${VERB[choice]} ${plural(ids.length, 'finding')}`} onClose={() => (running ? (stop.current = true) : setChoice(null))}>
          {running ? (
            <div className="stack">
              <ProgressBar
                label="Recording decisions"
                done={done ?? 0}
                total={ids.length}
                detail={`${(done ?? 0).toLocaleString('en-US')} of ${ids.length.toLocaleString('en-US')}`}
              />
              <div className="form-actions">
                <button type="button" className="button" onClick={() => (stop.current = true)}>
                  Stop
                </button>
              </div>
            </div>
          ) : (
            <DecisionForm choice={choice} count={ids.length} busy={false} onSubmit={(r, x) => void run(r, x)} onCancel={() => setChoice(null)} />
          )}
        </Modal>
      ) : null}
    </>
  )
}

/** What happened to a finding in the workflow, newest first: decisions, plans, approvals, routing. */
export function WorkflowHistory({ finding }: { finding: string }): ReactElement | null {
  const wf = useLoad<FindingWorkflowView>(() => call('workflow.finding', { id: finding }), [finding], { followFindings: true })
  if (wf.error) return <p className="error-text small-print">{wf.error}</p>
  const history = wf.value?.history ?? []
  if (!history.length) return null
  return (
    <div className="workflow-history">
      <h3 className="sub-title">History</h3>
      <ol className="plain-list">
        {[...history].reverse().map((h, i) => (
          <li key={`${h.at}-${i}`}>
            <time dateTime={h.at} className="muted small-print">
              {formatTime(h.at)}
            </time>{' '}
            <span>
              {h.from} → <strong>{h.to}</strong>
            </span>{' '}
            <span className="muted">
              {h.event} · {actorName(h.actor)}
            </span>
            {h.reason ? <div className="small-print">{h.reason}</div> : null}
          </li>
        ))}
      </ol>
    </div>
  )
}
