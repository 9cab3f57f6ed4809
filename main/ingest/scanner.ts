import { badInput, lineAt, type Place } from './place'
import type { FileSource, TextChunk } from './source'

/**
 * A cursor over a FileSource's text that can refill from the file, map a character position to
 * its byte offset, and capture a span that crosses chunk boundaries (a record or a cell) without
 * ever holding more than that span plus one chunk.
 */
export class TextScanner {
  buf = ''
  pos = 0
  len = 0
  eof = false
  /** counts the chunks loaded: buf changed when it moved */
  chunks = 0
  private chunk: TextChunk | null = null
  private cursorChar = 0
  private cursorByte = 0
  /** capture: parts from previous chunks and where the span starts in the current one */
  private capturing = false
  private capStart = 0
  private capParts: string[] = []
  private capChars = 0
  private capLimit = Infinity
  private capOverflow: (() => never) | null = null

  constructor(
    readonly src: FileSource,
    readonly file: string
  ) {}

  /** Load the next chunk; false at the end of the file. A running capture keeps its text. */
  refill(): boolean {
    if (this.eof) return false
    if (this.capturing) {
      const part = this.buf.slice(this.capStart)
      this.capChars += part.length
      if (this.capChars > this.capLimit) {
        if (this.capOverflow) this.capOverflow()
        this.capturing = false
        this.capParts = []
      } else {
        this.capParts.push(part)
      }
      this.capStart = 0
    }
    const next = this.src.next()
    if (!next) {
      this.eof = true
      this.pos = this.len
      return false
    }
    this.chunk = next
    this.chunks++
    this.buf = next.text
    this.len = next.text.length
    this.pos = 0
    this.cursorChar = 0
    this.cursorByte = 0
    return true
  }

  /** Make sure buf[pos] exists; false at the end of the file. */
  ensure(): boolean {
    while (this.pos >= this.len) {
      if (!this.refill()) return false
    }
    return true
  }

  /** The file offset of buf[charPos] (charPos in the current chunk). */
  byteAt(charPos: number): number {
    const c = this.chunk
    if (!c) return 0
    if (c.ascii) return c.byteStart + charPos
    if (charPos < this.cursorChar) {
      this.cursorChar = 0
      this.cursorByte = 0
    }
    if (charPos > this.cursorChar) {
      this.cursorByte += Buffer.byteLength(this.buf.slice(this.cursorChar, charPos), 'utf8')
      this.cursorChar = charPos
    }
    return c.byteStart + this.cursorByte
  }

  /** The file offset of the current position. */
  get byte(): number {
    if (this.pos >= this.len && this.chunk) return this.chunk.byteStart + this.chunk.byteLength
    return this.byteAt(this.pos)
  }

  /**
   * Start capturing at the current position. `limit` caps the captured characters; past it,
   * `onOverflow` throws (a record too large) or, when absent, the capture is silently dropped
   * (context that is merely nice to have).
   */
  startCapture(limit = Infinity, onOverflow: (() => never) | null = null): void {
    this.capturing = true
    this.capStart = this.pos
    this.capParts = []
    this.capChars = 0
    this.capLimit = limit
    this.capOverflow = onOverflow
  }

  /** The captured text up to the current position, or null if it was dropped. */
  endCapture(): string | null {
    if (!this.capturing) return null
    this.capturing = false
    const tail = this.buf.slice(this.capStart, this.pos)
    if (this.capChars + tail.length > this.capLimit) {
      if (this.capOverflow) this.capOverflow()
      this.capParts = []
      return null
    }
    if (this.capParts.length === 0) return tail
    this.capParts.push(tail)
    const text = this.capParts.join('')
    this.capParts = []
    return text
  }

  get capturedChars(): number {
    return this.capChars + (this.capturing ? this.pos - this.capStart : 0)
  }

  /** A bad-input error at a byte offset, with the line found by re-reading the file. */
  errorAt(byte: number, what: string, extra: Place = {}): Error {
    return badInput(this.file, { line: lineAt(this.src.path, byte), byte, ...extra }, what)
  }
}
