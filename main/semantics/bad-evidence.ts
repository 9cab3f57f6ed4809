import { LastmileError } from '../errors'

/**
 * A problem with one evidence file, with the place in it. It is a `bad-input` LastmileError (one
 * line: file, place, what is wrong) so it can also be thrown to the edge; while reading a bundle it
 * is caught and recorded as a coverage gap instead, and the rest of the bundle is still read.
 */
export class BadEvidence extends LastmileError {
  constructor(
    readonly file: string,
    readonly place: string,
    readonly problem: string
  ) {
    super('bad-input', place ? `${file}: ${place}: ${problem}` : `${file}: ${problem}`)
  }
}

export interface FileProblem {
  file: string
  place: string
  problem: string
}

export function problemOf(e: unknown, file: string): FileProblem {
  if (e instanceof BadEvidence) return { file: e.file, place: e.place, problem: e.problem }
  if (e instanceof LastmileError) return { file, place: '', problem: e.message }
  return { file, place: '', problem: `cannot be read (${(e as Error)?.message ?? String(e)})` }
}
