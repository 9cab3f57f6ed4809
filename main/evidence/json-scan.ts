// A selective JSON scanner over bytes: it walks objects and arrays, records where the values of a
// few wanted paths are, and skips everything else without building any JS object.
//
// Why: a CloudTrail scan decompresses gigabytes of `{"Records":[…]}` and needs a dozen fields per
// record. JSON.parse builds every object (and is slower than the decompression itself); this walks
// the bytes once, creating a string only for the values the caller then asks for.
//
// How much it checks: the structure it walks (objects, keys, colons, commas, string ends) and
// bracket matching inside skipped values. It does not check number syntax or UTF-8 inside values
// it skips; a value the caller reads is decoded exactly (JSON.parse of the slice when it holds an
// escape), so a wrong read cannot happen silently.

/** Thrown when the bytes end before the value being scanned does (the caller may add more). */
export class NeedMoreInput extends Error {
  constructor() {
    super('need more input')
  }
}
const NEED_MORE = new NeedMoreInput()

/** A syntax error at a byte offset of the buffer that was scanned. */
export class JsonScanError extends Error {
  constructor(
    readonly offset: number,
    readonly what: string
  ) {
    super(`${what} at byte ${offset}`)
  }
}

/** The spec of the paths to capture: a slot number for a value, a nested spec for an object. */
export type FieldSpec = { [key: string]: number | FieldSpec | EachSpec | PresentSpec }
/** `each(spec)`: the value is an array; apply `spec` to each element (captures accumulate). */
export interface EachSpec {
  each: FieldSpec | number
}
/** `present(slot, spec)`: note that the key exists (any value), and scan inside it if an object. */
export interface PresentSpec {
  present: number
  inner?: FieldSpec
}
export const each = (spec: FieldSpec | number): EachSpec => ({ each: spec })
export const present = (slot: number, inner?: FieldSpec): PresentSpec => ({ present: slot, inner })

interface Node {
  keys: Buffer[]
  lens: Int32Array
  first: Int32Array
  /** slot to capture the value itself, or -1 */
  slot: Int32Array
  /** the node to walk into when the value is an object, or null */
  kid: Array<Node | null>
  /** when the value is an array: the node (or slot, as a leaf) applied to each element */
  eachNode: Array<Node | null>
  eachSlot: Int32Array
  /** slot that only records the key's presence */
  presentSlot: Int32Array
  /** under an `each`: captured values accumulate in `multi` instead of replacing each other */
  multi: boolean
  /** key lookup: the first key (index + 1) of each (length, first byte) bucket, then `next` in the bucket (index + 1) */
  table: Int32Array
  next: Int32Array
  /**
   * The keys as a trie, so that a key is matched while it is scanned (one pass over its bytes
   * instead of a scan and then a comparison): `trie[state * 128 + byte]` is the next state (0: no
   * key goes on with that byte), `accept[state]` the key index + 1 that ends there. null when a
   * key holds a byte the trie does not take (a quote, a backslash, a control or non-ASCII byte):
   * such a node is looked up by `table`.
   */
  trie: Uint16Array | null
  accept: Int16Array
  /**
   * The keys met in this node's objects, as their bytes: ids 0…keys.length-1 are the spec's keys
   * (null when the spec's key cannot be written without escapes), then the keys outside the spec
   * met while scanning (learned, up to MAX_LEARNED). `seenKey[id]` is the spec index or -1.
   */
  seen: Array<Buffer | null>
  /**
   * Per seen key, four numbers (one array, few loads on the hot path): its length in bytes (-1:
   * never compared), the spec index or -1, and where its words are in `seenWords` and how many
   * (0 below three bytes: compared byte by byte). The words are the key's bytes and its closing
   * quote as little-endian 32-bit words, the last one ending at the quote (see sameWords).
   */
  seenInfo: Int32Array
  seenWords: Int32Array
  wordsUsed: number
  /** learned keys by a hash of their bytes (only consulted when a prediction fails) */
  learned: Map<number, number[]>
  /**
   * Which key followed which, last time: after the key `id` (0: the object's start; id + 1
   * otherwise) came the keys `succ[2 × (id + 1)] - 1` and, before that, `succ[2 × (id + 1) + 1] - 1`.
   * Records of one log mostly repeat their key order, so the next key is first compared with
   * what followed last time: the bytes compared with no state carried from one byte to the next.
   */
  succ: Int32Array
}

