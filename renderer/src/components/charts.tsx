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
  const words = total === 0 ? 'none' : parts.filter((p) => p.value > 0).map((p) => `${p.value.toLocaleString('en-US')} ${p.label}`).join(', ')
  let x = 0
  return (
    <svg
      className={`stacked-bar${className ? ` ${className}` : ''}`}
      viewBox="0 0 100 6"
      preserveAspectRatio="none"
      role="img"
      aria-label={`${label}: ${words}`}
    >
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
