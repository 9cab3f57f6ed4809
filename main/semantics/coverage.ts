// Coverage is evidence (EVIDENCE_BUNDLE.md): what a source actually covered, computed from the
// records themselves — first and last time, the hours that hold records, gaps longer than a day,
// files that could not be read, parts a collector could not fetch.
import type { FileProblem } from './bad-evidence'
import { iso } from './time'
import type { CoverageGap } from '../../shared/evidence'

const HOUR = 3600
const DAY = 86400

/** Stored per (bundle, source, resource); merged over bundles when asked. */
export interface CoverageDetail {
  /** runs of consecutive epoch hours holding records, inclusive */
  runs: Array<[number, number]>
  /** bundle paths of the files read */
  files: string[]
  problems: FileProblem[]
  /** spans the source itself says it skipped (VPC flow log SKIPDATA), epoch seconds */
  skipped: Array<[number, number]>
  /** parts a collector could not fetch */
  collectionGaps: Array<{ from: string | null; to: string | null; problem: string }>
  notes: string[]
}

export function emptyDetail(): CoverageDetail {
  return { runs: [], files: [], problems: [], skipped: [], collectionGaps: [], notes: [] }
}

export function hoursToRuns(hours: Iterable<number>): Array<[number, number]> {
  const sorted = [...new Set(hours)].sort((a, b) => a - b)
  const runs: Array<[number, number]> = []
  for (const h of sorted) {
    const last = runs[runs.length - 1]
    if (last && h <= last[1] + 1) last[1] = Math.max(last[1], h)
    else runs.push([h, h])
  }
  return runs
}

export function mergeRuns(a: Array<[number, number]>, b: Array<[number, number]>): Array<[number, number]> {
  const all = [...a, ...b].map((r) => [r[0], r[1]] as [number, number]).sort((x, y) => x[0] - y[0])
  const out: Array<[number, number]> = []
  for (const r of all) {
    const last = out[out.length - 1]
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1])
    else out.push(r)
  }
  return out
}

export function mergeDetails(a: CoverageDetail, b: CoverageDetail): CoverageDetail {
  return {
    runs: mergeRuns(a.runs, b.runs),
    files: [...new Set([...a.files, ...b.files])],
    problems: [...a.problems, ...b.problems],
    skipped: [...a.skipped, ...b.skipped],
    collectionGaps: [...a.collectionGaps, ...b.collectionGaps],
    notes: [...new Set([...a.notes, ...b.notes])]
  }
}

/**
 * Gaps: silences of more than a day between records, the stretch of the window before the first
 * and after the last record (beyond a day's tolerance), what the source skipped, and what a
 * collector could not fetch. `silence` explains what a silence means for this source.
 */
export function gapsOf(detail: CoverageDetail, window: { from: number; to: number } | null, silence: string): CoverageGap[] {
  const gaps: CoverageGap[] = []
  const runs = detail.runs
  for (let i = 1; i < runs.length; i++) {
    const from = (runs[i - 1][1] + 1) * HOUR
    const to = runs[i][0] * HOUR
    if (to - from > DAY && (!window || (to > window.from && from < window.to))) {
      gaps.push({ from: iso(from), to: iso(to), reason: 'no-records', detail: `no records for ${Math.round((to - from) / 3600)} hours: ${silence}` })
    }
  }
  if (window && runs.length) {
    const first = runs[0][0] * HOUR
    const last = (runs[runs.length - 1][1] + 1) * HOUR
    if (first - window.from > DAY) gaps.push({ from: iso(window.from), to: iso(first), reason: 'before-first-record', detail: 'the window starts before the first record' })
    if (window.to - last > DAY) gaps.push({ from: iso(last), to: iso(window.to), reason: 'after-last-record', detail: 'the window ends after the last record' })
  }
  for (const [s, e] of detail.skipped) gaps.push({ from: iso(s), to: iso(e), reason: 'skipped-by-source', detail: 'the source reports records skipped (SKIPDATA)' })
  for (const g of detail.collectionGaps) {
    gaps.push({ from: g.from ?? (window ? iso(window.from) : ''), to: g.to ?? (window ? iso(window.to) : ''), reason: 'collection-failed', detail: g.problem })
  }
  for (const p of detail.problems) {
    const t = timeInName(p.file)
    gaps.push({
      from: t !== null ? iso(t - HOUR) : window ? iso(window.from) : '',
      to: t !== null ? iso(t) : window ? iso(window.to) : '',
      reason: 'corrupt-file',
      detail: `${p.file}${p.place ? ` (${p.place})` : ''}: ${p.problem}`
    })
  }
  return gaps.sort((x, y) => (x.from < y.from ? -1 : x.from > y.from ? 1 : 0))
}

/**
 * The delivery time in a log file's name, when it has one: CloudTrail and VPC flow logs
 * `…_20250306T0230Z_…`, S3 access logs `2019-02-06-00-00-38-…`. It places a corrupt file's gap.
 */
export function timeInName(path: string): number | null {
  const base = path.slice(path.lastIndexOf('/') + 1)
  const a = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z/.exec(base)
  const b = /(?:^|[^\d])(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-\d{2}/.exec(base)
  const m = a ?? b
  if (!m) return null
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) / 1000
  return Number.isFinite(t) ? t : null
}
