// Tolerant accessors for cloud API output (AWS CLI and SDK JSON, Azure ARM), and RFC 4180 CSV: what
// the evidence parsers read documents with. A field one API version lacks must not void the file.
import { BadEvidence } from './bad-evidence'

export type Json = Record<string, unknown>
export const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null)
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(+v) ? +v : null)
export const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null)
/** a field by any of its spellings (AWS CLI output is PascalCase, some SDKs and hand-made files camelCase) */
export function pick(o: Json | null, ...keys: string[]): unknown {
  if (!o) return undefined
  for (const k of keys) if (o[k] !== undefined) return o[k]
  return undefined
}

/** `[{Key, Value}]` (EC2) or `{k: v}` (S3 inventory, Azure) → a plain map */
export function tagsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (Array.isArray(v)) {
    for (const t of v) {
      const o = obj(t)
      const k = str(pick(o, 'Key', 'key'))
      const val = str(pick(o, 'Value', 'value'))
      if (k !== null) out[k] = val ?? ''
    }
  } else {
    const o = obj(v)
    if (o) for (const [k, val] of Object.entries(o)) if (typeof val === 'string') out[k] = val
  }
  return out
}

/** Require a top-level key holding an array, naming the file when it is not there. */
export function requireArray(doc: unknown, file: string, ...keys: string[]): unknown[] {
  const o = obj(doc)
  for (const k of keys) {
    const v = o ? o[k] : undefined
    if (Array.isArray(v)) return v
  }
  if (Array.isArray(doc)) return doc
  throw new BadEvidence(file, '', `expected ${keys.map((k) => `{"${k}":[…]}`).join(' or ')}`)
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF), returned as rows of fields. */
export function parseCsv(text: string, file: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
        i++
        continue
      }
      if (c === '\n') line++
      field += c
      i++
      continue
    }
    if (c === '"' && field === '') {
      quoted = true
      i++
    } else if (c === ',') {
      row.push(field)
      field = ''
      i++
    } else if (c === '\n' || c === '\r') {
      row.push(field)
      field = ''
      rows.push(row)
      row = []
      if (c === '\r' && text[i + 1] === '\n') i++
      i++
      line++
    } else {
      field += c
      i++
    }
  }
  if (quoted) throw new BadEvidence(file, `line ${line}`, 'a quoted field is not closed (truncated CSV)')
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '')
}
