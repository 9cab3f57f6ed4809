import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactElement } from 'react'
import type { RciVerdict } from '../../../shared/model'
import type { ApprovalQueueItem, PlanView } from '../../../shared/remediation'
import { call } from '../api'
import { useAppState, useOpenCase } from '../app-state'
import { PlanDialog } from '../approvals/PlanView'
import { TextField } from '../components/Field'
import { Modal } from '../components/Modal'
import { Notice } from '../components/Notice'
import { Page, Section } from '../components/Page'
import { describeError } from '../errors'
import { actorName, formatTime, plural } from '../format'
import '../styles/approvals.css'

const VERDICTS: readonly RciVerdict[] = ['SAFE', 'RISKY', 'UNSAFE', 'UNSCORED']
const READ_ONLY_REASON = 'This case is open read-only for review: decisions and plans cannot be recorded.'

type Decision = { kind: 'approve' | 'reject'; row: ApprovalQueueItem }

/** Why this row cannot be approved or rejected by the current person, or null when it can. */
function blockedReason(row: ApprovalQueueItem, readOnly: boolean): string | null {
  if (readOnly) return READ_ONLY_REASON
  if (row.verdict === 'UNSAFE') return 'UNSAFE: routed, cannot be approved.'
  if (row.blockedFor) return row.blockedFor
  return null
}

