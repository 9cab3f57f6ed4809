/**
 * Where a JSON text first breaks the grammar, and how. JSON.parse says *that* a record is bad
 * but often not where ("Unexpected token '}'…"), and a person needs the place, so the error
 * path runs this. Iterative, so a pathological nesting depth cannot overflow the stack.
 */
export function findJsonError(s: string): { pos: number; what: string } | null {
  const n = s.length
  const stack: number[] = []
  const OBJ = 1
  const ARR = 2
  let i = 0
  type State = 'value' | 'after' | 'key'
  let state: State = 'value'
  const ws = (): void => {
    while (i < n) {
      const c = s.charCodeAt(i)
      if (c === 32 || c === 9 || c === 10 || c === 13) i++
      else break
    }
  }
  const show = (pos: number): string => (pos >= n ? 'the end of the text' : JSON.stringify(s[pos]))
  for (;;) {
    ws()
    if (state === 'value') {
      if (i >= n) return { pos: i, what: 'the text ends where a value was expected' }
      const c = s.charCodeAt(i)
      if (c === 123) {
        i++
        ws()
        if (s.charCodeAt(i) === 125) {
          i++
          state = 'after'
        } else {
          stack.push(OBJ)
          state = 'key'
        }
      } else if (c === 91) {
        i++
        ws()
        if (s.charCodeAt(i) === 93) {
          i++
          state = 'after'
        } else {
          stack.push(ARR)
        }
      } else if (c === 34) {
        const r = scanString(s, i)
        if (typeof r !== 'number') return r
        i = r
        state = 'after'
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        const r = scanNumber(s, i)
        if (typeof r !== 'number') return r
        i = r
        state = 'after'
      } else if (s.startsWith('true', i) || s.startsWith('null', i)) {
        i += 4
        state = 'after'
      } else if (s.startsWith('false', i)) {
        i += 5
        state = 'after'
      } else {
        return { pos: i, what: `unexpected ${show(i)} where a value was expected` }
      }
    } else if (state === 'key') {
      if (s.charCodeAt(i) !== 34) return { pos: i, what: `expected a double-quoted property name, found ${show(i)}` }
      const r = scanString(s, i)
      if (typeof r !== 'number') return r
      i = r
      ws()
      if (s.charCodeAt(i) !== 58) return { pos: i, what: `expected ':' after a property name, found ${show(i)}` }
      i++
      state = 'value'
    } else {
      if (stack.length === 0) {
        if (i < n) return { pos: i, what: `unexpected ${show(i)} after the end of the value` }
        return null
      }
      const top = stack[stack.length - 1]
      const c = s.charCodeAt(i)
      if (c === 44) {
        i++
        state = top === OBJ ? 'key' : 'value'
      } else if ((top === OBJ && c === 125) || (top === ARR && c === 93)) {
        i++
        stack.pop()
      } else {
        return { pos: i, what: `expected ',' or '${top === OBJ ? '}' : ']'}', found ${show(i)}` }
      }
    }
  }
}

function scanString(s: string, start: number): number | { pos: number; what: string } {
  let i = start + 1
  const n = s.length
  while (i < n) {
    const c = s.charCodeAt(i)
    if (c === 34) return i + 1
    if (c < 32) return { pos: i, what: 'a control character (such as a raw line break) inside a string' }
    if (c === 92) {
      const e = s[i + 1]
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return { pos: i, what: 'a bad \\u escape in a string' }
        i += 6
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
        i += 2
      } else {
        return { pos: i, what: 'a bad escape sequence in a string' }
      }
    } else {
      i++
    }
  }
  return { pos: start, what: 'a string that is never closed' }
}

function scanNumber(s: string, start: number): number | { pos: number; what: string } {
  const m = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y
  m.lastIndex = start
  const r = m.exec(s)
  if (!r || r[0].length === 0 || r[0] === '-') return { pos: start, what: 'a malformed number' }
  return start + r[0].length
}

/**
 * Whether `value`, parsed from `text`, holds a key named "__proto__" at any depth. JSON.parse
 * keeps such a key as a plain member, but code that copies objects could make it a prototype; no
 * scanner writes it, so whatever holds one is refused. The text names the key as it is or through
 * \u escapes ("\u005f_proto__" is the same key): only a text holding either is walked (the name
 * is looked for without its quotes, which V8 finds faster). Iterative, as findJsonError is.
 */
export function holdsProtoKey(text: string, value: unknown): boolean {
  if (!text.includes('__proto__') && !text.includes('\\u')) return false
  const stack: unknown[] = [value]
  while (stack.length) {
    const x = stack.pop()
    if (x === null || typeof x !== 'object') continue
    if (Array.isArray(x)) {
      for (const y of x) stack.push(y)
      continue
    }
    for (const k of Object.keys(x)) {
      if (k === '__proto__') return true
      stack.push((x as Record<string, unknown>)[k])
    }
  }
  return false
}