/** keys outside the spec remembered per node for the key-order prediction (more are scanned as before) */
const MAX_LEARNED = 256

/**
 * Bytes as little-endian 32-bit words for sameWords(): one per four bytes, the last one the four
 * bytes ending where they end (it may overlap the one before); null below four bytes.
 */
function wordsOf(bytes: Buffer): Int32Array | null {
  if (bytes.length < 4) return null
  const out: number[] = []
  for (let o = 0; o + 4 < bytes.length; o += 4) out.push(bytes.readInt32LE(o))
  out.push(bytes.readInt32LE(bytes.length - 4))
  return Int32Array.from(out)
}

/** Note the seen key `id`'s length and words (its spec index is set apart). */
function describeKey(node: Node, id: number, key: Buffer): void {
  const words = wordsOf(Buffer.concat([key, Buffer.from('"')])) ?? new Int32Array(0)
  if (node.wordsUsed + words.length > node.seenWords.length) {
    const bigger = new Int32Array(Math.max(node.seenWords.length * 2, node.wordsUsed + words.length))
    bigger.set(node.seenWords)
    node.seenWords = bigger
  }
  node.seenWords.set(words, node.wordsUsed)
  const o = 4 * id
  node.seenInfo[o] = key.length
  node.seenInfo[o + 2] = node.wordsUsed
  node.seenInfo[o + 3] = words.length
  node.wordsUsed += words.length
}

/**
 * Do the `len` bytes at `at` of the view equal the bytes `words` was made of (wordsOf)? Four bytes
 * a compare, through unaligned reads.
 */
function sameWords(v: DataView, at: number, len: number, words: Int32Array): boolean {
  const last = words.length - 1
  for (let y = 0, j = at; y < last; y++, j += 4) if (v.getInt32(j, true) !== words[y]) return false
  return v.getInt32(at + len - 4, true) === words[last]
}

/** the bucket of a key of `len` bytes starting with byte `f` */
const bucketOf = (len: number, f: number): number => ((len & 63) << 5) | (f & 31)

function compile(spec: FieldSpec, multi = false): Node {
  const names = Object.keys(spec)
  const node: Node = {
    keys: names.map((k) => Buffer.from(k, 'utf8')),
    lens: Int32Array.from(names.map((k) => Buffer.byteLength(k))),
    first: Int32Array.from(names.map((k) => Buffer.from(k, 'utf8')[0] ?? -1)),
    slot: new Int32Array(names.length).fill(-1),
    kid: names.map(() => null),
    eachNode: names.map(() => null),
    eachSlot: new Int32Array(names.length).fill(-1),
    presentSlot: new Int32Array(names.length).fill(-1),
    multi,
    table: new Int32Array(64 << 5),
    next: new Int32Array(names.length),
    trie: null,
    accept: new Int16Array(0),
    seen: [],
    seenInfo: new Int32Array(4 * (names.length + MAX_LEARNED)).fill(-1),
    seenWords: new Int32Array(64),
    wordsUsed: 0,
    learned: new Map(),
    succ: new Int32Array(2 * (names.length + MAX_LEARNED + 1))
  }
  const plain = (c: number): boolean => c >= 0x20 && c !== QUOTE && c !== BSLASH
  node.keys.forEach((k, i) => {
    const ok = k.length > 0 && k.every(plain)
    node.seen.push(ok ? k : null)
    if (ok) describeKey(node, i, k)
    node.seenInfo[4 * i + 1] = i
  })
  names.forEach((_, i) => {
    const h = bucketOf(node.lens[i], node.first[i])
    node.next[i] = node.table[h]
    node.table[h] = i + 1
  })
  buildTrie(node)
  names.forEach((k, i) => {
    const v = spec[k]
    if (typeof v === 'number') node.slot[i] = v
    else if ('each' in v) {
      if (typeof v.each === 'number') node.eachSlot[i] = v.each
      else node.eachNode[i] = compile(v.each as FieldSpec, true)
    } else if ('present' in v) {
      const p = v as PresentSpec
      node.presentSlot[i] = p.present
      if (p.inner) node.kid[i] = compile(p.inner, multi)
    } else node.kid[i] = compile(v as FieldSpec, multi)
  })
  return node
}

