// Tolerant accessors for cloud API output (AWS CLI and SDK JSON, Azure ARM): what the evidence
// parsers read documents with. A field one API version lacks must not void the file. CSV is read by
// ./csv.ts, the one parser.
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
