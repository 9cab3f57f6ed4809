/**
 * Canonical JSON: object keys sorted by code point, no whitespace, and only JSON values.
 * Two writers that agree on the data agree on the bytes, which is what a hash chain needs.
 * `undefined` members are dropped (as JSON.stringify does); non-finite numbers are refused
 * because they would silently become null.
 */
export function canonicalJson(value: unknown): string {
  return write(value)
}

function write(v: unknown): string {
  if (v === null) return 'null'
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v)
    case 'boolean':
      return v ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`canonical JSON cannot hold the number ${v}`)
      return JSON.stringify(v)
    case 'object': {
      if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : write(x))).join(',')}]`
      const keys = Object.keys(v as object).sort()
      const parts: string[] = []
      for (const k of keys) {
        const x = (v as Record<string, unknown>)[k]
        if (x === undefined) continue
        parts.push(`${JSON.stringify(k)}:${write(x)}`)
      }
      return `{${parts.join(',')}}`
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof v}`)
  }
}
