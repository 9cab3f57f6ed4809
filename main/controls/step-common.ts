// Building blocks the step functions share: answers with their evidence, and coverage said in
// plain words (what was covered, and where and why it was not).
import type { Coverage, CoverageSource, TimelineEvent } from '../../shared/evidence'
import type { StepCertainty, TimelineLink } from '../../shared/investigate'
import type { StepAnswer } from '../../shared/model'
import type { StepContext, StepOutcome } from './step'

export function sortedUnique(...lists: ReadonlyArray<readonly string[] | undefined>): string[] {
  return [...new Set(lists.flatMap((l) => l ?? []))].filter(Boolean).sort()
}

export function outcome(
  answer: StepAnswer,
  explanation: string,
  o: {
    evidence?: ReadonlyArray<readonly string[] | undefined>
    certainty?: StepCertainty | null
    sources?: CoverageSource[]
    windowed?: boolean
    timeline?: TimelineLink | null
  } = {}
): StepOutcome {
  return {
    answer,
    explanation,
    evidence: sortedUnique(...(o.evidence ?? [])),
    certainty: answer === 'unknown' ? null : (o.certainty ?? null),
    sources: [...new Set(o.sources ?? [])].sort() as CoverageSource[],
    windowed: o.windowed ?? false,
    timeline: o.timeline ?? null
  }
}

/** 2026-11-20T00:00:00Z → 2026-11-20 (explanations name days; the timeline has the instants) */
export const day = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : '?')

export function windowText(w: { from: string; to: string } | null): string {
  return w ? `${day(w.from)} to ${day(w.to)}` : 'the evidence window'
}

/**
 * Did `time` fall in the step's look-back (or is there no window to judge)? Anything after the
 * window's start counts, including what a bundle recorded after its nominal end: it happened.
 */
export function inWindow(time: string | null | undefined, w: { from: string; to: string } | null): boolean {
  if (!time) return false
  if (!w) return true
  return Date.parse(time) >= Date.parse(w.from)
}

const REASON_WORDS: Record<string, string> = {
  'no-records': 'no records',
  'before-first-record': 'nothing before the first record',
  'after-last-record': 'nothing after the last record',
  'skipped-by-source': 'records skipped by the source',
  'corrupt-file': 'an unreadable file',
  'collection-failed': 'not collected',
  'not-recorded': 'not recorded'
}

/** Coverage in one clause: "covered 2026-08-22 to 2026-11-20 (1,234 records in 4 files)" or why not. */
/** The window's days a log holds no record for (days counted since the epoch; a day without any record is a day the log does not cover). */
export function missingDays(days: readonly number[], w: { from: string; to: string }): number {
  const have = new Set(days)
  const from = Math.floor(Date.parse(w.from) / 86_400_000)
  const to = Math.ceil(Date.parse(w.to) / 86_400_000)
  let n = 0
  for (let d = from; d < to; d++) if (!have.has(d)) n++
  return n
}

export function coverageText(c: Coverage, what: string): string {
  if (c.state === 'covered') return `${what}: covered ${windowText(c.window)} (${c.records.toLocaleString('en-US')} records in ${c.files} file${c.files === 1 ? '' : 's'})`
  const gaps = c.gaps
    .slice(0, 3)
    .map(
      (g) =>
        `${g.from && g.to ? `${day(g.from)} to ${day(g.to)}` : 'the whole window'}: ${REASON_WORDS[g.reason] ?? g.reason}${g.reason === 'not-recorded' || g.reason === 'collection-failed' || g.reason === 'corrupt-file' ? ` (${g.detail})` : ''}`
    )
  const more = c.gaps.length > 3 ? `; and ${c.gaps.length - 3} more gap(s)` : ''
  if (c.state === 'none') {
    const why = c.recording?.explanation ?? c.notes[0] ?? 'nothing of this source in the evidence'
    return `${what}: no evidence (${why})`
  }
  // A partial coverage always says what is missing: its gaps, what the trail leaves unrecorded
  // (prefix-only or write-only data-event selectors have no gap in time), unreadable files.
  const parts = [...gaps]
  if (c.recording && c.recording.recorded !== 'all' && c.recording.recorded !== 'none' && !c.gaps.some((g) => g.reason === 'not-recorded' && g.detail === c.recording!.explanation))
    parts.push(c.recording.explanation)
  if (c.problems.length)
    parts.push(
      `${plural(c.problems.length, 'unreadable file')} (${c.problems
        .slice(0, 2)
        .map((p) => `${p.path}${p.place ? ` at ${p.place}` : ''}: ${p.problem}`)
        .join('; ')})`
    )
  if (!parts.length) parts.push(c.notes[0] ?? 'the records do not cover the whole window')
  return `${what}: only partly covered — ${parts.join('; ')}${more}`
}

/** A timeline link for the renderer: the events of these resources and sources in the window. */
export function timelineLink(ctx: StepContext, resources: readonly string[], sources: readonly string[], events: readonly TimelineEvent[]): TimelineLink {
  return {
    resources: [...new Set(resources)].sort(),
    from: ctx.window?.from ?? null,
    to: ctx.window?.to ?? null,
    sources: [...new Set(sources)].sort(),
    events: [...events]
      .sort((a, b) => (a.time > b.time ? -1 : a.time < b.time ? 1 : b.id - a.id))
      .slice(0, 20)
      .map((e) => e.id)
  }
}

/** "3 × arn:…/legacy-batch, 1 × anonymous" from timeline events' actors. */
export function whoText(events: readonly TimelineEvent[], max = 5): string {
  const n = new Map<string, number>()
  for (const e of events) n.set(e.actor, (n.get(e.actor) ?? 0) + 1)
  const list = [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const shown = list.slice(0, max).map(([a, c]) => `${a} (${c})`)
  return shown.join(', ') + (list.length > max ? `, and ${list.length - max} more` : '')
}

export const plural = (n: number, word: string, many = `${word}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`
