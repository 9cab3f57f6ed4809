import type { PdfCanvas, TextStyle } from './canvas'
import type { ExposurePoint } from './exposure'

// The executive summary's charts, drawn as vector paths (they stay sharp at any zoom and add
// almost nothing to the file). Every chart is labelled with its numbers, so it reads in grey
// print and in extracted text too.

export interface Box {
  x: number
  y: number
  w: number
  h: number
}

export interface Slice {
  label: string
  value: number
  color: string
}

const LABEL: TextStyle = { face: 'regular', size: 8, color: '#333333' }
const SMALL: TextStyle = { face: 'regular', size: 7, color: '#555555' }
const GRID = '#d9d9d9'
const AXIS = '#888888'

/** An empty chart says why it is empty, inside the same frame the chart would have used. */
export function emptyChart(cv: PdfCanvas, box: Box, message: string): void {
  cv.rect(box.x, box.y, box.w, box.h, { stroke: GRID, lineWidth: 0.5 })
  const lines = cv.wrap(message, box.w - 24, LABEL)
  const lh = cv.lineHeight(LABEL)
  let y = box.y + box.h / 2 - (lines.length * lh) / 2
  for (const l of lines) {
    cv.text(l, box.x + 12, y, { ...LABEL, color: '#666666' }, { align: 'center', width: box.w - 24 })
    y += lh
  }
}

/** A donut with a legend beside it: label, count and share. */
export function donutChart(cv: PdfCanvas, box: Box, slices: Slice[], center: string): void {
  const total = slices.reduce((s, x) => s + x.value, 0)
  const r = Math.min(box.h / 2 - 4, box.w / 4)
  const cx = box.x + r + 4
  const cy = box.y + box.h / 2
  let a = 0
  for (const s of slices) {
    if (s.value <= 0) continue
    const span = (s.value / total) * Math.PI * 2
    // A full ring cannot be one arc from a point to itself: draw it as two halves.
    if (span >= Math.PI * 2 - 1e-9) {
      cv.ringSlice(cx, cy, r, r * 0.58, 0, Math.PI, s.color)
      cv.ringSlice(cx, cy, r, r * 0.58, Math.PI, Math.PI * 2, s.color)
    } else cv.ringSlice(cx, cy, r, r * 0.58, a, a + span, s.color)
    a += span
  }
  const big: TextStyle = { face: 'bold', size: 13, color: '#1a1a1a' }
  cv.text(String(total), cx - r, cy - cv.lineHeight(big) + 2, big, { align: 'center', width: 2 * r })
  cv.text(center, cx - r, cy + 1, SMALL, { align: 'center', width: 2 * r })
  const lx = cx + r + 16
  let ly = box.y + Math.max(0, box.h / 2 - (slices.length * 14) / 2)
  for (const s of slices) {
    cv.rect(lx, ly + 2, 8, 8, { fill: s.color })
    const pct = total ? Math.round((s.value / total) * 100) : 0
    cv.text(`${s.label}  ${s.value}  (${pct}%)`, lx + 13, ly, LABEL)
    ly += 14
  }
}

/** Horizontal bars, one per label, each with its count. */
export function barChart(cv: PdfCanvas, box: Box, bars: Slice[]): void {
  const max = Math.max(1, ...bars.map((b) => b.value))
  const labelW = Math.max(...bars.map((b) => cv.width(b.label, LABEL))) + 8
  const rowH = Math.min(18, box.h / Math.max(1, bars.length))
  const barH = rowH * 0.62
  const areaW = box.w - labelW - 36
  let y = box.y + (box.h - rowH * bars.length) / 2
  for (const b of bars) {
    cv.text(b.label, box.x, y + (rowH - cv.lineHeight(LABEL)) / 2, LABEL, { align: 'right', width: labelW - 6 })
    const w = (b.value / max) * areaW
    cv.rect(box.x + labelW, y + (rowH - barH) / 2, areaW, barH, { fill: '#f2f2f2' })
    if (w > 0) cv.rect(box.x + labelW, y + (rowH - barH) / 2, w, barH, { fill: b.color })
    cv.text(String(b.value), box.x + labelW + Math.max(w, 0) + 4, y + (rowH - cv.lineHeight(LABEL)) / 2, LABEL)
    y += rowH
  }
}

/**
 * Axis ticks for values up to `max`: a step of 1, 2 or 5 × 10^n giving at most 5 intervals, so
 * the labels are whole numbers people read at a glance.
 */
export function axisTicks(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 }
  for (let p = 1; ; p *= 10) {
    for (const m of [1, 2, 5]) {
      const step = m * p
      if (Math.ceil(max / step) <= 5) return { top: Math.ceil(max / step) * step, step }
    }
  }
}

/** Open findings over time: all open (dark) and high/critical open (red), with axes and legend. */
export function exposureChart(cv: PdfCanvas, box: Box, points: ExposurePoint[]): void {
  const left = box.x + 34
  const right = box.x + box.w - 8
  const top = box.y + 16
  const bottom = box.y + box.h - 18
  const { top: ymax, step } = axisTicks(Math.max(...points.map((p) => p.open)))
  const t0 = Date.parse(points[0].at)
  const t1 = Date.parse(points[points.length - 1].at)
  const X = (t: number): number => (t1 === t0 ? (left + right) / 2 : left + ((t - t0) / (t1 - t0)) * (right - left))
  const Y = (v: number): number => bottom - (v / ymax) * (bottom - top)
  for (let v = 0; v <= ymax; v += step) {
    cv.line(left, Y(v), right, Y(v), GRID, 0.4)
    cv.text(String(v), box.x, Y(v) - 4, SMALL, { align: 'right', width: 30 })
  }
  cv.line(left, bottom, right, bottom, AXIS, 0.6)
  cv.line(left, top, left, bottom, AXIS, 0.6)
  const day = (t: number): string => new Date(t).toISOString().slice(0, 10)
  cv.text(day(t0), left, bottom + 4, SMALL)
  if (t1 !== t0) {
    cv.text(day(t1), right - 60, bottom + 4, SMALL, { align: 'right', width: 60 })
    cv.text(day((t0 + t1) / 2), (left + right) / 2 - 30, bottom + 4, SMALL, { align: 'center', width: 60 })
  }
  const line = (key: 'open' | 'severe'): Array<[number, number]> => points.map((p) => [X(Date.parse(p.at)), Y(p[key])])
  if (points.length === 1) {
    cv.rect(X(t0) - 2, Y(points[0].open) - 2, 4, 4, { fill: '#1f3b57' })
    cv.rect(X(t0) - 2, Y(points[0].severe) - 2, 4, 4, { fill: '#c62828' })
  } else {
    // The area under "open" first, then both lines on top.
    cv.polygon([[X(t0), bottom], ...line('open'), [X(t1), bottom]], '#dfe8f1')
    cv.polyline(line('open'), '#1f3b57', 1.2)
    cv.polyline(line('severe'), '#c62828', 1.2)
  }
  const last = points[points.length - 1]
  cv.rect(left + 4, box.y + 2, 8, 8, { fill: '#1f3b57' })
  cv.text(`open findings (now ${last.open})`, left + 16, box.y, SMALL)
  const lx = left + 20 + cv.width(`open findings (now ${last.open})`, SMALL) + 12
  cv.rect(lx, box.y + 2, 8, 8, { fill: '#c62828' })
  cv.text(`of which high or critical (now ${last.severe})`, lx + 12, box.y, SMALL)
}