function buildTrie(node: Node): void {
  const plain = (c: number): boolean => c >= 0x20 && c < 0x7f && c !== QUOTE && c !== BSLASH
  if (node.keys.length > 0x7fff || !node.keys.every((k) => k.every(plain))) return
  // one row of 128 per state, indexed by the byte itself: no lookup of a byte class on the way
  // (each step already waits for the previous one)
  const next: number[][] = [new Array<number>(128).fill(0)]
  const accept = [0]
  node.keys.forEach((k, x) => {
    let st = 0
    for (const c of k) {
      if (next[st][c] === 0) {
        next.push(new Array<number>(128).fill(0))
        accept.push(0)
        next[st][c] = next.length - 1
      }
      st = next[st][c]
    }
    accept[st] = x + 1
  })
  if (next.length > 0xffff) return
  node.trie = Uint16Array.from(next.flat())
  node.accept = Int16Array.from(accept)
}

/** What a captured value was. (A plain object, not a const enum: files compile one at a time.) */
export const Kind = {
  Absent: 0,
  /** a string without escapes: its bytes are between start+1 and end-1 */
  String: 1,
  /** a string with escapes: decode with JSON.parse */
  EscapedString: 2,
  /** number, true, false */
  Literal: 3,
  Null: 4,
  /** an object or array (only its presence and bounds are recorded) */
  Container: 5
} as const
type Kind = (typeof Kind)[keyof typeof Kind]

const SP = 0x20
const TAB = 0x09
const LF = 0x0a
const CR = 0x0d
const QUOTE = 0x22
const BSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const LBRACE = 0x7b
const RBRACE = 0x7d
const LBRACK = 0x5b
const RBRACK = 0x5d

/**
 * Captures for one scanned object. Single-valued slots keep the last value seen; `each` slots keep
 * every value (start/end/kind triples in `multi`).
 */
