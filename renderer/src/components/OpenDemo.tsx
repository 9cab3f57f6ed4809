// First start: the bundled demo case (fictitious company, three scanners, 90 days of evidence),
// built on first use by main and opened. Building takes a few seconds; progress says what it does.
import { useEffect, useState, type ReactElement } from 'react'
import type { Case } from '../../../shared/model'
import { call, onEvent } from '../api'
import { describeError } from '../errors'

export function OpenDemoButton({ onDone }: { onDone(c: Case): void }): ReactElement {
  const [busy, setBusy] = useState(false)
  const [step, setStep] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (!busy) return
    return onEvent('progress', (p) => {
      if (p.operation === 'demo' && p.message) setStep(p.message)
    })
  }, [busy])

  async function open(): Promise<void> {
    setBusy(true)
    setError(null)
    try {
      onDone(await call('case.openDemo', {}))
    } catch (e) {
      setError(describeError(e))
      setBusy(false)
    }
  }

  return (
    <>
      <button type="button" className="button" onClick={() => void open()} disabled={busy} aria-describedby={error ? 'demo-error' : undefined}>
        {busy ? 'Building the demo case…' : 'Open the demo case'}
      </button>
      {busy && step ? (
        <p className="muted" role="status">
          {step}
        </p>
      ) : null}
      {error ? (
        <p id="demo-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  )
}
