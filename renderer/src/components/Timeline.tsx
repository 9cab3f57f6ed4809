// The evidence timeline of a finding or an initiative: every evidence record that touches its
// resources (CloudTrail calls, access-log lines, flow-log summaries…), oldest first, from
// `evidence.timeline`. A histogram shows when things happened; drag across it (or use the
// buttons and the arrow keys) to zoom into a range. Filters by source and actor narrow both the
// chart and the list; the list itself is asked of main with the range and filters, so it is
// exact however many events the case holds.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactElement } from 'react'
import type { TimelineEvent } from '../../../shared/evidence'
import { call } from '../api'
import { describeError } from '../errors'
import { shortName } from '../findings/data'
import { formatTime, plural } from '../format'
import { baseName } from '../formats'
import { useNavigation } from '../navigation'
import { useLoad } from '../use-load'
import { Notice } from './Notice'

const OVERVIEW_LIMIT = 20_000
const LIST_LIMIT = 500
const BINS = 60
const DAY = 86_400_000

interface Range {
  from: number
  to: number
}

/** Counts of events per bin over [from, to). */
function histogram(times: readonly number[], range: Range, bins = BINS): number[] {
  const out = new Array<number>(bins).fill(0)
  const width = (range.to - range.from) / bins
  if (width <= 0) return out
  for (const t of times) {
    if (t < range.from || t > range.to) continue
    out[Math.min(bins - 1, Math.floor((t - range.from) / width))]!++
  }
  return out
}

/**
 * Zoom by `factor` (< 1 in, > 1 out) around `center` (default: the middle), never beyond `span`,
 * never under a minute.
 */
function zoom(range: Range, factor: number, span: Range, center?: number): Range {
  const mid = center ?? (range.from + range.to) / 2
  const half = Math.max(30_000, ((range.to - range.from) * factor) / 2)
  return clamp({ from: mid - half, to: mid + half }, span)
}

/** Move by `fraction` of the range's width, staying inside `span`. */
function pan(range: Range, fraction: number, span: Range): Range {
  const d = (range.to - range.from) * fraction
  return clamp({ from: range.from + d, to: range.to + d }, span)
}

function clamp(r: Range, span: Range): Range {
  const width = Math.min(r.to - r.from, span.to - span.from)
  let from = Math.max(span.from, r.from)
  let to = from + width
  if (to > span.to) {
    to = span.to
    from = to - width
  }
  return { from, to }
}