export class Captures {
  readonly start: Int32Array
  readonly end: Int32Array
  readonly kind: Uint8Array
  readonly multi: number[][]
  buf: Buffer = Buffer.alloc(0)
  constructor(readonly slots: number) {
    this.start = new Int32Array(slots)
    this.end = new Int32Array(slots)
    this.kind = new Uint8Array(slots)
    this.multi = Array.from({ length: slots }, () => [])
    this.multiLength = new Int32Array(slots)
    this.dirty = new Int32Array(slots)
  }
  /**
   * How many numbers of each `multi` list are this record's: the lists are not emptied between
   * records (setting an array's length is a call into the runtime), only these counts.
   */
  readonly multiLength: Int32Array
  /** slots whose `multi` list holds values (reset only those: most records use none) */
  private readonly dirty: Int32Array
  private dirtyCount = 0
  push(slot: number, s: number, e: number, k: number): void {
    const m = this.multi[slot]
    const at = this.multiLength[slot]
    if (at === 0) this.dirty[this.dirtyCount++] = slot
    m[at] = s
    m[at + 1] = e
    m[at + 2] = k
    this.multiLength[slot] = at + 3
  }
  /** buf, for reading four bytes at a time (sameWords) */
  view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0))
  reset(buf: Buffer): void {
    if (buf !== this.buf) {
      this.buf = buf
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.length)
    }
    const kind = this.kind
    for (let i = 0; i < kind.length; i++) kind[i] = 0
    const d = this.dirty
    for (let i = 0; i < this.dirtyCount; i++) this.multiLength[d[i]] = 0
    this.dirtyCount = 0
  }
  has(slot: number): boolean {
    return this.kind[slot] !== Kind.Absent && this.kind[slot] !== Kind.Null
  }
  /** the string value of a slot, or null when absent, null, or not a string */
  str(slot: number): string | null {
    return decodeString(this.buf, this.start[slot], this.end[slot], this.kind[slot])
  }
  /** true/false for a JSON boolean, or the strings "true"/"false" (CloudTrail writes both) */
  bool(slot: number): boolean | null {
    const k = this.kind[slot]
    const b = this.buf
    const s = this.start[slot]
    if (k === Kind.Literal) {
      if (b[s] === 0x74) return true
      if (b[s] === 0x66) return false
      return null
    }
    if (k === Kind.String || k === Kind.EscapedString) {
      const v = this.str(slot)
      return v === 'true' ? true : v === 'false' ? false : null
    }
    return null
  }
  num(slot: number): number | null {
    if (this.kind[slot] !== Kind.Literal) return null
    const n = Number(this.buf.toString('latin1', this.start[slot], this.end[slot]))
    return Number.isFinite(n) ? n : null
  }
  /** all string values an `each` slot collected */
  strs(slot: number): string[] {
    const m = this.multi[slot]
    const out: string[] = []
    for (let i = 0, n = this.multiLength[slot]; i < n; i += 3) {
      const v = decodeString(this.buf, m[i], m[i + 1], m[i + 2])
      if (v !== null) out.push(v)
    }
    return out
  }
  /** does the string in `slot` equal `ascii` (no decoding; escaped strings are decoded first) */
  is(slot: number, ascii: string): boolean {
    const k = this.kind[slot]
    if (k === Kind.EscapedString) return this.str(slot) === ascii
    if (k !== Kind.String) return false
    const s = this.start[slot] + 1
    const len = this.end[slot] - 1 - s
    if (len !== ascii.length) return false
    const b = this.buf
    for (let i = 0; i < len; i++) if (b[s + i] !== ascii.charCodeAt(i)) return false
    return true
  }
}

/** A string met before, its bytes as words (for sameWords) and what the caller keeps with it. */
export interface Interned<T> {
  str: string
  len: number
  words: Int32Array | null
  bytes: Buffer
  data: T | null
}

/**
 * Strings that recur across records (bucket names, role ARNs, accounts, Regions), found again by
 * their bytes: no decoding and no new string per record, the same string object each time (which
 * makes the sets and maps they go into cheap), and a place for what the caller keeps per string.
 * Holds at most `max` strings; past that, a new string is still returned, not kept.
 */
export class Interner<T = never> {
  private readonly table = new Map<number, Array<Interned<T>>>()
  private size = 0
  /** the entry each slot gave last */
  private readonly last: Array<Interned<T> | undefined> = []
  constructor(private readonly max: number) {}

  /** the string in `slot` as an entry; null when absent, null, or not a string without escapes */
  entry(cap: Captures, slot: number): Interned<T> | null {
    if (cap.kind[slot] !== Kind.String) return null
    const b = cap.buf
    const s = cap.start[slot] + 1
    const len = cap.end[slot] - 1 - s
    const v = cap.view
    // consecutive records mostly repeat a slot's value (account, Region, role): that one first
    const prev = this.last[slot]
    if (prev !== undefined && prev.len === len && prev.words !== null && sameWords(v, s, len, prev.words)) return prev
    let h = 0x811c9dc5 ^ len
    // the hash reads four bytes at a time too (the last word may overlap: it is only a hash)
    if (len >= 4) {
      for (let j = s, e = s + len - 4; j < e; j += 4) h = Math.imul(h ^ v.getInt32(j, true), 16777619)
      h = Math.imul(h ^ v.getInt32(s + len - 4, true), 16777619)
    } else for (let j = s; j < s + len; j++) h = Math.imul(h ^ b[j], 16777619)
    h = (h ^ (h >>> 15)) & 0x3fffffff
    const list = this.table.get(h)
    if (list !== undefined) {
      for (let x = 0; x < list.length; x++) {
        const it = list[x]
        if (it.len !== len) continue
        if (it.words !== null ? sameWords(v, s, len, it.words) : b.compare(it.bytes, 0, len, s, s + len) === 0) return (this.last[slot] = it)
      }
    }
    const bytes = Buffer.from(b.subarray(s, s + len))
    const it: Interned<T> = { str: bytes.toString('utf8'), len, words: wordsOf(bytes), bytes, data: null }
    this.last[slot] = it
    if (this.size < this.max) {
      this.size++
      if (list !== undefined) list.push(it)
      else this.table.set(h, [it])
    }
    return it
  }

