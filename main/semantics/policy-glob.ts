// IAM's wildcard matching (`*` any run of characters, `?` one character), and the two questions the
// evaluators need beyond "does this pattern match this string": does a pattern match EVERY string
// that starts with a prefix (does `s3:*` cover all S3 actions, does `arn:aws:s3:::b/*` cover every
// object), and can it match ANY such string (does a NotResource entry carve objects out).
//
// Patterns are run as a small NFA over pattern positions, so none of this backtracks.

/** Positions reachable by letting `*` match nothing. */
function closure(pattern: string, states: Set<number>): Set<number> {
  const out = new Set<number>()
  const stack = [...states]
  while (stack.length) {
    const i = stack.pop()!
    if (out.has(i)) continue
    out.add(i)
    if (pattern[i] === '*') stack.push(i + 1)
  }
  return out
}

function step(pattern: string, states: Set<number>, c: string): Set<number> {
  const next = new Set<number>()
  for (const i of states) {
    const p = pattern[i]
    if (p === undefined) continue
    if (p === '*') next.add(i)
    else if (p === '?' || p === c) next.add(i + 1)
  }
  return closure(pattern, next)
}

function run(pattern: string, input: string): Set<number> {
  let states = closure(pattern, new Set([0]))
  for (const c of input) {
    states = step(pattern, states, c)
    if (states.size === 0) break
  }
  return states
}

function fold(s: string, ignoreCase: boolean): string {
  return ignoreCase ? s.toLowerCase() : s
}

/** Does `pattern` match all of `value`? */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = fold(pattern, ignoreCase)
  return run(p, fold(value, ignoreCase)).has(p.length)
}

/**
 * Does `pattern` match every string that starts with `prefix` (prefix + anything)? True when, after
 * reading the prefix, the pattern can be at a `*` with only `*`s after it.
 */
export function globCoversPrefix(pattern: string, prefix: string, ignoreCase = false): boolean {
  const p = fold(pattern, ignoreCase)
  for (const i of run(p, fold(prefix, ignoreCase))) {
    if (i < p.length && /^\*+$/.test(p.slice(i))) return true
  }
  return false
}

/**
 * Can `pattern` match some non-empty continuation of `prefix`? (Every reachable state can still
 * finish: `*` matches nothing, `?` and literals match themselves.)
 */
export function globMayMatchPrefix(pattern: string, prefix: string, ignoreCase = false): boolean {
  const p = fold(pattern, ignoreCase)
  for (const i of run(p, fold(prefix, ignoreCase))) {
    if (i < p.length) return true
  }
  return false
}

/** A value with no wildcard and no policy variable: what S3 calls a "fixed" value. */
export function isFixedValue(v: string): boolean {
  return v !== '' && !/[*?]/.test(v) && !v.includes('${')
}