export function EvidenceTimeline({ subject }: { subject: string }): ReactElement {
  const { go } = useNavigation()
  const overview = useLoad(() => call('evidence.timeline', { ref: subject, limit: OVERVIEW_LIMIT }), [subject])
  const events = overview.value
  const span = useMemo<Range | null>(() => {
    if (!events?.length) return null
    const first = Date.parse(events[0]!.time)
    const last = Date.parse(events[events.length - 1]!.time)
    // a little room on both sides, and at least a day, so single events are not on the edge
    const pad = Math.max(DAY / 2, (last - first) * 0.02)
    return { from: first - pad, to: last + pad }
  }, [events])
  const [range, setRange] = useState<Range | null>(null)
  const [sources, setSources] = useState<string[]>([])
  const [actor, setActor] = useState('')
  const shown = range ?? span

  const sourceCounts = useMemo(() => count(events ?? [], (e) => e.source), [events])
  const actorCounts = useMemo(() => count(events ?? [], (e) => e.actor), [events])

  // The chart counts what the filters let through, over the range shown.
  const times = useMemo(
    () => (events ?? []).filter((e) => (sources.length === 0 || sources.includes(e.source)) && (!actor || e.actor === actor)).map((e) => Date.parse(e.time)),
    [events, sources, actor]
  )
  const bins = useMemo(() => (shown ? histogram(times, shown) : []), [times, shown])
  // "Zoom in" closes in on where the events of the range are, not on an empty middle.
  const focus = useMemo(() => {
    if (!shown) return undefined
    const inside = times.filter((t) => t >= shown.from && t <= shown.to)
    return inside.length ? inside[Math.floor(inside.length / 2)] : undefined
  }, [times, shown])

  const listQuery = useMemo(
    () =>
      shown
        ? {
            ref: subject,
            from: new Date(shown.from).toISOString(),
            to: new Date(shown.to).toISOString(),
            ...(sources.length ? { sources } : {}),
            ...(actor ? { actors: [actor] } : {}),
            limit: LIST_LIMIT
          }
        : null,
    [subject, shown, sources, actor]
  )
  const [list, setList] = useState<TimelineEvent[] | null>(null)
  const [listError, setListError] = useState<string | null>(null)
  useEffect(() => {
    if (!listQuery) return
    let live = true
    call('evidence.timeline', listQuery)
      .then((l) => {
        if (!live) return
        setList(l)
        setListError(null)
      })
      .catch((e: unknown) => live && setListError(describeError(e)))
    return () => {
      live = false
    }
  }, [listQuery])

  if (overview.error)
    return (
      <Notice tone="error" title="The evidence timeline could not be read">
        {overview.error}
      </Notice>
    )
  if (!events) return <p className="muted">Reading the evidence timeline…</p>
  if (!events.length || !span || !shown) {
    return (
      <div className="empty-inline">
        <p>No evidence in this case speaks about {subject.startsWith('I') ? 'these resources' : 'this resource'} yet.</p>
        <button type="button" className="button small" onClick={() => go('evidence')}>
          Add evidence…
        </button>
      </div>
    )
  }

  const toggleSource = (s: string): void => setSources((old) => (old.includes(s) ? old.filter((x) => x !== s) : [...old, s]))
  const whole = shown.from <= span.from && shown.to >= span.to
  return (
    <div className="timeline">
      <div className="timeline-filters">
        <div className="chip-group" role="group" aria-label="Sources">
          <span className="chip-label">Sources</span>
          {[...sourceCounts].map(([s, n]) => (
            <button key={s} type="button" className="chip" aria-pressed={sources.includes(s)} onClick={() => toggleSource(s)}>
              {s} <span className="chip-count">{n.toLocaleString('en-US')}</span>
            </button>
          ))}
        </div>
        <ActorFilter actors={actorCounts} value={actor} onChange={setActor} />
      </div>
      <RangeChart bins={bins} range={shown} span={span} onRange={setRange} />
      <div className="timeline-range">
        <span className="mono" data-testid="timeline-range">
          {formatTime(new Date(shown.from).toISOString())} – {formatTime(new Date(shown.to).toISOString())}
        </span>
        <div className="button-row">
          <button type="button" className="button small" onClick={() => setRange(pan(shown, -0.5, span))} disabled={shown.from <= span.from}>
            ◀ Earlier
          </button>
          <button type="button" className="button small" onClick={() => setRange(zoom(shown, 0.5, span, focus))}>
            Zoom in
          </button>
          <button type="button" className="button small" onClick={() => setRange(zoom(shown, 2, span))} disabled={whole}>
            Zoom out
          </button>
          <button type="button" className="button small" onClick={() => setRange(pan(shown, 0.5, span))} disabled={shown.to >= span.to}>
            Later ▶
          </button>
          <button type="button" className="button small ghost" onClick={() => setRange(null)} disabled={whole}>
            Whole timeline
          </button>
        </div>
      </div>
      {events.length >= OVERVIEW_LIMIT ? (
        <p className="muted small-print">The chart counts the first {OVERVIEW_LIMIT.toLocaleString('en-US')} events; the list below is exact for the range chosen.</p>
      ) : null}
      {listError ? <Notice tone="error">{listError}</Notice> : null}
      {list ? (
        <>
          <p className="muted small-print" aria-live="polite" data-testid="timeline-count">
            {list.length >= LIST_LIMIT
              ? `The first ${LIST_LIMIT.toLocaleString('en-US')} events of this range; zoom in to see the rest.`
              : `${plural(list.length, 'event')} in this range.`}
          </p>
          <div className="table-scroll timeline-list" role="region" aria-label="Timeline events" tabIndex={0}>
            <table className="data-table timeline-table">
              <thead>
                <tr>
                  <th scope="col" className="c-time">
                    Time
                  </th>
                  <th scope="col">Event</th>
                  <th scope="col" className="c-evidence">
                    Evidence
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((e) => (
                  <tr key={e.id}>
                    <td className="nowrap">
                      <time dateTime={e.time}>{formatTime(e.time)}</time>
                    </td>
                    <td>
                      <div className="event-head">
                        <code className="action">{e.action}</code>
                        {e.kind === 'daily-summary' ? <span className="pill muted-pill">daily summary</span> : null}
                        <span className="muted">{e.source}</span>
                        <span className="mono event-actor" title={e.actor}>
                          {e.actor}
                        </span>
                        {subject.toUpperCase().startsWith('I-') ? (
                          <span className="mono muted" title={e.resource}>
                            {shortName(e.resource)}
                          </span>
                        ) : null}
                      </div>
                      <div className="event-summary">{e.summary}</div>
                    </td>
                    <td className="mono c-evidence" title={`${e.path} ${e.place}`}>
                      <a
                        href={`#/evidence/${encodeURIComponent(e.evidence)}`}
                        onClick={(ev) => {
                          ev.preventDefault()
                          go('evidence', e.evidence)
                        }}
                      >
                        {baseName(e.path)}
                      </a>
                      <div className="muted">{e.place}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  )
}

function count<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>()
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1)
  return new Map([...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)))
}

function ActorFilter({ actors, value, onChange }: { actors: Map<string, number>; value: string; onChange(v: string): void }): ReactElement {
  const id = useId()
  return (
    <div className="inline-select">
      <label htmlFor={id}>Actor</label>
      <select id={id} className="compact" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All actors ({actors.size.toLocaleString('en-US')})</option>
        {[...actors].map(([a, n]) => (
          <option key={a} value={a}>
            {a} ({n.toLocaleString('en-US')})
          </option>
        ))}
      </select>
    </div>
  )
}

/** The histogram: drag across it to zoom into that range; ← → move, + − zoom, Home shows all. */
function RangeChart({ bins, range, span, onRange }: { bins: number[]; range: Range; span: Range; onRange(r: Range | null): void }): ReactElement {
  const ref = useRef<SVGSVGElement>(null)
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null)
  const max = Math.max(1, ...bins)
  const total = bins.reduce((n, b) => n + b, 0)
  const W = 600
  const H = 72
  const bw = W / Math.max(1, bins.length)
  const fraction = (clientX: number): number => {
    const box = ref.current?.getBoundingClientRect()
    if (!box || box.width === 0) return 0
    return Math.min(1, Math.max(0, (clientX - box.left) / box.width))
  }
  const onDown = (e: PointerEvent<SVGSVGElement>): void => {
    ref.current?.setPointerCapture(e.pointerId)
    const f = fraction(e.clientX)
    setDrag({ a: f, b: f })
  }
  const onMove = (e: PointerEvent<SVGSVGElement>): void => {
    if (drag) setDrag({ ...drag, b: fraction(e.clientX) })
  }
  const onUp = (): void => {
    if (!drag) return
    const lo = Math.min(drag.a, drag.b)
    const hi = Math.max(drag.a, drag.b)
    setDrag(null)
    // a click, not a drag: nothing to zoom into
    if (hi - lo < 0.01) return
    const width = range.to - range.from
    onRange({ from: range.from + lo * width, to: range.from + hi * width })
  }
  const onKey = (e: KeyboardEvent<SVGSVGElement>): void => {
    const actions: Record<string, () => Range | null> = {
      ArrowLeft: () => pan(range, -0.25, span),
      ArrowRight: () => pan(range, 0.25, span),
      '+': () => zoom(range, 0.5, span),
      '=': () => zoom(range, 0.5, span),
      '-': () => zoom(range, 2, span),
      Home: () => null
    }
    const act = actions[e.key]
    if (!act) return
    e.preventDefault()
    onRange(act())
  }
  return (
    <svg
      ref={ref}
      className="range-chart"
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      role="img"
      tabIndex={0}
      aria-label={`Events over time: ${total.toLocaleString('en-US')} in the range shown. Drag across the chart to zoom in; arrow keys move, plus and minus zoom, Home shows the whole timeline.`}
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={onUp}
      onPointerCancel={() => setDrag(null)}
      onKeyDown={onKey}
    >
      <rect className="chart-bg" x="0" y="0" width={W} height={H} />
      {bins.map((n, i) =>
        n > 0 ? <rect key={i} className="chart-bar" x={i * bw + 0.5} y={H - (n / max) * (H - 4)} width={Math.max(1, bw - 1)} height={(n / max) * (H - 4)} /> : null
      )}
      {drag ? <rect className="chart-brush" x={Math.min(drag.a, drag.b) * W} y="0" width={Math.abs(drag.b - drag.a) * W} height={H} /> : null}
    </svg>
  )
}
