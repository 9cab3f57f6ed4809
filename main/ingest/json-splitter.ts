import { excerpt } from './place'
import type { TextScanner } from './scanner'

/**
 * Streaming JSON splitter. Exports hold their records in an array somewhere in the document
 * (`Findings[*]`, `runs[*].results[*]`, `Results[*].Vulnerabilities[*]`, or the top-level
 * array); the splitter walks only the path down to those arrays and hands out each record as
 * its verbatim text plus its byte range, without building anything else. Members met on the
 * way (a Trivy result's Target, a SARIF run's rules) are kept as context. Several top-level
 * values in a row (JSON Lines, concatenated API pages) are read one after the other.
 *
 * The hot loop skips a record by counting brackets and jumping over strings with indexOf,
 * then the record alone goes to JSON.parse. A pretty-printed record (every export the tools
 * write with an indent) is taken faster: its closing brace is the first line, after its
 * opening one, that holds only that brace at the opening line's indent; the text up to it goes
 * to JSON.parse at once, and when that parses it is the record (see `pretty`).
 */

/** A path to records: object keys, and '*' for "every element of this array". */
export type RecordPath = readonly string[]

export interface SplitPattern {
  path: RecordPath
  tag: number
}

export interface PatternNode {
  children: Map<string, PatternNode> | null
  star: PatternNode | null
  /** >= 0: a value here is a record, reported with this tag */
  tag: number
}

export function compilePatterns(patterns: readonly SplitPattern[]): PatternNode {
  const root: PatternNode = { children: null, star: null, tag: -1 }
  for (const p of patterns) {
    let node = root
    for (const step of p.path) {
      if (step === '*') {
        node.star ??= { children: null, star: null, tag: -1 }
        node = node.star
      } else {
        node.children ??= new Map()
        let next = node.children.get(step)
        if (!next) {
          next = { children: null, star: null, tag: -1 }
          node.children.set(step, next)
        }
        node = next
      }
    }
    // the first pattern to claim a place wins
    if (node.tag < 0) node.tag = p.tag
  }
  return root
}

/** The members of one object on the way to the records, as raw JSON text by key. */
export type ContextFrame = Map<string, string>

export interface SplitRecord {
  text: string
  tag: number
  /** 1-based, over the whole file */
  recordNo: number
  startByte: number
  /** exclusive */
  endByte: number
  /**
   * The record's text parsed, when the splitter parsed it to find where it ends (a pretty-printed
   * record); undefined when it did not, and the reader parses `text` itself.
   */
  value?: unknown
  /** context frames from the outermost object down; live: copy what you keep */
  frames: readonly ContextFrame[]
  /** changes whenever the frames change, so consumers can cache what they derive */
  contextVersion: number
}

export interface SplitOptions {
  /** a record longer than this (characters) is refused: it cannot be a real finding */
  maxRecordChars?: number
  /** context members longer than this are not kept */
  maxContextChars?: number
  /** called with the keys of each top-level object as they are met (format detection) */
  onRootKey?: (key: string) => void
  /** stop after this many top-level values (format detection reads only the first) */
  maxValues?: number
}

const MAX_RECORD_CHARS = 64 * 1024 * 1024
const MAX_CONTEXT_CHARS = 16 * 1024 * 1024

const QUOTE = 34
const BACKSLASH = 92
const LBRACE = 123
const RBRACE = 125
const LBRACKET = 91
const RBRACKET = 93
const COMMA = 44
const COLON = 58

class Stop extends Error {}

export class JsonSplitter {
  private recordNo = 0
  private frames: ContextFrame[] = []
  private contextVersion = 0
  private readonly maxRecord: number
  private readonly maxContext: number
  private onRecord: ((r: SplitRecord) => boolean | void) | null = null
  private depth = 0

  constructor(
    private readonly sc: TextScanner,
    private readonly root: PatternNode,
    private readonly opts: SplitOptions = {}
  ) {
    this.maxRecord = opts.maxRecordChars ?? MAX_RECORD_CHARS
    this.maxContext = opts.maxContextChars ?? MAX_CONTEXT_CHARS
  }

  get records(): number {
    return this.recordNo
  }