  /** the string in `slot` (decoded when escaped), or null when absent, null, or not a string */
  str(cap: Captures, slot: number): string | null {
    const it = this.entry(cap, slot)
    return it !== null ? it.str : cap.str(slot)
  }
}

function decodeString(b: Buffer, s: number, e: number, k: number): string | null {
  if (k === Kind.String) return b.toString('utf8', s + 1, e - 1)
  if (k === Kind.EscapedString) return JSON.parse(b.toString('utf8', s, e)) as string
  return null
}

/**
 * Scans JSON values in a buffer, capturing the spec's paths. Every method takes the buffer, a
 * position and the logical end `n`; reading past `n` throws NeedMoreInput, so a caller that streams
 * can append the next chunk and scan the same value again.
 */
export class SelectiveScanner {
  private readonly root: Node
  readonly cap: Captures
  private stack = new Uint8Array(256)
  n = 0
  // The buffer being scanned as 32-bit words, for the string loops: `words[(j + shift) >> 2]` holds
  // bytes j..j+3 when j + base is a multiple of 4.
  private wb: Buffer | null = null
  private words: Int32Array<ArrayBufferLike> = new Int32Array(0)
  private base = 0
  private shift = 0

  private bind(b: Buffer): void {
    const a0 = (b.byteOffset + 3) & ~3
    this.wb = b
    this.base = b.byteOffset
    this.shift = b.byteOffset - a0
    this.words = new Int32Array(b.buffer, a0, Math.max(0, (b.byteOffset + b.length - a0) >> 2))
  }

  /**
   * From `j` (a byte inside a string, 4-aligned), past the words holding only plain string bytes:
   * none below 0x23 (the quote, space, controls) and no backslash. Four bytes per step instead of
   * one: strings are most of a CloudTrail record. (Exact tests: a byte below n sets the high bit
   * of (w - n×0x01010101) & ~w only when one exists; a zero byte of w ^ 0x5c5c5c5c is a backslash.)
   */
  private plainWords(j: number): number {
    const n = this.n
    const words = this.words
    const shift = this.shift
    // eight bytes a step while both words are plain, then the word that is not
    while (j + 8 <= n) {
      const x = (j + shift) >> 2
      const w = words[x]
      const v = words[x + 1]
      const y = w ^ 0x5c5c5c5c
      const z = v ^ 0x5c5c5c5c
      if ((((w - 0x23232323) & ~w) | ((y - 0x01010101) & ~y) | ((v - 0x23232323) & ~v) | ((z - 0x01010101) & ~z)) & 0x80808080) break
      j += 8
    }
    while (j + 4 <= n) {
      const w = words[(j + shift) >> 2]
      const x = w ^ 0x5c5c5c5c
      if ((((w - 0x23232323) & ~w) | ((x - 0x01010101) & ~x)) & 0x80808080) return j
      j += 4
    }
    return j
  }

  constructor(spec: FieldSpec, slots: number) {
    this.root = compile(spec)
    this.cap = new Captures(slots)
  }

  /** Scan the object at `i` (after whitespace); returns the index after it. */
  scanRecord(b: Buffer, i: number, n: number): number {
    this.n = n
    this.cap.reset(b)
    return this.object(b, i, this.root)
  }

  ws(b: Buffer, i: number): number {
    const n = this.n
    for (;;) {
      if (i >= n) throw NEED_MORE
      const c = b[i]
      if (c !== SP && c !== LF && c !== CR && c !== TAB) return i
      i++
    }
  }

