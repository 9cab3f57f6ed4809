import { isAscii, isUtf8 } from 'node:buffer'
import { closeSync, readSync } from 'node:fs'
import { openRegularFile } from '../services/input-files'
import { badInput, lineAt } from './place'

/** A piece of the file decoded to text, never splitting a UTF-8 character. */
export interface TextChunk {
  text: string
  /** file offset of text[0] */
  byteStart: number
  /** bytes behind `text` */
  byteLength: number
  /** one byte per character: offsets map 1:1 */
  ascii: boolean
}

export interface SourceOptions {
  /** bytes per read; tests use tiny chunks to exercise every boundary */
  chunkBytes?: number
  /** every byte of the file, in order, as read (for hashing and storing the file) */
  onBytes?: (bytes: Buffer, fileOffset: number) => void
}

/**
 * 64 KiB: V8 allocates strings above ~128 KiB in its large-object space, which made decoding
 * 1 MiB chunks 20-30× slower (≈100 MB/s) than 64 KiB ones (≈3 GB/s) on the target machine.
 */
const DEFAULT_CHUNK_BYTES = 64 * 1024

/**
 * Reads a file front to back in fixed chunks, synchronously (imports run in a worker thread,
 * inside one database transaction, so there is nothing to gain from async reads), and hands out
 * text that is guaranteed valid UTF-8. Memory stays at one chunk whatever the file size.
 */
export class FileSource {
  readonly path: string
  /** the name used in messages */
  readonly name: string
  readonly size: number
  private fd: number
  private readonly buf: Buffer
  private carry = 0
  private filePos = 0
  private first = true
  private done = false
  private readonly onBytes?: (bytes: Buffer, fileOffset: number) => void

  constructor(path: string, name: string, opts: SourceOptions = {}) {
    this.path = path
    this.name = name
    const opened = openRegularFile(path, name, 'an export file')
    this.fd = opened.fd
    this.size = opened.size
    if (this.size === 0) {
      closeSync(this.fd)
      throw badInput(name, {}, 'the file is empty (0 bytes); nothing was imported')
    }
    const chunk = Math.max(16, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES)
    // +3: room for the bytes of a character cut at the end of the previous read
    this.buf = Buffer.allocUnsafe(chunk + 3)
    this.onBytes = opts.onBytes
  }

  /** bytes read so far */
  get position(): number {
    return this.filePos
  }

  /** The next decoded chunk, or null at the end of the file. */
  next(): TextChunk | null {
    if (this.done) return null
    const n = readSync(this.fd, this.buf, this.carry, this.buf.length - 3, this.filePos)
    if (n > 0 && this.onBytes) this.onBytes(this.buf.subarray(this.carry, this.carry + n), this.filePos)
    const start = this.filePos - this.carry
    this.filePos += n
    const total = this.carry + n
    if (total === 0) {
      this.done = true
      return null
    }
    const skip = this.first ? this.checkStart(total) : 0
    this.first = false
    const atEnd = n === 0 || this.filePos >= this.size
    // a character cut by the end of this read waits for the next one
    const cut = atEnd ? total : completeUtf8Prefix(this.buf, total)
    const bytes = this.buf.subarray(skip, cut)
    if (!isUtf8(bytes)) this.notUtf8(bytes, start + skip)
    const ascii = isAscii(bytes)
    const text = bytes.toString(ascii ? 'latin1' : 'utf8')
    this.carry = total - cut
    if (this.carry > 0) this.buf.copy(this.buf, 0, cut, total)
    if (atEnd) this.done = true
    return { text, byteStart: start + skip, byteLength: bytes.length, ascii }
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd)
      this.fd = -1
    }
  }

  /** BOMs and compressed files: recognised from the first bytes, before any decoding. */
  private checkStart(total: number): number {
    const b = this.buf
    if (total >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 3
    if (total >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) {
      throw badInput(this.name, { byte: 0 }, 'the file is UTF-16 text; Lastmile reads UTF-8: save or export it as UTF-8 and import again')
    }
    if (total >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
      throw badInput(this.name, { byte: 0 }, 'the file is gzip-compressed; decompress it (gunzip) and import the result')
    }
    if (total >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
      throw badInput(this.name, { byte: 0 }, 'the file is a ZIP archive; extract the export from it and import that file')
    }
    return 0
  }

  private notUtf8(bytes: Buffer, fileOffset: number): never {
    const i = firstInvalidUtf8(bytes)
    const at = fileOffset + i
    throw badInput(
      this.name,
      { line: lineAt(this.path, at), byte: at },
      `not valid UTF-8 text (byte 0x${bytes[i].toString(16).padStart(2, '0')}); export or save the file as UTF-8 and import again`
    )
  }
}

/** The length of the longest prefix of buf[0, n) that does not end inside a UTF-8 character. */
function completeUtf8Prefix(buf: Buffer, n: number): number {
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = buf[n - k]
    if ((b & 0xc0) === 0x80) continue
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2
      if (k < need) return n - k
    }
    return n
  }
  return n
}

/** Index of the first byte that breaks UTF-8 (only called once isUtf8 said there is one). */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0
  while (i < b.length) {
    const c = b[i]
    if (c < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1
      min = 0x80
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2
      min = 0x800
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3
      min = 0x10000
    } else return i
    if (i + need >= b.length) return i
    let cp = c & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k]
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (cc & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return Math.max(0, b.length - 1)
}