  /**
   * Read the whole file, calling `onRecord` for every record in order. Returning false from
   * `onRecord` stops early (format detection needs only the first record).
   * Returns the number of top-level values read.
   */
  run(onRecord: (r: SplitRecord) => boolean | void): number {
    this.onRecord = onRecord
    const sc = this.sc
    let values = 0
    try {
      for (;;) {
        this.ws()
        if (!sc.ensure()) break
        values++
        this.frames = []
        this.contextVersion++
        this.value(this.root, true)
        if (this.opts.maxValues !== undefined && values >= this.opts.maxValues) break
      }
    } catch (e) {
      if (e instanceof Stop) return values
      throw e
    }
    if (values === 0) throw sc.errorAt(sc.byte, 'the file holds only white space, no JSON')
    return values
  }

  private value(node: PatternNode, topLevel: boolean): void {
    const sc = this.sc
    if (!sc.ensure()) throw this.truncated(null)
    const c = sc.buf.charCodeAt(sc.pos)
    if (node.tag >= 0) {
      this.record(node.tag, c)
      return
    }
    if (c === LBRACE && node.children) {
      this.object(node, topLevel)
    } else if (c === LBRACKET && node.star) {
      this.array(node.star)
    } else {
      this.skipValue()
    }
  }

  private record(tag: number, first: number): void {
    const sc = this.sc
    const recordNo = ++this.recordNo
    const startByte = sc.byteAt(sc.pos)
    if (first !== LBRACE) {
      throw sc.errorAt(startByte, `record ${recordNo} is not a JSON object (it starts with ${excerpt(sc.buf.slice(sc.pos, sc.pos + 20))})`, {
        record: recordNo
      })
    }
    const fast = this.pretty()
    if (fast !== undefined) {
      const endByte = sc.byteAt(sc.pos)
      const cont = this.onRecord!({ text: fast.text, value: fast.value, tag, recordNo, startByte, endByte, frames: this.frames, contextVersion: this.contextVersion })
      if (cont === false) throw new Stop()
      return
    }
    sc.startCapture(this.maxRecord, () => {
      throw sc.errorAt(
        startByte,
        `record ${recordNo} is larger than ${Math.round(this.maxRecord / (1 << 20))} MiB, far beyond any real finding; the file is damaged or not an export`,
        {
          record: recordNo
        }
      )
    })
    this.skipContainer(recordNo, startByte)
    const text = sc.endCapture() as string
    const endByte = sc.byteAt(sc.pos)
    const cont = this.onRecord!({
      text,
      tag,
      recordNo,
      startByte,
      endByte,
      frames: this.frames,
      contextVersion: this.contextVersion
    })
    if (cont === false) throw new Stop()
  }