/** The Approvals queue: findings in active plans waiting for a decision, and their plans. */
export function ApprovalsPage(): ReactElement {
  const current = useOpenCase()
  const { identity } = useAppState()
  const readOnly = current.readOnly
  const [verdict, setVerdict] = useState<RciVerdict | ''>('')
  const [initiative, setInitiative] = useState('')
  const [requester, setRequester] = useState('')
  const [applied, setApplied] = useState<{ initiative: string; requester: string }>({ initiative: '', requester: '' })
  const [rows, setRows] = useState<ApprovalQueueItem[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [reload, setReload] = useState(0)
  const [selected, setSelected] = useState(0)
  const [decision, setDecision] = useState<Decision | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [planOpen, setPlanOpen] = useState<{ id: string; initial?: PlanView } | null>(null)
  const [planRef, setPlanRef] = useState('')
  const [planning, setPlanning] = useState(false)
  const [planError, setPlanError] = useState<string | null>(null)
  const rowRefs = useRef<Array<HTMLTableRowElement | null>>([])

  useEffect(() => {
    let live = true
    setLoading(true)
    call('approvals.queue', {
      verdict: verdict || undefined,
      initiative: applied.initiative.trim() || undefined,
      requester: applied.requester.trim() || undefined
    })
      .then((r) => {
        if (!live) return
        setRows(r)
        setError(null)
        setSelected((s) => Math.max(0, Math.min(s, r.length - 1)))
      })
      .catch((e: unknown) => live && setError(describeError(e)))
      .finally(() => live && setLoading(false))
    return () => {
      live = false
    }
  }, [verdict, applied, reload, current.id, identity.name, identity.role])

  const refresh = useCallback(() => setReload((n) => n + 1), [])

  function applyFilters(e: FormEvent): void {
    e.preventDefault()
    setApplied({ initiative, requester })
  }

  function open(kind: Decision['kind'], row: ApprovalQueueItem | undefined): void {
    if (!row || blockedReason(row, readOnly)) return
    setDone(null)
    setDecision({ kind, row })
  }

  function onListKey(e: KeyboardEvent<HTMLTableSectionElement>): void {
    if (!rows || rows.length === 0 || e.altKey || e.ctrlKey || e.metaKey) return
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      const next = Math.max(0, Math.min(rows.length - 1, selected + (e.key === 'ArrowDown' ? 1 : -1)))
      setSelected(next)
      rowRefs.current[next]?.focus()
    } else if (e.key === 'a' || e.key === 'r') {
      e.preventDefault()
      open(e.key === 'a' ? 'approve' : 'reject', rows[selected])
    } else if (e.key === 'Enter') {
      const row = rows[selected]
      if (row) setPlanOpen({ id: row.plan })
    }
  }

  async function planFix(e: FormEvent): Promise<void> {
    e.preventDefault()
    setPlanning(true)
    setPlanError(null)
    try {
      const plan = await call('remediation.plan', { ref: planRef.trim() })
      setPlanOpen({ id: plan.id, initial: plan })
      refresh()
    } catch (err) {
      setPlanError(describeError(err))
    } finally {
      setPlanning(false)
    }
  }

  return (
    <Page
      title="Approvals"
      description="Findings in active plans waiting for a decision. SAFE findings are approved together per plan; RISKY ones one by one, each with a reason; UNSAFE ones are routed to their owners and cannot be approved here. The person who requested a plan cannot approve it (four-eyes)."
      actions={
        <button type="button" className="button" onClick={refresh}>
          Refresh
        </button>
      }
    >
      {readOnly ? (
        <Notice tone="info" title="Read-only review">
          {READ_ONLY_REASON}
        </Notice>
      ) : null}
      {done ? (
        <Notice tone="success" title="Decision recorded">
          {done}
        </Notice>
      ) : null}

      <Section title="Plan a fix" description="Render a remediation plan from the evidence for a finding (F-12) or an initiative (I-3).">
        <form className="approvals-plan-form" onSubmit={(e) => void planFix(e)}>
          <TextField
            label="Finding or initiative"
            value={planRef}
            onChange={(e) => setPlanRef(e.target.value)}
            placeholder="F-12 or I-3"
            error={planError}
            disabled={readOnly}
            hint={readOnly ? READ_ONLY_REASON : undefined}
            addon={
              <button type="submit" className="button primary" disabled={readOnly || planning || planRef.trim() === ''}>
                {planning ? 'Planning…' : 'Plan a fix'}
              </button>
            }
          />
        </form>
      </Section>

      <form className="approvals-filters" onSubmit={applyFilters} aria-label="Filter the queue">
        <div className="field">
          <label htmlFor="approvals-verdict">Verdict</label>
          <div className="field-row">
            <select id="approvals-verdict" value={verdict} onChange={(e) => setVerdict(e.target.value as RciVerdict | '')}>
              <option value="">All verdicts</option>
              {VERDICTS.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </div>
        </div>
        <TextField label="Initiative" value={initiative} placeholder="I-3" onChange={(e) => setInitiative(e.target.value)} />
        <TextField label="Requester" value={requester} placeholder="a name" onChange={(e) => setRequester(e.target.value)} />
        <button type="submit" className="button">
          Apply filters
        </button>
      </form>

      {error ? (
        <Notice tone="error" title="The queue could not be loaded">
          {error}
        </Notice>
      ) : null}

      <div className="table-card">
        <div className="table-scroll" role="region" aria-label="Approval queue">
          <table className="data-table approvals-table" aria-busy={loading}>
            <thead>
              <tr>
                <th scope="col">Finding</th>
                <th scope="col">Resource</th>
                <th scope="col">Verdict</th>
                <th scope="col">Plan</th>
                <th scope="col">Requester</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody onKeyDown={onListKey}>
              {rows?.map((row, n) => {
                const blocked = blockedReason(row, readOnly)
                return (
                  <tr
                    key={`${row.plan}-${row.finding}`}
                    ref={(el) => {
                      rowRefs.current[n] = el
                    }}
                    tabIndex={n === selected ? 0 : -1}
                    aria-selected={n === selected}
                    className={n === selected ? 'approvals-row selected' : 'approvals-row'}
                    data-testid={`queue-${row.finding}`}
                    onFocus={() => setSelected(n)}
                    onClick={() => setSelected(n)}
                  >
                    <td className="nowrap">
                      <strong>{row.finding}</strong>
                      <div className="muted">{row.control}</div>
                    </td>
                    <td className="mono truncate" title={row.resource}>
                      {row.resource}
                    </td>
                    <td>
                      <span className={`verdict verdict-${row.verdict.toLowerCase()}`}>{row.verdict}</span>
                      {row.bulk ? <div className="muted">bulk with the plan</div> : null}
                    </td>
                    <td className="nowrap">
                      <button type="button" className="link-button" onClick={() => setPlanOpen({ id: row.plan })}>
                        {row.plan}
                      </button>
                      {row.initiative ? <div className="muted">{row.initiative}</div> : null}
                    </td>
                    <td className="nowrap">
                      {actorName(row.requestedBy)}
                      <div className="muted">
                        <time dateTime={row.requestedAt}>{formatTime(row.requestedAt)}</time>
                      </div>
                    </td>
                    <td className="details">
                      {row.state}
                      {blocked ? <div className="approvals-blocked">{blocked}</div> : null}
                    </td>
                    <td className="nowrap">
                      <button type="button" className="button small primary" disabled={blocked !== null} title={blocked ?? undefined} onClick={() => open('approve', row)}>
                        Approve
                      </button>{' '}
                      <button type="button" className="button small" disabled={blocked !== null} title={blocked ?? undefined} onClick={() => open('reject', row)}>
                        Reject
                      </button>
                    </td>
                  </tr>
                )
              })}
              {rows && rows.length === 0 ? (
                <tr>
                  <td colSpan={7} className="table-empty">
                    Nothing is waiting for a decision.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        <div className="pager">
          <span className="muted" aria-live="polite">
            {rows ? plural(rows.length, 'finding') + ' waiting' : ''}
          </span>
          <span className="muted">↑/↓ move · a approve · r reject · Enter shows the plan</span>
        </div>
      </div>

      {decision ? (
        <DecisionDialog
          decision={decision}
          onClose={() => setDecision(null)}
          onDone={(message) => {
            setDecision(null)
            setDone(message)
            refresh()
          }}
        />
      ) : null}
      {planOpen ? <PlanDialog id={planOpen.id} initial={planOpen.initial} onClose={() => setPlanOpen(null)} /> : null}
    </Page>
  )
}

function DecisionDialog({ decision, onClose, onDone }: { decision: Decision; onClose(): void; onDone(message: string): void }): ReactElement {
  const { kind, row } = decision
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const verb = kind === 'approve' ? 'Approve' : 'Reject'
  const scope = row.bulk ? `every SAFE finding of plan ${row.plan}` : `${row.finding} (plan ${row.plan})`

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault()
    if (reason.trim() === '') {
      setError('A reason is required.')
      return
    }
    setBusy(true)
    setError(null)
    try {
      const input = { plan: row.plan, reason: reason.trim(), ...(row.bulk ? {} : { findings: [row.finding] }) }
      const result = await call(kind === 'approve' ? 'approvals.approve' : 'approvals.reject', input)
      const ids = result.approvals.map((a) => a.finding).join(', ')
      onDone(
        `${result.decision === 'approved' ? 'Approved' : 'Rejected'} ${ids || row.finding} under ${result.plan}.` +
          (result.pending.length ? ` Still waiting in this plan: ${result.pending.join(', ')}.` : '')
      )
    } catch (err) {
      setError(describeError(err))
      setBusy(false)
    }
  }

  return (
    <Modal title={`${verb} ${row.bulk ? row.plan : row.finding}`} onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <p className="modal-lead">
          {verb} {scope}. The reason is kept in the audit trail with the verdict and evidence it was based on.
        </p>
        <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} error={error} autoFocus maxLength={2000} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Saving…' : verb}
          </button>
        </div>
      </form>
    </Modal>
  )
}
