import { closeSync, openSync, readSync } from 'node:fs'
import { LastmileError } from '../errors'

/** Where in a file something is wrong; every part optional, printed in a fixed order. */
export interface Place {
  line?: number | null
  column?: number | null
  byte?: number | null
  record?: number | null
}

function describePlace(p: Place): string {
  const parts: string[] = []
  if (p.line != null) parts.push(p.column != null ? `line ${p.line}, column ${p.column}` : `line ${p.line}`)
  if (p.byte != null) parts.push(`byte offset ${p.byte}`)
  if (p.record != null) parts.push(`record ${p.record}`)
  return parts.join(', ')
}

/** The one error a person sees for a bad file: `FILE: line L, byte offset B, record R: what`. */
export function badInput(file: string, place: Place, what: string): LastmileError {
  const where = describePlace(place)
  return new LastmileError('bad-input', `${file}: ${where ? `${where}: ` : ''}${oneLine(what)}`)
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ')
}

/**
 * The line (1-based) holding byte `offset` of a file. Only used on the error path, so it
 * re-reads the file rather than making the hot path count newlines.
 */
export function lineAt(path: string, offset: number): number {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(1 << 20)
    let pos = 0
    let line = 1
    while (pos < offset) {
      const want = Math.min(buf.length, offset - pos)
      const n = readSync(fd, buf, 0, want, pos)
      if (n <= 0) break
      let i = buf.indexOf(10, 0)
      while (i !== -1 && i < n) {
        line++
        i = buf.indexOf(10, i + 1)
      }
      pos += n
    }
    return line
  } finally {
    closeSync(fd)
  }
}

/** A short, printable excerpt of text for an error message. */
export function excerpt(s: string, max = 40): string {
  const flat = s.replace(/\s+/g, ' ').trim()
  const cut = flat.length > max ? `${flat.slice(0, max)}…` : flat
  return JSON.stringify(cut)
}
