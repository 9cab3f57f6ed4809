// The catalogue share of imports (ImportSummary.catalogue) in words, the same for the CLI and the
// Import screen: how many failing alerts landed on catalogued controls, and the per-tool controls
// (rules the catalogue does not map) that hold the rest, so a reviewer knows what to add.
import type { CatalogueShare } from './ingest'

/** The shares of several imports as one: counts added, the per-tool controls merged, most alerts first. */
export function combineShares(shares: readonly CatalogueShare[]): CatalogueShare {
  const fallback = new Map<string, number>()
  let failing = 0
  let catalogued = 0
  for (const s of shares) {
    failing += s.failing
    catalogued += s.catalogued
    for (const f of s.fallback) fallback.set(f.control, (fallback.get(f.control) ?? 0) + f.alerts)
  }
  return {
    failing,
    catalogued,
    fallback: [...fallback].map(([control, alerts]) => ({ control, alerts })).sort((a, b) => b.alerts - a.alerts || a.control.localeCompare(b.control))
  }
}

/**
 * The catalogued part as a percentage with one decimal, rounded down and never to 0% or 100%
 * unless it is exactly that: one alert of 10,000 on a per-tool control is 99.9%, not 100%.
 */
export function sharePercent(s: CatalogueShare): string {
  if (s.failing === 0 || s.catalogued === s.failing) return '100%'
  if (s.catalogued === 0) return '0%'
  const tenths = Math.min(999, Math.max(1, Math.floor((s.catalogued * 1000) / s.failing)))
  return `${(tenths / 10).toFixed(1)}%`
}

const count = (v: number): string => v.toLocaleString('en-US')

/**
 * `98.4% of 1,234 failing alerts on catalogued controls; 20 on per-tool controls: prowler.foo (12),
 * wiz.bar (8)`, naming the `named` per-tool controls with most alerts; null when nothing failed.
 */
export function shareSentence(s: CatalogueShare, named = 5): string | null {
  if (s.failing === 0) return null
  const head = `${sharePercent(s)} of ${count(s.failing)} failing alert${s.failing === 1 ? '' : 's'} on catalogued controls`
  const rest = s.failing - s.catalogued
  if (rest === 0) return head
  const shown = s.fallback.slice(0, named).map((f) => `${f.control} (${count(f.alerts)})`)
  const more = s.fallback.length - shown.length
  return `${head}; ${count(rest)} on per-tool controls: ${shown.join(', ')}${more ? ` and ${count(more)} more` : ''}`
}