  /** i at the opening quote; returns the index after the closing quote. Sets `escaped`. */
  private escaped = false
  string(b: Buffer, i: number): number {
    if (b !== this.wb) this.bind(b)
    const n = this.n
    const base = this.base
    let j = i + 1
    let esc = false
    for (;;) {
      if (j >= n) throw NEED_MORE
      const c = b[j]
      // one comparison for most bytes: the quote, the controls and space sort below 0x23
      if (c > QUOTE) {
        if (c === BSLASH) {
          esc = true
          j += 2
        } else if (((++j + base) & 3) === 0) j = this.plainWords(j)
      } else if (c === QUOTE) {
        this.escaped = esc
        return j + 1
      } else if (c < 0x20) {
        throw new JsonScanError(j, 'control character inside a string')
      } else j++
    }
  }

  private object(b: Buffer, i: number, node: Node | null): number {
    // i: '{'. Compact JSON (as CloudTrail delivers it) has no whitespace: test the expected byte
    // first and call ws() only when it is not there.
    i++
    if (b[i] !== QUOTE) {
      i = this.ws(b, i)
      if (b[i] === RBRACE) return i + 1
    }
    // 1 + the id of the previous key (0 at the object's start; -1 when it has none: escaped, or not learned)
    let prev = 0
    for (;;) {
      if (b[i] !== QUOTE) throw new JsonScanError(i, 'expected a key (a string)')
      const ks = i
      let k = -1
      // The key that followed the previous one last time, or the one before: its bytes and a
      // closing quote right after them are this key exactly (learned keys hold no quote, no
      // backslash and no control byte; the spec's keys are compared only when they hold none).
      let id = -1
      if (prev >= 0 && node !== null) {
        id = node.succ[prev << 1] - 1
        if (id >= 0 && !this.keyAt(node, b, i, id)) {
          id = node.succ[(prev << 1) | 1] - 1
          if (id >= 0 && !this.keyAt(node, b, i, id)) id = -1
        }
      }
      if (id >= 0) {
        k = node!.seenInfo[4 * id + 1]
        i += node!.seenInfo[4 * id] + 2
      } else if (node !== null) {
        let escaped = false
        const trie = node.trie
        // Match the key while scanning it. Reaching its closing quote along the trie proves what
        // string() and lookup() would find: a key without escapes or controls (the trie holds
        // neither), the one that ends in that state, or none. Any other byte ends the walk, and
        // the key is scanned and looked up as below.
        let st = 0
        let j = i + 1
        if (trie !== null) {
          const n = this.n
          for (;;) {
            if (j >= n) break
            const c = b[j]
            if (c === QUOTE) break
            st = c < 128 ? trie[(st << 7) | c] : 0
            if (st === 0) break
            j++
          }
        }
        if (trie !== null && j < this.n && b[j] === QUOTE) {
          k = node.accept[st] - 1
          i = j + 1
        } else {
          i = this.string(b, i)
          escaped = this.escaped
          // without escapes, a key the trie left is in no spec
          if (trie === null || escaped) k = this.lookup(node, b, ks, i - 1, escaped)
        }
        // The key's id (the spec's index, else learned from its bytes; none for an escaped key
        // outside the spec) becomes the first guess after the previous key.
        id = k >= 0 ? k : escaped ? -1 : this.learn(node, b, ks + 1, i - 1)
        if (prev >= 0 && id >= 0) {
          const p = prev << 1
          node.succ[p | 1] = node.succ[p]
          node.succ[p] = id + 1
        }
      } else i = this.string(b, i)
      prev = id >= 0 ? id + 1 : -1
      if (b[i] !== COLON) {
        i = this.ws(b, i)
        if (b[i] !== COLON) throw new JsonScanError(i, "expected ':' after a key")
      }
      i++
      if (i >= this.n) throw NEED_MORE
      const v = b[i]
      if (v === SP || v === LF || v === CR || v === TAB) i = this.ws(b, i)
      if (k < 0) i = this.skip(b, i)
      else i = this.member(b, i, node!, k)
      if (i >= this.n) throw NEED_MORE
      let c = b[i]
      if (c === SP || c === LF || c === CR || c === TAB) {
        i = this.ws(b, i)
        c = b[i]
      }
      if (c === COMMA) {
        i++
        if (b[i] !== QUOTE) i = this.ws(b, i)
        continue
      }
      if (c === RBRACE) return i + 1
      throw new JsonScanError(i, "expected ',' or '}' in an object")
    }
  }

