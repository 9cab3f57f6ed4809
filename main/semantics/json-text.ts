// JSON documents from a bundle, parsed with errors that say where: "line 3 column 17: expected ','".
//
// Why not JSON.parse's own message: on Node 20 it names a position for some errors and none for
// others ("Unexpected token '}', "{"a": tru}" is not valid JSON"), and a person fixing a hand-made
// bundle needs a line and a column. So on failure a small validator walks the text to find the
// first place that is not JSON. It runs only on the error path.

export type Parsed<T = unknown> = { ok: true; value: T } | { ok: false; error: string }

/**
 * Text of a file the way the AWS and Azure command lines leave it: UTF-8, possibly with a BOM,
 * or UTF-16 with a BOM (Windows PowerShell 5's `>` writes UTF-16LE).
 */
export function decodeText(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le')
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2))
    swapped.swap16()
    return swapped.toString('utf16le')
  }
  const s = buf.toString('utf8')
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s
}

export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (e) {
    const at = locateJsonError(text)
    if (at) return { ok: false, error: `line ${at.line} column ${at.column}: ${at.what}` }
    return { ok: false, error: `not JSON (${(e as Error).message})` }
  }
}

export interface JsonErrorPlace {
  offset: number
  line: number
  column: number
  what: string
}

/** The first place in `text` that is not valid JSON (RFC 8259), or null when it is valid. */
export function locateJsonError(text: string): JsonErrorPlace | null {
  const v = new Validator(text)
  try {
    v.ws()
    v.value(0)
    v.ws()
    if (v.i < text.length) v.fail('unexpected text after the JSON value')
    return null
  } catch (e) {
    if (!(e instanceof SyntaxAt)) throw e
    return { offset: e.offset, ...lineColumn(text, e.offset), what: e.what }
  }
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let start = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      start = i + 1
    }
  }
  return { line, column: offset - start + 1 }
}

class SyntaxAt extends Error {
  constructor(
    readonly offset: number,
    readonly what: string
  ) {
    super(what)
  }
}

const MAX_DEPTH = 5000

class Validator {
  i = 0
  constructor(private readonly s: string) {}

  fail(what: string, at = this.i): never {
    throw new SyntaxAt(at, what)
  }

  ws(): void {
    const s = this.s
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i)
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++
      else break
    }
  }

  private describe(): string {
    if (this.i >= this.s.length) return 'the end of the text'
    return JSON.stringify(this.s[this.i])
  }

  value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail('nested too deeply')
    const c = this.s[this.i]
    if (c === '{') return this.object(depth)
    if (c === '[') return this.array(depth)
    if (c === '"') return this.string()
    if (c === '-' || (c >= '0' && c <= '9')) return this.number()
    for (const lit of ['true', 'false', 'null']) {
      if (this.s.startsWith(lit, this.i)) {
        this.i += lit.length
        return
      }
    }
    this.fail(`expected a value, found ${this.describe()}`)
  }

  private object(depth: number): void {
    this.i++
    this.ws()
    if (this.s[this.i] === '}') {
      this.i++
      return
    }
    for (;;) {
      if (this.s[this.i] !== '"') this.fail(`expected a property name in double quotes, found ${this.describe()}`)
      this.string()
      this.ws()
      if (this.s[this.i] !== ':') this.fail(`expected ':' after a property name, found ${this.describe()}`)
      this.i++
      this.ws()
      this.value(depth + 1)
      this.ws()
      const c = this.s[this.i]
      if (c === ',') {
        this.i++
        this.ws()
        continue
      }
      if (c === '}') {
        this.i++
        return
      }
      this.fail(`expected ',' or '}' after a property value, found ${this.describe()}`)
    }
  }

  private array(depth: number): void {
    this.i++
    this.ws()
    if (this.s[this.i] === ']') {
      this.i++
      return
    }
    for (;;) {
      this.value(depth + 1)
      this.ws()
      const c = this.s[this.i]
      if (c === ',') {
        this.i++
        this.ws()
        continue
      }
      if (c === ']') {
        this.i++
        return
      }
      this.fail(`expected ',' or ']' after an array element, found ${this.describe()}`)
    }
  }

  private string(): void {
    const s = this.s
    const start = this.i
    this.i++
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i)
      if (c === 0x22) {
        this.i++
        return
      }
      if (c < 0x20) this.fail('a control character (such as a line break) inside a string')
      if (c === 0x5c) {
        const e = s[this.i + 1]
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(this.i + 2, this.i + 6))) this.fail('a bad \\u escape in a string')
          this.i += 6
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i += 2
        else this.fail('a bad escape in a string')
      } else this.i++
    }
    this.fail('a string that is not closed', start)
  }

  private number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400))
    if (!m) this.fail('a malformed number')
    this.i += m[0].length
  }
}
