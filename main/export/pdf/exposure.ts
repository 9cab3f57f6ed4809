import type { ReportFinding } from '../../report/data'

export interface ExposurePoint {
  /** end of the bucket (ISO time) */
  at: string
  /** findings open at that moment */
  open: number
  /** of which high or critical */
  severe: number
}

/**
 * Open exposure over time: how many findings were open at the end of each of up to `buckets`
 * equal steps between the first finding and `until`. A finding is open from its `firstSeen`
 * until its `closedAt` (suppressed findings count as closed from the moment they are closed,
 * like resolved ones). A sweep over sorted open/close events: O(n log n) for any size.
 */
export function exposureSeries(findings: readonly ReportFinding[], until: string, buckets = 48): ExposurePoint[] {
  const events: Array<{ t: number; d: number; severe: boolean }> = []
  for (const f of findings) {
    const open = Date.parse(f.firstSeen)
    if (!Number.isFinite(open)) continue
    const severe = f.severity === 'high' || f.severity === 'critical'
    events.push({ t: open, d: 1, severe })
    const close = f.closedAt ? Date.parse(f.closedAt) : NaN
    if (Number.isFinite(close)) events.push({ t: Math.max(close, open), d: -1, severe })
  }
  if (events.length === 0) return []
  events.sort((a, b) => a.t - b.t || a.d - b.d)
  const start = events[0].t
  const end = Math.max(Date.parse(until) || start, events[events.length - 1].t)
  if (end === start) {
    let open = 0
    let severe = 0
    for (const e of events) {
      open += e.d
      if (e.severe) severe += e.d
    }
    return [{ at: new Date(end).toISOString(), open, severe }]
  }
  const n = Math.max(2, buckets)
  const step = (end - start) / (n - 1)
  const out: ExposurePoint[] = []
  let i = 0
  let open = 0
  let severe = 0
  for (let b = 0; b < n; b++) {
    const t = b === n - 1 ? end : start + b * step
    while (i < events.length && events[i].t <= t) {
      open += events[i].d
      if (events[i].severe) severe += events[i].d
      i++
    }
    out.push({ at: new Date(t).toISOString(), open, severe })
  }
  return out
}
