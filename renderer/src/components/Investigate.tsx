// Run the playbooks over an initiative's open findings, or over findings the user selected
// (`investigate.run`): long work, in a worker in main, with its progress shown and a Cancel that
// writes nothing.
import { useEffect, useRef, useState, type ReactElement } from 'react'
import type { InvestigationRunResult } from '../../../shared/investigate'
import { call } from '../api'
import { describeError } from '../errors'
import { invalidateFindings } from '../findings/data'
import { plural } from '../format'
import { useCancel, useProgress } from '../long-work'
import { Notice } from './Notice'
import { describeProgress, ProgressBar } from './Progress'

export type InvestigationTarget = { initiative: string } | { findings: string[] }

/** The Investigate button, and the panel under the toolbar with its progress and outcome. */
export function useInvestigation(target: InvestigationTarget, disabled?: boolean): { button: ReactElement; panel: ReactElement } {
  const selected = 'findings' in target
  const [running, setRunning] = useState(false)
  const [progress, setProgress] = useProgress('investigate')
  const [result, setResult] = useState<InvestigationRunResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const resultRef = useRef<HTMLDivElement>(null)
  const cancelRun = useCancel('investigate.cancel', setError)
  useEffect(() => {
    if (result || error) resultRef.current?.focus()
  }, [result, error])

  async function run(): Promise<void> {
    setRunning(true)
    cancelRun.reset()
    setProgress(null)
    setResult(null)
    setError(null)
    try {
      const r = await call('investigate.run', target)
      setResult(r)
      if (r.status === 'completed') invalidateFindings()
    } catch (e) {
      setError(describeError(e))
    } finally {
      setRunning(false)
    }
  }

  const v = result?.verdicts
  const button = (
    <button type="button" className="button small primary" onClick={() => void run()} disabled={disabled || running}>
      {running ? 'Investigating…' : selected ? `Investigate ${plural(target.findings.length, 'finding')}` : 'Investigate'}
    </button>
  )
  const panel = (
    <>
      {running ? (
        <div className="investigate-progress" aria-live="polite">
          <ProgressBar
            label={selected ? 'Investigating the selected findings' : 'Investigating the open findings'}
            done={progress?.done ?? 0}
            total={progress?.total ?? null}
            detail={progress ? describeProgress(progress) : 'Loading the playbooks and the evidence…'}
          />
          <button type="button" className="button small" onClick={() => void cancelRun.cancel()} disabled={cancelRun.cancelling}>
            {cancelRun.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      ) : null}
      {result?.status === 'cancelled' ? (
        <Notice ref={resultRef} tone="info" title="The investigation was cancelled">
          Nothing was written: the verdicts are as they were.
        </Notice>
      ) : null}
      {result?.status === 'completed' && v ? (
        <Notice ref={resultRef} tone="success" title={`Investigated ${plural(result.findings, selected ? 'finding' : 'open finding')}`}>
          {v.SAFE} SAFE, {v.RISKY} RISKY, {v.UNSAFE} UNSAFE{v.UNSCORED ? `, ${v.UNSCORED} not scored` : ''}; {plural(result.changed.length, 'verdict')} changed.
          {result.generic ? ` ${plural(result.generic, 'finding')} had no playbook of its own and got the generic investigation.` : ''}
        </Notice>
      ) : null}
      {error ? (
        <Notice ref={resultRef} tone="error" title="The investigation did not run">
          {error}
        </Notice>
      ) : null}
    </>
  )
  return { button, panel }
}
