import { excerpt } from './place'
import type { TextScanner } from './scanner'

export interface CsvRow {
  fields: string[]
  /** 1-based data row number (the header is row 0) */
  recordNo: number
  /** line where the row starts */
  line: number
  startByte: number
  /** exclusive, before the line break */
  endByte: number
}

const QUOTE = 34
const CR = 13
const LF = 10

/** A cell longer than this cannot be an export's cell: the file is damaged (or a quote never closes). */
const MAX_CELL_CHARS = 32 * 1024 * 1024

/**
 * Streaming RFC 4180 reader: quoted cells may hold delimiters, doubled quotes and line breaks
 * (Wiz puts whole Markdown documents in one cell). A quote inside an unquoted cell is kept as
 * is, as spreadsheet programs do. Knows the line and byte offset of every row for messages.
 */
export class CsvReader {
  private line = 1
  private rowNo = -1
  readonly delimiter: number

  constructor(
    private readonly sc: TextScanner,
    delimiter: string
  ) {
    this.delimiter = delimiter.charCodeAt(0)
  }

  /** The next row, or null at the end of the file. Blank lines are skipped. */
  next(): CsvRow | null {
    const sc = this.sc
    for (;;) {
      if (!sc.ensure()) return null
      const c = sc.buf.charCodeAt(sc.pos)
      if (c === LF || c === CR) {
        this.lineBreak()
        continue
      }
      break
    }
    const line = this.line
    const startByte = sc.byteAt(sc.pos)
    const fields: string[] = []
    this.rowNo++
    for (;;) {
      const atQuote = sc.ensure() && sc.buf.charCodeAt(sc.pos) === QUOTE
      fields.push(atQuote ? this.quoted(line, startByte) : this.unquoted())
      if (!sc.ensure()) break
      const c = sc.buf.charCodeAt(sc.pos)
      if (c === this.delimiter) {
        sc.pos++
        continue
      }
      if (c === LF || c === CR) break
      throw sc.errorAt(
        sc.byte,
        `unexpected ${excerpt(sc.buf.slice(sc.pos, sc.pos + 10), 10)} after the closing quote of cell ${fields.length}; a quote inside a quoted cell must be doubled ("")`,
        { record: this.rowNo > 0 ? this.rowNo : null }
      )
    }
    const endByte = sc.byte
    if (sc.ensure()) this.lineBreak()
    return { fields, recordNo: this.rowNo, line, startByte, endByte }
  }

  private lineBreak(): void {
    const sc = this.sc
    const c = sc.buf.charCodeAt(sc.pos)
    sc.pos++
    if (c === CR && sc.ensure() && sc.buf.charCodeAt(sc.pos) === LF) sc.pos++
    this.line++
  }

  private unquoted(): string {
    const sc = this.sc
    const d = this.delimiter
    let parts: string[] | null = null
    for (;;) {
      if (!sc.ensure()) break
      const buf = sc.buf
      const start = sc.pos
      let i = start
      const len = sc.len
      while (i < len) {
        const c = buf.charCodeAt(i)
        if (c === d || c === LF || c === CR) break
        i++
      }
      sc.pos = i
      if (i < len) {
        const tail = buf.slice(start, i)
        return parts ? (parts.push(tail), parts.join('')) : tail
      }
      ;(parts ??= []).push(buf.slice(start, i))
      if (parts.length * sc.len > MAX_CELL_CHARS) {
        throw sc.errorAt(sc.byte, `a cell longer than ${MAX_CELL_CHARS >> 20} MiB; the file is damaged or not a CSV export`, { record: this.rowNo })
      }
    }
    return parts ? parts.join('') : ''
  }

  private quoted(line: number, rowStart: number): string {
    const sc = this.sc
    const openLine = this.line
    const openByte = sc.byte
    sc.pos++ // opening quote
    const parts: string[] = []
    let chars = 0
    for (;;) {
      if (!sc.ensure()) {
        throw sc.errorAt(
          openByte,
          `a quoted cell opened on line ${openLine} is never closed (the file ends inside it); the row starting on line ${line} (byte offset ${rowStart}) is broken`,
          { record: this.rowNo > 0 ? this.rowNo : null }
        )
      }
      const buf = sc.buf
      const from = sc.pos
      const j = buf.indexOf('"', from)
      const end = j === -1 ? sc.len : j
      this.countLines(buf, from, end)
      parts.push(buf.slice(from, end))
      chars += end - from
      if (chars > MAX_CELL_CHARS) {
        throw sc.errorAt(openByte, `a quoted cell opened on line ${openLine} runs past ${MAX_CELL_CHARS >> 20} MiB: a quote is probably never closed`, {
          record: this.rowNo > 0 ? this.rowNo : null
        })
      }
      if (j === -1) {
        sc.pos = sc.len
        continue
      }
      sc.pos = j + 1
      // "" inside a quoted cell is one quote
      if (sc.ensure() && sc.buf.charCodeAt(sc.pos) === QUOTE) {
        parts.push('"')
        sc.pos++
        continue
      }
      return parts.length === 1 ? parts[0] : parts.join('')
    }
  }

  private countLines(buf: string, from: number, to: number): void {
    let i = buf.indexOf('\n', from)
    while (i !== -1 && i < to) {
      this.line++
      i = buf.indexOf('\n', i + 1)
    }
  }
}

/** Which delimiter a header line uses: Prowler writes ';', everyone else ','. */
export function sniffDelimiter(headerLine: string): ',' | ';' {
  let commas = 0
  let semis = 0
  let inQuote = false
  for (let i = 0; i < headerLine.length; i++) {
    const c = headerLine[i]
    if (c === '"') inQuote = !inQuote
    else if (!inQuote && c === ',') commas++
    else if (!inQuote && c === ';') semis++
  }
  return semis > commas ? ';' : ','
}
