// One remediation plan as rendered and stored: its artefacts, rollback, preconditions,
// validation, guardrails and the findings it leaves out (with why). Shown in a dialog.
import { useEffect, useState, type ReactElement } from 'react'
import type { Artefact, PlanView as PlanData } from '../../../shared/remediation'
import { call } from '../api'
import { Modal } from '../components/Modal'
import { Notice } from '../components/Notice'
import { describeError } from '../errors'
import { actorName, formatTime, shortHash } from '../format'
import { Highlighted } from './highlight'

function ArtefactBlock({ a }: { a: Artefact }): ReactElement {
  return (
    <figure className="artefact">
      <figcaption className="artefact-head">
        <code className="action">{a.kind}</code> <span className="mono">{a.name}</span>
        {a.finding ? <span className="muted"> · {a.finding}</span> : null}
        <span className="muted"> · {a.language}</span>
        <p className="artefact-purpose">{a.purpose}</p>
      </figcaption>
      <pre className="artefact-code" tabIndex={0} aria-label={`${a.name} (${a.language})`}>
        <code>
          <Highlighted text={a.content} language={a.language} />
        </code>
      </pre>
    </figure>
  )
}

function Artefacts({ title, list, empty }: { title: string; list: Artefact[]; empty: string }): ReactElement {
  return (
    <section className="plan-section">
      <h3>{title}</h3>
      {list.length === 0 ? <p className="muted">{empty}</p> : list.map((a) => <ArtefactBlock key={`${a.kind}-${a.name}`} a={a} />)}
    </section>
  )
}

function PlanBody({ plan }: { plan: PlanData }): ReactElement {
  return (
    <div className="plan-body" data-testid="plan-view">
      <p className="modal-lead">
        For <strong>{plan.target}</strong> · least safe verdict <span className={`verdict verdict-${plan.verdict.toLowerCase()}`}>{plan.verdict}</span> · {plan.status}
        {plan.supersededBy ? ` by ${plan.supersededBy} (${plan.supersedeReason ?? 'no reason given'})` : ''} · requested by {actorName(plan.requestedBy)}{' '}
        <time dateTime={plan.createdAt}>{formatTime(plan.createdAt)}</time> · SHA-256 <code title={plan.sha256}>{shortHash(plan.sha256)}</code>
        {plan.fourEyes ? ' · four-eyes: the requester cannot approve it' : ''}
      </p>
      <section className="plan-section">
        <h3>Findings</h3>
        <ul className="plan-list">
          {plan.findings.map((f) => (
            <li key={f.id}>
              <strong>{f.id}</strong> <span className={`verdict verdict-${f.verdict.toLowerCase()}`}>{f.verdict}</span> {f.control} · <span className="mono">{f.resource}</span> ·{' '}
              {f.state}
              {f.approval
                ? ` · ${f.approval.decision} by ${actorName(f.approval.actor)}: “${f.approval.reason}”${f.approval.void ? ` (void: ${f.approval.void.reason})` : ''}`
                : ''}
            </li>
          ))}
        </ul>
      </section>
      <section className="plan-section">
        <h3>Preconditions</h3>
        {plan.preconditions.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul className="plan-list">
            {plan.preconditions.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
      </section>
      <Artefacts title="Artefacts" list={plan.artefacts} empty="This plan has no artefacts." />
      <Artefacts title="Rollback" list={plan.rollback} empty="No rollback artefacts." />
      <section className="plan-section">
        <h3>Validation</h3>
        <p>{plan.validation}</p>
      </section>
      <Artefacts title="Guardrails" list={plan.guardrails} empty="No guardrails for this plan." />
      <section className="plan-section">
        <h3>Excluded findings</h3>
        {plan.excluded.length === 0 ? (
          <p className="muted">No finding of the target was left out.</p>
        ) : (
          <ul className="plan-list">
            {plan.excluded.map((x) => (
              <li key={x.finding}>
                <strong>{x.finding}</strong>: {x.reason}
              </li>
            ))}
          </ul>
        )}
      </section>
      {plan.notes.length > 0 ? (
        <section className="plan-section">
          <h3>Notes</h3>
          <ul className="plan-list">
            {plan.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  )
}

/** A dialog loading plan `id` (or showing `initial` when already loaded). */
export function PlanDialog({ id, initial, onClose }: { id: string; initial?: PlanData; onClose(): void }): ReactElement {
  const [plan, setPlan] = useState<PlanData | null>(initial ?? null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (initial) return
    let live = true
    call('remediation.getPlan', { id })
      .then((p) => live && setPlan(p))
      .catch((e: unknown) => live && setError(describeError(e)))
    return () => {
      live = false
    }
  }, [id, initial])
  return (
    <Modal title={`Plan ${id}`} onClose={onClose}>
      <div className="plan-dialog">
        {error ? (
          <Notice tone="error" title="The plan could not be loaded">
            {error}
          </Notice>
        ) : null}
        {plan ? <PlanBody plan={plan} /> : error ? null : <p className="muted">Loading…</p>}
      </div>
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  )
}