  /**
   * A pretty-printed record at pos, taken whole: the object whose `{` starts a line (after its
   * indent) ends at the first later line holding that indent and `}` (a raw line break cannot be
   * inside a JSON string, and deeper members are indented further). Only the candidate is
   * trusted to JSON.parse: text from a `{` to a `}` that parses as JSON is one object, so its
   * last `}` is the one matching the first, the end the bracket count would find. On success
   * pos moves past it and the text and its value are returned; otherwise nothing has moved (the
   * record is not pretty-printed, does not end in this chunk, or is not valid JSON) and the
   * caller skips it bracket by bracket, reporting any error at its place as before.
   */
  private pretty(): { text: string; value: unknown } | undefined {
    const sc = this.sc
    // a file whose records are not pretty-printed stops trying (each try scans ahead for a line)
    if (this.prettyMisses > 64 && this.prettyMisses > this.prettyHits) return undefined
    const buf = sc.buf
    const start = sc.pos
    let i = start - 1
    while (i >= 0) {
      const c = buf.charCodeAt(i)
      if (c !== 32 && c !== 9) break
      i--
    }
    if (i < 0 || buf.charCodeAt(i) !== 10) return undefined
    const indent = buf.slice(i + 1, start)
    if (indent !== this.indent) {
      this.indent = indent
      this.closingMissed = -1
    }
    // no such line left in this chunk: none for the records after this one either
    if (this.closingMissed === sc.chunks) return undefined
    // each `}` (a single character is found with memchr) until one ends such a line: searching
    // for the whole line would be a Boyer-Moore search through runs of the indent's spaces
    const n = indent.length
    let end = -1
    for (let j = buf.indexOf('}', start + 1); j >= 0; j = buf.indexOf('}', j + 1)) {
      if (buf.charCodeAt(j - n - 1) === 10 && (n === 0 || buf.startsWith(indent, j - n))) {
        end = j + 1
        break
      }
    }
    if (end < 0) {
      this.closingMissed = sc.chunks
      this.prettyMisses++
      return undefined
    }
    if (end - start > this.maxRecord) return undefined
    const text = buf.slice(start, end)
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      this.prettyMisses++
      return undefined
    }
    this.prettyHits++
    sc.pos = end
    return { text, value }
  }

  /** the indent of the last pretty-printed record */
  private indent = ''
  /** the chunk (TextScanner.chunks) found to hold no closing line at `indent` past the record tried */
  private closingMissed = -1
  private prettyHits = 0
  private prettyMisses = 0

  private object(node: PatternNode, topLevel: boolean): void {
    const sc = this.sc
    const frame: ContextFrame = new Map()
    this.frames.push(frame)
    this.contextVersion++
    this.depth++
    sc.pos++ // {
    this.ws()
    if (!sc.ensure()) throw this.truncated(null)
    if (sc.buf.charCodeAt(sc.pos) === RBRACE) {
      sc.pos++
    } else {
      for (;;) {
        this.ws()
        if (!sc.ensure()) throw this.truncated(null)
        if (sc.buf.charCodeAt(sc.pos) !== QUOTE) throw this.unexpected('a double-quoted property name')
        const key = this.readKey()
        if (topLevel) this.opts.onRootKey?.(key)
        this.ws()
        if (!sc.ensure()) throw this.truncated(null)
        if (sc.buf.charCodeAt(sc.pos) !== COLON) throw this.unexpected("':' after a property name")
        sc.pos++
        this.ws()
        const child = node.children!.get(key)
        if (child) {
          this.value(child, false)
        } else {
          if (!sc.ensure()) throw this.truncated(null)
          sc.startCapture(this.maxContext, null)
          this.skipValue()
          const text = sc.endCapture()
          if (text !== null) {
            frame.set(key, text)
            this.contextVersion++
          }
        }
        this.ws()
        if (!sc.ensure()) throw this.truncated(null)
        const c = sc.buf.charCodeAt(sc.pos)
        if (c === COMMA) {
          sc.pos++
          continue
        }
        if (c === RBRACE) {
          sc.pos++
          break
        }
        throw this.unexpected("',' or '}'")
      }
    }
    this.depth--
    this.frames.pop()
    this.contextVersion++
  }

  private array(elem: PatternNode): void {
    const sc = this.sc
    this.depth++
    sc.pos++ // [
    this.ws()
    if (!sc.ensure()) throw this.truncated(null)
    if (sc.buf.charCodeAt(sc.pos) === RBRACKET) {
      sc.pos++
      this.depth--
      return
    }
    for (;;) {
      this.ws()
      this.value(elem, false)
      this.ws()
      if (!sc.ensure()) throw this.truncated(null)
      const c = sc.buf.charCodeAt(sc.pos)
      if (c === COMMA) {
        sc.pos++
        continue
      }
      if (c === RBRACKET) {
        sc.pos++
        break
      }
      throw this.unexpected(this.recordNo > 0 ? `',' or ']' after record ${this.recordNo}` : "',' or ']'")
    }
    this.depth--
  }

  private readKey(): string {
    const sc = this.sc
    sc.startCapture(this.maxContext, () => {
      throw sc.errorAt(sc.byte, 'a property name longer than 16 MiB; the file is damaged')
    })
    sc.pos++
    this.skipStringBody(null, 0)
    const raw = sc.endCapture() as string
    if (raw.indexOf('\\') === -1) return raw.slice(1, -1)
    return JSON.parse(raw) as string
  }

  /** Skip any value at pos. */
  private skipValue(): void {
    const sc = this.sc
    if (!sc.ensure()) throw this.truncated(null)
    const c = sc.buf.charCodeAt(sc.pos)
    if (c === LBRACE || c === LBRACKET) {
      this.skipContainer(null, 0)
    } else if (c === QUOTE) {
      sc.pos++
      this.skipStringBody(null, 0)
    } else {
      this.skipScalar()
    }
  }

  /**
   * Skip the object or array at pos: the hot loop. Only quotes and brackets matter outside
   * strings, so rather than look at every character (a pretty-printed export is a third
   * indentation) it keeps where the next of each of the five is in the chunk, found with
   * indexOf, and jumps to the nearest: ~2× faster on the exports of the ingest bench. A bracket
   * found inside a string is passed over when the string is skipped and looked for again.
   */
  private skipContainer(recordNo: number | null, startByte: number): void {
    const sc = this.sc
    let depth = 0
    let buf = sc.buf
    let len = sc.len
    let pos = sc.pos
    let chunk = sc.chunks
    // the next of each in buf at or after pos; len: none left in this chunk; -1: to look for
    let quote = -1
    let lbrace = -1
    let rbrace = -1
    let lbracket = -1
    let rbracket = -1
    for (;;) {
      if (pos >= len) {
        sc.pos = pos
        if (!sc.refill()) throw this.truncated(recordNo, startByte)
        buf = sc.buf
        len = sc.len
        pos = sc.pos
        chunk = sc.chunks
        quote = lbrace = rbrace = lbracket = rbracket = -1
        continue
      }
      if (quote < pos) quote = nextOf(buf, '"', pos, len)
      if (lbrace < pos) lbrace = nextOf(buf, '{', pos, len)
      if (rbrace < pos) rbrace = nextOf(buf, '}', pos, len)
      if (lbracket < pos) lbracket = nextOf(buf, '[', pos, len)
      if (rbracket < pos) rbracket = nextOf(buf, ']', pos, len)
      let at = quote
      if (lbrace < at) at = lbrace
      if (rbrace < at) at = rbrace
      if (lbracket < at) at = lbracket
      if (rbracket < at) at = rbracket
      if (at >= len) {
        pos = len
        continue
      }
      if (at === quote) {
        sc.pos = at + 1
        this.skipStringBody(recordNo, startByte)
        pos = sc.pos
        if (sc.chunks !== chunk) {
          buf = sc.buf
          len = sc.len
          chunk = sc.chunks
          quote = lbrace = rbrace = lbracket = rbracket = -1
        }
      } else if (at === lbrace || at === lbracket) {
        depth++
        pos = at + 1
      } else {
        pos = at + 1
        if (--depth === 0) {
          sc.pos = pos
          return
        }
      }
    }
  }

  /** Skip a string's body; pos is just after the opening quote. */
  private skipStringBody(recordNo: number | null, startByte: number): void {
    const sc = this.sc
    let carried = 0
    for (;;) {
      const buf = sc.buf
      const from = sc.pos
      const j = buf.indexOf('"', from)
      if (j === -1) {
        let k = sc.len - 1
        let bs = 0
        while (k >= from && buf.charCodeAt(k) === BACKSLASH) {
          bs++
          k--
        }
        carried = k < from ? carried + bs : bs
        sc.pos = sc.len
        if (!sc.refill()) throw this.truncated(recordNo, startByte)
        continue
      }
      let k = j - 1
      let bs = 0
      while (k >= from && buf.charCodeAt(k) === BACKSLASH) {
        bs++
        k--
      }
      if (k < from) bs += carried
      sc.pos = j + 1
      if ((bs & 1) === 0) return
      carried = 0
    }
  }

  private skipScalar(): void {
    const sc = this.sc
    const start = sc.pos
    const c = sc.buf.charCodeAt(start)
    if (!(c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110)) {
      throw this.unexpected('a JSON value')
    }
    for (;;) {
      if (sc.pos >= sc.len) {
        if (!sc.refill()) return
        continue
      }
      const d = sc.buf.charCodeAt(sc.pos)
      if (d === COMMA || d === RBRACE || d === RBRACKET || d === 32 || d === 10 || d === 13 || d === 9 || d === LBRACE || d === LBRACKET || d === QUOTE) return
      sc.pos++
    }
  }

  private ws(): void {
    const sc = this.sc
    for (;;) {
      if (sc.pos >= sc.len) {
        if (!sc.refill()) return
        continue
      }
      const c = sc.buf.charCodeAt(sc.pos)
      if (c === 32 || c === 10 || c === 13 || c === 9) sc.pos++
      else return
    }
  }

  private unexpected(expected: string): Error {
    const sc = this.sc
    const found = sc.pos < sc.len ? excerpt(sc.buf.slice(sc.pos, sc.pos + 24), 24) : 'the end of the file'
    return sc.errorAt(sc.byte, `expected ${expected}, found ${found}; the file is not valid JSON`)
  }

  private truncated(recordNo: number | null, startByte = 0): Error {
    const sc = this.sc
    if (recordNo !== null) {
      return sc.errorAt(sc.byte, `the file ends inside record ${recordNo} (which starts at byte offset ${startByte}): the export is truncated or incomplete`, { record: recordNo })
    }
    return sc.errorAt(sc.byte, 'the file ends before its JSON is complete: the export is truncated or incomplete')
  }
}

/** The position of the next `ch` in buf at or after pos, or len when there is none. */
function nextOf(buf: string, ch: string, pos: number, len: number): number {
  const i = buf.indexOf(ch, pos)
  return i < 0 ? len : i
}
