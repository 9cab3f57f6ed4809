// Where a call's input holds path tokens (the contract's pathToken fields, at any depth: a field,
// an optional or nullable one, an array's items, a nested object's field), and the input with
// each token replaced by the path main issued it for. The dispatcher runs this on every call, so
// a handler only ever sees paths the user chose, and no handler can forget to check one.
import type { z } from 'zod'
import { pathKindOf } from '../../shared/contract'
import type { PathKind } from '../../shared/model'

type Resolve = (token: string, kind: PathKind, field: string) => string

interface Def {
  type: string
  innerType?: z.ZodType
  element?: z.ZodType
  shape?: Record<string, z.ZodType>
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def

/** The path fields of a schema as `field` → kind (`sign.p12Path`, `paths[]`). */
export function pathFields(schema: z.ZodType, at = ''): Record<string, PathKind> {
  const kind = pathKindOf(schema)
  if (kind) return { [at]: kind }
  const def = defOf(schema)
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return pathFields(def.innerType!, at)
    case 'array':
      return pathFields(def.element!, `${at}[]`)
    case 'object':
      return Object.assign({}, ...Object.entries(def.shape!).map(([k, s]) => pathFields(s, at ? `${at}.${k}` : k))) as Record<string, PathKind>
    default:
      return {}
  }
}

/** The parsed input with every path token resolved to its path; `resolve` throws for a bad one. */
export function resolvePathTokens(schema: z.ZodType, value: unknown, resolve: Resolve, at = ''): unknown {
  const kind = pathKindOf(schema)
  if (kind) return typeof value === 'string' ? resolve(value, kind, at) : value
  const def = defOf(schema)
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return value === undefined || value === null ? value : resolvePathTokens(def.innerType!, value, resolve, at)
    case 'array':
      return Array.isArray(value) ? value.map((v, i) => resolvePathTokens(def.element!, v, resolve, `${at}[${i}]`)) : value
    case 'object': {
      if (typeof value !== 'object' || value === null) return value
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) }
      for (const [k, s] of Object.entries(def.shape!)) {
        if (k in out) out[k] = resolvePathTokens(s, out[k], resolve, at ? `${at}.${k}` : k)
      }
      return out
    }
    default:
      return value
  }
}
