import type { ReactElement } from 'react'
import type { Progress } from '../../../shared/model'

function amount(n: number, unit: string): string {
  if (unit === 'bytes') {
    if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`
    if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`
    if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`
    return `${n} B`
  }
  return `${n.toLocaleString('en-US')} ${unit}`
}

/** A determinate bar when the total is known, an indeterminate one otherwise; always with words. */
export function ProgressBar({ label, done, total, detail }: { label: string; done: number; total: number | null; detail?: string }): ReactElement {
  const pct = total && total > 0 ? Math.min(100, Math.round((done / total) * 100)) : null
  return (
    <div className="progress">
      <div className="progress-head">
        <span className="progress-label">{label}</span>
        <span className="progress-figure">{pct === null ? '' : `${pct}%`}</span>
      </div>
      <progress max={total && total > 0 ? total : undefined} value={total && total > 0 ? done : undefined} aria-label={label} />
      {detail ? <p className="progress-detail">{detail}</p> : null}
    </div>
  )
}

/** The words under a bar for a `progress` event from main. */
export function describeProgress(p: Progress): string {
  const parts = [p.total ? `${amount(p.done, p.unit)} of ${amount(p.total, p.unit)}` : amount(p.done, p.unit)]
  if (p.rate > 0) parts.push(`${amount(Math.round(p.rate), p.unit)}/s`)
  if (p.message) parts.push(p.message)
  return parts.join(' · ')
}
