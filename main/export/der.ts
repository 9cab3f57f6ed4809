// A small DER reader and writer: just what a detached CMS (PKCS#7) signature needs.
//
// Why not node-forge's asn1 for this: the verifier must hash the signed attributes exactly as
// they were received, and name the byte range of a bad signature, so it needs the raw offsets of
// each element — which a parse-and-re-encode library hides. Writing is the mirror image and keeps
// the signature path free of forge's JavaScript hashing, which is slow on a large PDF.

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31
} as const

/** One element: its tag, and where its header and content lie in the buffer it was read from. */
export interface DerNode {
  tag: number
  start: number
  contentStart: number
  end: number
}

class DerError extends Error {}

/** Read the element at `offset`; its end must lie within `limit`. */
export function readNode(buf: Buffer, offset: number, limit = buf.length): DerNode {
  if (offset + 2 > limit) throw new DerError(`truncated DER at byte ${offset}`)
  const tag = buf[offset]
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte DER tag at byte ${offset}`)
  let p = offset + 1
  const first = buf[p++]
  let length: number
  if (first < 0x80) length = first
  else {
    const n = first & 0x7f
    if (n === 0) throw new DerError(`indefinite length at byte ${offset} (BER, not DER)`)
    if (n > 4) throw new DerError(`length too large at byte ${offset}`)
    if (p + n > limit) throw new DerError(`truncated DER length at byte ${offset}`)
    length = 0
    for (let i = 0; i < n; i++) length = length * 256 + buf[p++]
  }
  const end = p + length
  if (end > limit) throw new DerError(`DER element at byte ${offset} runs past its container (${end} > ${limit})`)
  return { tag, start: offset, contentStart: p, end }
}

/** The elements inside a constructed element. */
export function children(buf: Buffer, node: DerNode): DerNode[] {
  const out: DerNode[] = []
  let p = node.contentStart
  while (p < node.end) {
    const c = readNode(buf, p, node.end)
    out.push(c)
    p = c.end
  }
  return out
}

export function content(buf: Buffer, node: DerNode): Buffer {
  return buf.subarray(node.contentStart, node.end)
}

export function whole(buf: Buffer, node: DerNode): Buffer {
  return buf.subarray(node.start, node.end)
}

export function expectTag(node: DerNode, tag: number, what: string): DerNode {
  if (node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`)
  return node
}

export function decodeOid(bytes: Buffer): string {
  if (bytes.length === 0) throw new DerError('empty OID')
  const parts: number[] = []
  const first = bytes[0]
  parts.push(first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80)
  let v = 0
  for (let i = 1; i < bytes.length; i++) {
    v = v * 128 + (bytes[i] & 0x7f)
    if ((bytes[i] & 0x80) === 0) {
      parts.push(v)
      v = 0
    }
  }
  return parts.join('.')
}

/** UTCTime (YYMMDDhhmmssZ) or GeneralizedTime (YYYYMMDDhhmmssZ) to a Date. */
export function decodeTime(node: DerNode, buf: Buffer): Date {
  const s = content(buf, node).toString('latin1')
  const m = node.tag === TAG.UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  if (!m) throw new DerError(`unsupported time ${JSON.stringify(s)}`)
  let year = Number(m[1])
  if (node.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])))
}

// ---- writing --------------------------------------------------------------------------------

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

export function encode(tag: number, body: Buffer | Buffer[]): Buffer {
  const b = Array.isArray(body) ? Buffer.concat(body) : body
  return Buffer.concat([Buffer.from([tag]), lengthBytes(b.length), b])
}

export const seq = (...items: Buffer[]): Buffer => encode(TAG.SEQUENCE, items)

/** A SET OF: DER wants its elements sorted by their encodings. */
export const setOf = (...items: Buffer[]): Buffer => encode(TAG.SET, [...items].sort(Buffer.compare))

export const nul = (): Buffer => Buffer.from([TAG.NULL, 0])

export const octets = (b: Buffer): Buffer => encode(TAG.OCTET_STRING, b)

export function integer(n: number): Buffer {
  const bytes: number[] = []
  let v = n
  do {
    bytes.unshift(v & 0xff)
    v = Math.floor(v / 256)
  } while (v > 0)
  if (bytes[0] & 0x80) bytes.unshift(0)
  return encode(TAG.INTEGER, Buffer.from(bytes))
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number)
  const out: number[] = [parts[0] * 40 + parts[1]]
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f]
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80)
    out.push(...chunk)
  }
  return encode(TAG.OID, Buffer.from(out))
}

/** UTCTime for 1950–2049 (RFC 5280's rule), GeneralizedTime otherwise. */
export function time(d: Date): Buffer {
  const iso = d.toISOString()
  const y = d.getUTCFullYear()
  const rest = iso.slice(5, 19).replace(/[-T:]/g, '')
  if (y >= 1950 && y < 2050) return encode(TAG.UTC_TIME, Buffer.from(`${String(y).slice(2)}${rest}Z`, 'latin1'))
  return encode(TAG.GENERALIZED_TIME, Buffer.from(`${y}${rest}Z`, 'latin1'))
}

/** `[n] EXPLICIT` / constructed context-specific: 0xA0 + n. */
export const explicit = (n: number, ...items: Buffer[]): Buffer => encode(0xa0 + n, items)
