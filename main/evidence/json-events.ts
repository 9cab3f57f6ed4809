import { BadEvidence, type FileProblem, problemOf } from '../semantics/bad-evidence'
import type { EvidenceLimits } from '../semantics/limits'
import { forEachLine } from './line-reader'
import { openDecoded } from './source-stream'

/** What reading one log file gave: its records and times, or why (part of) it could not be read. */
export interface JsonFileOutcome {
  file: string
  records: number
  first: number | null
  last: number | null
  problem: FileProblem | null
  badLines: number
}

/**
 * Read one file of JSON events (any shape forEachJsonEvent takes) into `files`' outcome for it:
 * `onEvent` gets each event with the outcome (to count records and times) and `onBad` (to skip one
 * with its place). A file that cannot be read at all is its problem; events skipped are counted, the
 * first five named, as "N <what> could not be read and were skipped".
 */
export async function readJsonEventFile(
  abs: string,
  file: string,
  limits: EvidenceLimits,
  files: JsonFileOutcome[],
  what: string,
  onEvent: (e: Record<string, unknown>, place: string, out: JsonFileOutcome, onBad: (place: string, what: string) => void) => void
): Promise<void> {
  const out: JsonFileOutcome = { file, records: 0, first: null, last: null, problem: null, badLines: 0 }
  files.push(out)
  const bad: string[] = []
  const onBad = (place: string, w: string): void => {
    out.badLines++
    if (bad.length < 5) bad.push(`${place}: ${w}`)
  }
  try {
    const d = await openDecoded(abs, file, limits)
    await forEachJsonEvent(d.chunks, file, limits, (e, place) => onEvent(e, place, out, onBad), onBad)
  } catch (e) {
    out.problem = problemOf(e, file)
    return
  }
  if (out.badLines) out.problem = { file, place: bad.join('; '), problem: `${out.badLines} ${what} could not be read and were skipped` }
}

/**
 * Events from a JSON file in any of the shapes Azure exports take: JSON lines (diagnostic
 * settings), one document with a `value` array (REST / portal), or `{"records":[…]}` (Event Hub),
 * or a plain array; pretty-printed documents too. Calls `onEvent` with each event object and its
 * place. A bad JSON line is reported through `onBadLine` and the rest is still read.
 */
export async function forEachJsonEvent(
  chunks: AsyncIterable<Buffer>,
  display: string,
  limits: EvidenceLimits,
  onEvent: (e: Record<string, unknown>, place: string) => void,
  onBadLine: (place: string, what: string) => void
): Promise<void> {
  let mode = 'unknown' as 'unknown' | 'lines' | 'document'
  const doc: string[] = []
  let docBytes = 0
  const items = (v: unknown, place: string): boolean => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => (isObject(x) ? onEvent(x, `${place}, item ${i + 1}`) : onBadLine(`${place}, item ${i + 1}`, 'not a JSON object')))
      return true
    }
    if (isObject(v)) {
      const list = Array.isArray(v.value) ? v.value : Array.isArray(v.records) ? v.records : null
      if (list) return items(list, place)
    }
    return false
  }
  await forEachLine(chunks, display, limits, (line, no) => {
    if (mode === 'document') {
      docBytes += line.length + 1
      if (docBytes > limits.maxDocumentBytes) {
        throw new BadEvidence(display, `line ${no}`, `a JSON document larger than ${limits.maxDocumentBytes} bytes; export it as JSON lines instead`)
      }
      doc.push(line)
      return
    }
    const t = line.trim()
    if (!t) return
    let v: unknown
    try {
      v = JSON.parse(t)
    } catch (e) {
      if (mode === 'unknown') {
        // Not one value per line: a (pretty-printed) document, read whole below.
        mode = 'document'
        doc.push(line)
        docBytes = line.length
        return
      }
      onBadLine(`line ${no}`, `bad JSON (${(e as Error).message})`)
      return
    }
    mode = 'lines'
    if (!items(v, `line ${no}`)) {
      if (isObject(v)) onEvent(v, `line ${no}`)
      else onBadLine(`line ${no}`, 'not a JSON object')
    }
  })
  if (mode === 'document') {
    let v: unknown
    try {
      v = JSON.parse(doc.join('\n'))
    } catch (e) {
      throw new BadEvidence(display, jsonErrorPlace(e as Error), `bad JSON (${(e as Error).message})`)
    }
    if (!items(v, 'document')) throw new BadEvidence(display, '', 'a JSON document without a "value" or "records" array of events')
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** V8 says "… at position N" (and in newer versions "line L column C"); keep what it gives. */
export function jsonErrorPlace(e: Error): string {
  const m = /line (\d+) column (\d+)/.exec(e.message) ?? null
  if (m) return `line ${m[1]}, column ${m[2]}`
  const p = /position (\d+)/.exec(e.message)
  return p ? `character ${p[1]}` : ''
}
