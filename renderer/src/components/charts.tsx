// Small charts drawn locally in SVG (no chart library, nothing fetched): a stacked bar for a
// severity mix or an RCI mix, with its legend. Colours come from CSS classes (theme.css), so
// they follow the light and dark themes; every chart says in words what it shows.
import type { ReactElement } from 'react'
import type { RciVerdict, Severity } from '../../../shared/model'

export interface BarPart {
  key: string
  label: string
  value: number
}

/** One horizontal bar split by the parts' shares; empty parts take no room. */
export function StackedBar({ parts, label, className }: { parts: BarPart[]; label: string; className?: string }): ReactElement {
  const total = parts.reduce((n, p) => n + p.value, 0)
  const words =
    total === 0
      ? 'none'
      : parts
          .filter((p) => p.value > 0)
          .map((p) => `${p.value.toLocaleString('en-US')} ${p.label}`)
          .join(', ')
  let x = 0
  return (
    <svg className={`stacked-bar${className ? ` ${className}` : ''}`} viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label={`${label}: ${words}`}>
      <rect className="bar-track" x="0" y="0" width="100" height="6" />
      {total > 0
        ? parts.map((p) => {
            if (p.value <= 0) return null
            const w = (p.value / total) * 100
            const rect = <rect key={p.key} className={`fill-${p.key}`} x={x} y="0" width={w} height="6" />
            x += w
            return rect
          })
        : null}
    </svg>
  )
}

/** The bar's key, as small swatches with counts; zero counts are left out. */
export function Legend({ parts, className }: { parts: BarPart[]; className?: string }): ReactElement {
  return (
    <ul className={`legend${className ? ` ${className}` : ''}`} aria-hidden="true">
      {parts
        .filter((p) => p.value > 0)
        .map((p) => (
          <li key={p.key}>
            <span className={`swatch bg-${p.key}`} />
            {p.value.toLocaleString('en-US')} {p.label}
          </li>
        ))}
    </ul>
  )
}

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'informational']
const VERDICT_ORDER: readonly RciVerdict[] = ['SAFE', 'RISKY', 'UNSAFE', 'UNSCORED']

export function severityParts(mix: Record<Severity, number>): BarPart[] {
  return SEVERITY_ORDER.map((s) => ({ key: `sev-${s}`, label: s === 'informational' ? 'info' : s, value: mix[s] ?? 0 }))
}

export function verdictParts(mix: Record<RciVerdict, number>): BarPart[] {
  return VERDICT_ORDER.map((v) => ({ key: `rci-${v.toLowerCase()}`, label: v === 'UNSCORED' ? 'not scored' : v, value: mix[v] ?? 0 }))
}

export function SeverityBadge({ severity }: { severity: Severity }): ReactElement {
  return <span className={`pill sev sev-pill-${severity}`}>{severity === 'informational' ? 'info' : severity}</span>
}

export function VerdictBadge({ verdict }: { verdict: RciVerdict }): ReactElement {
  return <span className={`pill rci rci-pill-${verdict.toLowerCase()}`}>{verdict === 'UNSCORED' ? 'not scored' : verdict}</span>
}

export function StatusBadge({ status }: { status: string }): ReactElement {
  return <span className={`pill status status-${status}`}>{status}</span>
}

export interface FunnelRow {
  key: string
  label: string
  value: number
  /** what puts a finding here, shown on hover */
  rule?: string
}

/**
 * Where things are on their way, one bar per stage in order, as a list a screen reader reads
 * row by row ("Awaiting approval: 12 findings"); the bars are proportional to the largest stage.
 */
export function StageFunnel({ rows, unit, label }: { rows: FunnelRow[]; unit: (n: number) => string; label: string }): ReactElement {
  const max = Math.max(1, ...rows.map((r) => r.value))
  return (
    <ol className="funnel" aria-label={label}>
      {rows.map((r) => (
        <li key={r.key} className={r.value ? undefined : 'empty'} title={r.rule}>
          <span className="funnel-label">{r.label}</span>
          <span className="funnel-track" aria-hidden="true">
            <span className="funnel-bar" style={{ width: `${(r.value / max) * 100}%` }} />
          </span>
          <span className="funnel-value">
            <span className="sr-only">: </span>
            {unit(r.value)}
          </span>
        </li>
      ))}
    </ol>
  )
}

export interface SeriesPoint {
  /** the value after this point's event */
  value: number
  /** the x-axis label (a date) */
  label: string
  /** what happened here, for the tooltip */
  detail: string
}

const EW = 320
const EH = 96
const PAD = { top: 8, right: 8, bottom: 18, left: 30 }

/**
 * A step chart of a count after each event (each import), evenly spaced: the count holds until
 * the next event. Drawn in SVG; the chart says in words what it shows (first, last, highest).
 */
export function StepChart({ points, label, unit }: { points: SeriesPoint[]; label: string; unit: (n: number) => string }): ReactElement {
  if (points.length === 0) return <p className="muted small-print">Nothing imported yet.</p>
  const max = Math.max(1, ...points.map((p) => p.value))
  const w = EW - PAD.left - PAD.right
  const h = EH - PAD.top - PAD.bottom
  // one step per point, plus the last one held to the right edge
  const step = w / points.length
  const x = (i: number): number => PAD.left + i * step
  const y = (v: number): number => PAD.top + h - (v / max) * h
  let line = `M ${x(0)} ${y(points[0]!.value)}`
  points.forEach((p, i) => {
    if (i > 0) line += ` H ${x(i)} V ${y(p.value)}`
  })
  line += ` H ${x(points.length)}`
  const area = `${line} V ${y(0)} H ${x(0)} Z`
  const highest = points.reduce((a, p) => (p.value > a.value ? p : a), points[0]!)
  const first = points[0]!
  const last = points[points.length - 1]!
  const words =
    points.length === 1
      ? `${unit(first.value)} after ${first.label}`
      : `${unit(first.value)} after ${first.label}, ${unit(last.value)} after ${last.label}; highest ${unit(highest.value)} after ${highest.label}`
  // a few labels, each said once: several imports on one day share its date
  const ticks = (points.length <= 6 ? points.map((_, i) => i) : [0, Math.floor((points.length - 1) / 2), points.length - 1]).filter(
    (i, k, all) => k === 0 || points[i]!.label !== points[all[k - 1]!]!.label
  )
  return (
    <svg className="step-chart" viewBox={`0 0 ${EW} ${EH}`} role="img" aria-label={`${label}: ${words}`}>
      <line className="axis" x1={PAD.left} x2={EW - PAD.right} y1={y(0)} y2={y(0)} />
      <text className="axis-label" x={PAD.left - 4} y={y(max) + 4} textAnchor="end">
        {max.toLocaleString('en-US')}
      </text>
      <text className="axis-label" x={PAD.left - 4} y={y(0)} textAnchor="end">
        0
      </text>
      <path className="step-area" d={area} />
      <path className="step-line" d={line} />
      {points.map((p, i) => (
        <rect key={i} className="step-hit" x={x(i)} y={PAD.top} width={step} height={h}>
          <title>{`${p.label}: ${unit(p.value)}. ${p.detail}`}</title>
        </rect>
      ))}
      {ticks.map((i) => (
        <text key={i} className="axis-label" x={x(i) + step / 2} y={EH - 4} textAnchor="middle">
          {points[i]!.label}
        </text>
      ))}
    </svg>
  )
}