  /** Is the key at `i` (its opening quote) the seen key `id`, closing quote included? */
  private keyAt(node: Node, b: Buffer, i: number, id: number): boolean {
    const info = node.seenInfo
    const o = 4 * id
    const len = info[o]
    if (len < 0) return false
    const e = i + 1 + len
    if (e >= this.n || b[e] !== QUOTE) return false
    const count = info[o + 3]
    if (count === 0) {
      const kb = node.seen[id]!
      for (let y = 0, j = i + 1; y < len; y++, j++) if (b[j] !== kb[y]) return false
      return true
    }
    // four bytes a compare (the captures' view is of the buffer being scanned: scanRecord set it),
    // the last word ending at the quote
    const v = this.cap.view
    const words = node.seenWords
    const last = info[o + 2] + count - 1
    for (let y = info[o + 2], j = i + 1; y < last; y++, j += 4) if (v.getInt32(j, true) !== words[y]) return false
    return v.getInt32(e - 3, true) === words[last]
  }

  /** The id of the key outside the spec in b[s, e) (no escapes), learning it when new; -1 when the node knows too many. */
  private learn(node: Node, b: Buffer, s: number, e: number): number {
    let h = 0x811c9dc5
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 16777619)
    const ids = node.learned.get(h)
    if (ids) for (const id of ids) if (node.seen[id]!.equals(b.subarray(s, e))) return id
    const id = node.seen.length
    if (id >= node.keys.length + MAX_LEARNED) return -1
    const key = Buffer.from(b.subarray(s, e))
    node.seen.push(key)
    describeKey(node, id, key)
    if (ids) ids.push(id)
    else node.learned.set(h, [id])
    return id
  }

  /** ks: the key's opening quote, ke: its closing quote */
  private lookup(node: Node, b: Buffer, ks: number, ke: number, keyEscaped: boolean): number {
    if (keyEscaped) {
      const key = JSON.parse(b.toString('utf8', ks, ke + 1)) as string
      const kb = Buffer.from(key, 'utf8')
      for (let x = 0; x < node.keys.length; x++) if (node.keys[x].equals(kb)) return x
      return -1
    }
    const len = ke - ks - 1
    const f = b[ks + 1]
    const lens = node.lens
    const first = node.first
    const next = node.next
    outer: for (let x = node.table[bucketOf(len, f)] - 1; x >= 0; x = next[x] - 1) {
      if (lens[x] !== len || first[x] !== f) continue
      const kb = node.keys[x]
      for (let y = 1; y < len; y++) if (kb[y] !== b[ks + 1 + y]) continue outer
      return x
    }
    return -1
  }

  private member(b: Buffer, i: number, node: Node, k: number): number {
    const c = b[i]
    const cap = this.cap
    const ps = node.presentSlot[k]
    if (ps >= 0) {
      cap.kind[ps] = c === 0x6e /* null */ ? Kind.Null : Kind.Container
      cap.start[ps] = i
    }
    const slot = node.slot[k]
    if (slot >= 0) {
      const e = this.value(b, i)
      if (node.multi) cap.push(slot, i, e, this.lastKind)
      else {
        cap.start[slot] = i
        cap.end[slot] = e
        cap.kind[slot] = this.lastKind
      }
      return e
    }
    const kid = node.kid[k]
    if (kid !== null && c === LBRACE) return this.object(b, i, kid)
    const en = node.eachNode[k]
    const es = node.eachSlot[k]
    if ((en !== null || es >= 0) && c === LBRACK) return this.array(b, i, en, es)
    const e = this.skip(b, i)
    if (ps >= 0) cap.end[ps] = e
    return e
  }

  private array(b: Buffer, i: number, node: Node | null, slot: number): number {
    i = this.ws(b, i + 1)
    if (b[i] === RBRACK) return i + 1
    const cap = this.cap
    for (;;) {
      if (node !== null && b[i] === LBRACE) i = this.object(b, i, node)
      else if (slot >= 0) {
        const e = this.value(b, i)
        cap.push(slot, i, e, this.lastKind)
        i = e
      } else i = this.skip(b, i)
      i = this.ws(b, i)
      const c = b[i]
      if (c === COMMA) {
        i = this.ws(b, i + 1)
        continue
      }
      if (c === RBRACK) return i + 1
      throw new JsonScanError(i, "expected ',' or ']' in an array")
    }
  }

  private lastKind: Kind = Kind.Absent as Kind
  /** Scan any value at i, set lastKind, return the index after it. */
  private value(b: Buffer, i: number): number {
    const c = b[i]
    if (c === QUOTE) {
      const e = this.string(b, i)
      this.lastKind = this.escaped ? Kind.EscapedString : Kind.String
      return e
    }
    if (c === LBRACE || c === LBRACK) {
      this.lastKind = Kind.Container
      return this.skip(b, i)
    }
    const e = this.literal(b, i)
    this.lastKind = c === 0x6e ? Kind.Null : Kind.Literal
    return e
  }

  private literal(b: Buffer, i: number): number {
    const n = this.n
    const s = i
    const c0 = b[i]
    if (!(c0 === 0x2d || (c0 >= 0x30 && c0 <= 0x39) || c0 === 0x74 || c0 === 0x66 || c0 === 0x6e)) {
      throw new JsonScanError(i, 'expected a value')
    }
    for (;;) {
      if (i >= n) throw NEED_MORE
      const c = b[i]
      if (c === COMMA || c === RBRACE || c === RBRACK || c === SP || c === LF || c === CR || c === TAB) break
      i++
    }
    if (c0 === 0x74 || c0 === 0x66 || c0 === 0x6e) {
      const len = i - s
      const ok =
        (len === 4 && c0 === 0x74 && b[s + 1] === 0x72 && b[s + 2] === 0x75 && b[s + 3] === 0x65) ||
        (len === 5 && c0 === 0x66 && b[s + 1] === 0x61 && b[s + 2] === 0x6c && b[s + 3] === 0x73 && b[s + 4] === 0x65) ||
        (len === 4 && c0 === 0x6e && b[s + 1] === 0x75 && b[s + 2] === 0x6c && b[s + 3] === 0x6c)
      if (!ok) throw new JsonScanError(s, `unknown literal "${b.toString('latin1', s, Math.min(i, s + 20))}"`)
    }
    return i
  }

  /** Skip any value at i, checking that brackets match; returns the index after it. */
  skip(b: Buffer, i: number): number {
    const c0 = b[i]
    if (c0 === QUOTE) return this.string(b, i)
    if (c0 !== LBRACE && c0 !== LBRACK) return this.literal(b, i)
    const n = this.n
    if (b !== this.wb) this.bind(b)
    const base = this.base
    let stack = this.stack
    let depth = 0
    for (;;) {
      if (i >= n) throw NEED_MORE
      const c = b[i]
      if (c === QUOTE) {
        // inline string skip (its characters are not checked)
        let j = i + 1
        for (;;) {
          if (j >= n) throw NEED_MORE
          const d = b[j]
          if (d === QUOTE) break
          if (d === BSLASH) j += 2
          else if (((++j + base) & 3) === 0) j = this.plainWords(j)
        }
        i = j + 1
        continue
      }
      if (c === LBRACE || c === LBRACK) {
        if (depth === stack.length) {
          const bigger = new Uint8Array(stack.length * 2)
          bigger.set(stack)
          this.stack = stack = bigger
        }
        stack[depth++] = c
      } else if (c === RBRACE || c === RBRACK) {
        if (depth === 0 || stack[depth - 1] !== c - 2) throw new JsonScanError(i, `unexpected '${String.fromCharCode(c)}'`)
        if (--depth === 0) return i + 1
      }
      i++
    }
  }
}
