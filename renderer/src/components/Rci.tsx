// A finding's Remediation Confidence Indicator with its reasons (`rci.get`): the verdict and why,
// each investigative step with its answer, how sure it is, the explanation and the evidence
// behind it, and how the verdict evolved from one investigation to the next.
import type { ReactElement } from 'react'
import type { RciStep, RciView } from '../../../shared/investigate'
import { call } from '../api'
import { formatTime } from '../format'
import { useNavigation } from '../navigation'
import { useLoad } from '../use-load'
import { VerdictBadge } from './charts'
import { Notice } from './Notice'

const REASON: Record<string, string> = {
  first: 'first investigation',
  evidence: 'the evidence changed',
  playbook: 'the playbook changed',
  finding: 'the finding changed'
}

export function RciReasoning({ finding }: { finding: string }): ReactElement {
  const rci = useLoad<RciView>(() => call('rci.get', { finding }), [finding], { followFindings: true })
  if (rci.error)
    return (
      <Notice tone="error" title="The RCI could not be read">
        {rci.error}
      </Notice>
    )
  if (!rci.value) return <p className="muted">Reading the RCI…</p>
  const { document: doc, history } = rci.value
  if (!doc) {
    return (
      <p className="muted">
        No investigation has run on this finding yet, so it has no verdict. Its steps, their answers and the evidence behind each will show here once one has.
      </p>
    )
  }
  return (
    <div className="stack">
      <div className="rci-head">
        <VerdictBadge verdict={doc.verdict} />
        <p className="rci-because">{doc.because}</p>
      </div>
      {doc.generic ? (
        <p className="small-print rci-generic" data-testid="rci-generic">
          <strong>Generic investigation.</strong> No playbook of its own covers {doc.control}: its verdict follows what the fix does — {doc.generic.effect} ({doc.generic.effectBy}
          ). A restrictive or replacing fix is never SAFE from a generic investigation.
        </p>
      ) : null}
      {doc.capped ? (
        <p className="small-print rci-capped">
          Capped at RISKY from {doc.capped.from}: {doc.capped.steps.join(', ')} answered unknown, and an unknown never counts as safe.
        </p>
      ) : null}
      <p className="muted small-print">
        {doc.generic
          ? `Generic investigation ${doc.playbook?.id ?? ''} v${doc.playbook?.version ?? 1}`
          : doc.playbook
            ? `Playbook ${doc.playbook.id} v${doc.playbook.version}${doc.playbook.custom ? ' (custom)' : ''}`
            : 'No playbook covers this finding'}
        {doc.rule ? ` · rule ${doc.rule}` : ''}
        {doc.window ? ` · evidence window ${formatTime(doc.window.from).slice(0, 10)} – ${formatTime(doc.window.to).slice(0, 10)}` : ''}
      </p>
      {doc.steps.length ? (
        <ol className="rci-steps">
          {doc.steps.map((s) => (
            <Step key={s.id} step={s} />
          ))}
        </ol>
      ) : null}
      {history.length ? (
        <div>
          <h3 className="sub-title">How the verdict evolved</h3>
          <ol className="rci-history">
            {[...history].reverse().map((h) => (
              <li key={h.seq}>
                <time dateTime={h.at}>{formatTime(h.at)}</time>{' '}
                {h.previous ? (
                  <>
                    <VerdictBadge verdict={h.previous} /> → <VerdictBadge verdict={h.verdict} />
                  </>
                ) : (
                  <VerdictBadge verdict={h.verdict} />
                )}{' '}
                <span className="muted">{REASON[h.reason] ?? h.reason}</span>
                {h.changes.length ? (
                  <ul className="plain-list small-print">
                    {h.changes.map((c) => (
                      <li key={c.step}>
                        {c.question}: {c.before ?? '—'} → {c.after ?? '—'}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  )
}

function Step({ step: s }: { step: RciStep }): ReactElement {
  const { go } = useNavigation()
  return (
    <li className="rci-step">
      <div className="rci-step-head">
        <span className="rci-question">{s.question}</span>
        <span className={`pill answer answer-pill-${s.answer}`}>{s.answer}</span>
      </div>
      <p>{s.explanation}</p>
      <p className="muted small-print">
        {s.certainty ? `${s.certainty} · ` : ''}
        {s.sources.length ? `from ${s.sources.join(', ')}` : 'from the configuration'}
        {s.window ? ` · ${formatTime(s.window.from).slice(0, 10)} – ${formatTime(s.window.to).slice(0, 10)}` : ''}
      </p>
      {s.evidence.length ? (
        <p className="muted small-print">
          Evidence:{' '}
          {s.evidence.map((e, i) => (
            <span key={e}>
              {i ? ', ' : ''}
              <a
                className="mono"
                href={`#/evidence/${encodeURIComponent(e)}`}
                onClick={(ev) => {
                  ev.preventDefault()
                  go('evidence', e)
                }}
              >
                {e}
              </a>
            </span>
          ))}
        </p>
      ) : null}
    </li>
  )
}
