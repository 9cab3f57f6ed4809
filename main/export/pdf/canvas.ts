import { deflateSync } from 'node:zlib'
import PDFDocument from 'pdfkit'
import type { FontFace, FontFiles } from './fonts'

/**
 * A fast drawing surface over pdfkit. pdfkit still builds the document — pages, embedded font
 * subsets, outline, links, attachments, the signature field — but page content is written here
 * as raw PDF operators, one buffer per page.
 *
 * Why: pdfkit's `text()` shapes every string through fontkit and writes each operator as its own
 * small buffer. For a report of 10,000 findings (hundreds of thousands of strings) that alone
 * takes longer than the whole export may (DESIGN.md: < 10 s). A report needs no shaping: each
 * character maps to one glyph of the embedded TTF, so text is encoded with a per-character cache
 * (glyph id, advance width), and the font's width table and ToUnicode map are filled exactly as
 * pdfkit's own encoder fills them — the text stays extractable (pdftotext) and searchable.
 *
 * Coordinates are pdfkit's: points, origin top-left, y growing downwards (pdfkit starts every
 * page with a flipping `cm`); text is drawn with a flipped text matrix so glyphs stand upright.
 */

/** pdfkit's EmbeddedFont, the fields its own encoder uses (pdfkit 0.20; typed here, not exported by @types/pdfkit). */
interface EmbeddedFont {
  id: string
  font: {
    glyphForCodePoint(cp: number): { id: number; advanceWidth: number }
  }
  subset: { includeGlyph(glyphId: number): number }
  widths: number[]
  unicode: number[][]
  scale: number
  ascender: number
  descender: number
  ref(): unknown
}

interface Face {
  font: EmbeddedFont
  /** whole strings already encoded (labels, playbook questions and answers repeat thousands of times) */
  strings: Map<string, string>
  /** whole strings already measured, in 1/1000 em */
  widths: Map<string, number>
  /** code point → 4 hex digits of the subset glyph id */
  hex: Map<number, string>
  /** code point → advance width in 1/1000 em */
  width: Map<number, number>
}

export interface TextStyle {
  face: FontFace
  size: number
  color?: string
}

export const PAGE = { width: 595.28, height: 841.89 } as const

const REPLACEMENT = 0xfffd
const CONTROL = /[\t\r\n]/

/** A number as PDF content wants it: at most two decimals, no exponent (coordinates are small). */
function num(n: number): string {
  return String(Math.round(n * 100) / 100)
}

const rgbCache = new Map<string, string>()
function rgb(hex: string): string {
  let v = rgbCache.get(hex)
  if (!v) {
    const h = hex.replace('#', '')
    v = [0, 2, 4].map((i) => num(Math.round((parseInt(h.slice(i, i + 2), 16) / 255) * 1000) / 1000)).join(' ')
    rgbCache.set(hex, v)
  }
  return v
}

export class PdfCanvas {
  readonly doc: PDFKit.PDFDocument
  private readonly faces: Record<FontFace, Face>
  private ops: string[] = []
  private pageFonts = new Set<string>()
  private fill: string | null = null
  private pageNo = -1

  constructor(fonts: FontFiles, info: { title: string; author: string; subject: string; keywords?: string }) {
    this.doc = new PDFDocument({
      size: 'A4',
      autoFirstPage: false,
      bufferPages: true,
      // The default font would be Helvetica, which is not embedded; start with ours instead.
      font: fonts.regular as unknown as string,
      info: { Title: info.title, Author: info.author, Subject: info.subject, Keywords: info.keywords ?? '', Creator: 'Lastmile', Producer: 'Lastmile (pdfkit)' },
      displayTitle: true,
      lang: 'en',
      pdfVersion: '1.7'
    })
    const doc = this.doc as unknown as { font(src: Buffer): unknown; _font: EmbeddedFont }
    const open = (buf: Buffer): Face => {
      doc.font(buf)
      return { font: doc._font, strings: new Map(), widths: new Map(), hex: new Map(), width: new Map() }
    }
    this.faces = { regular: open(fonts.regular), bold: open(fonts.bold), mono: open(fonts.mono) }
    doc.font(fonts.regular)
  }

  /** Index (0-based) of the page being drawn. */
  get page(): number {
    return this.pageNo
  }

  get pageCount(): number {
    return this.doc.bufferedPageRange().count
  }

  addPage(): void {
    this.flush()
    this.doc.addPage({ size: 'A4', margin: 0 })
    this.pageNo = this.pageCount - 1
    this.pageFonts = new Set()
    this.fill = null
  }

  /** Go back to an earlier page to add to it (page numbers, the table of contents). */
  reopen(index: number): void {
    this.flush()
    this.doc.switchToPage(index)
    this.pageNo = index
    const fonts = (this.doc.page as unknown as { fonts: Record<string, unknown> }).fonts
    this.pageFonts = new Set(Object.keys(fonts))
    this.fill = null
    // Whatever state the page's content left behind, start from a clean one.
    this.ops.push('q')
    this.closeWith = 'Q'
  }

  private closeWith: string | null = null

  /** Write what was drawn on the current page into its content stream. */
  flush(): void {
    if (this.closeWith) {
      this.ops.push(this.closeWith)
      this.closeWith = null
    }
    if (this.ops.length === 0) return
    // One buffer per page: pdfkit would otherwise allocate one per operator.
    this.doc.addContent(Buffer.from(`\n${this.ops.join('\n')}\n`, 'latin1') as unknown as string)
    this.ops = []
  }

  /**
   * Compress every page's content stream now, at a fast zlib level, and tell pdfkit it is done.
   * pdfkit would deflate each stream at zlib's default level when the document ends; for a
   * report of thousands of pages that is the largest single cost of the export, and level 1
   * costs a fraction of it for a file only slightly larger. (Relies on pdfkit 0.20's
   * PDFReference fields: `buffer`, `compress`, `data`.)
   */
  compressPages(level = 1): void {
    this.flush()
    const { start, count } = this.doc.bufferedPageRange()
    for (let i = start; i < start + count; i++) {
      const page = this.doc.switchToPage(i) as unknown as { content: { buffer: Uint8Array[]; compress: boolean; data: Record<string, unknown> } }
      const ref = page.content
      if (!ref.compress || ref.buffer.length === 0) continue
      ref.buffer = [deflateSync(Buffer.concat(ref.buffer), { level })]
      ref.compress = false
      ref.data.Filter = 'FlateDecode'
    }
    this.pageNo = start + count - 1
  }

  // ---- text ---------------------------------------------------------------------------------

  private face(style: TextStyle): Face {
    return this.faces[style.face]
  }

  private glyphWidth(f: Face, cp: number): number {
    let w = f.width.get(cp)
    if (w === undefined) {
      let g = f.font.font.glyphForCodePoint(cp)
      if (g.id === 0) g = f.font.font.glyphForCodePoint(REPLACEMENT)
      w = g.advanceWidth * f.font.scale
      f.width.set(cp, w)
    }
    return w
  }

  private encode(f: Face, text: string): string {
    const known = f.strings.get(text)
    if (known !== undefined) return known
    const out = this.encodeChars(f, text)
    // Bounded: a report of unique strings (ARNs, hashes) must not grow this without limit.
    if (f.strings.size > 20_000) f.strings.clear()
    f.strings.set(text, out)
    return out
  }

  private encodeChars(f: Face, text: string): string {
    let out = ''
    for (let i = 0; i < text.length; i++) {
      let cp = text.charCodeAt(i)
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
        const lo = text.charCodeAt(i + 1)
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)
          i++
        }
      }
      let h = f.hex.get(cp)
      if (h === undefined) {
        let g = f.font.font.glyphForCodePoint(cp)
        let mapped = cp
        // A character the font lacks prints as U+FFFD rather than an empty box that extracts as nothing.
        if (g.id === 0) {
          g = f.font.font.glyphForCodePoint(REPLACEMENT)
          mapped = REPLACEMENT
        }
        const gid = f.font.subset.includeGlyph(g.id)
        if (f.font.widths[gid] == null) f.font.widths[gid] = g.advanceWidth * f.font.scale
        if (f.font.unicode[gid] == null) f.font.unicode[gid] = [mapped]
        h = gid.toString(16).padStart(4, '0')
        f.hex.set(cp, h)
      }
      out += h
    }
    return out
  }

  /** Width of `text` in points. */
  width(text: string, style: TextStyle): number {
    const f = this.face(style)
    let units = f.widths.get(text)
    if (units === undefined) {
      units = this.measure(f, text)
      if (f.widths.size > 20_000) f.widths.clear()
      f.widths.set(text, units)
    }
    return (units * style.size) / 1000
  }

  /** Width in 1/1000 em. */
  private measure(f: Face, text: string): number {
    let w = 0
    for (let i = 0; i < text.length; i++) {
      let cp = text.charCodeAt(i)
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00)
        i++
      }
      w += this.glyphWidth(f, cp)
    }
    return w
  }

  lineHeight(style: TextStyle): number {
    return style.size * 1.28
  }

  private setFill(color: string): void {
    if (this.fill !== color) {
      this.ops.push(`${rgb(color)} rg`)
      this.fill = color
    }
  }

  /**
   * Draw one line of text whose line box starts at `top`. Returns its width. `align` uses `width`
   * as the box to align in.
   */
  text(text: string, x: number, top: number, style: TextStyle, opts: { align?: 'left' | 'right' | 'center'; width?: number; keepSpaces?: boolean } = {}): number {
    const clean = CONTROL.test(text) ? text.replace(/[\t\r\n]+/g, ' ') : text
    if (!opts.keepSpaces && !clean.trim()) return 0
    if (!clean) return 0
    const f = this.face(style)
    const w = this.width(clean, style)
    let tx = x
    if (opts.align === 'right' && opts.width !== undefined) tx = x + opts.width - w
    else if (opts.align === 'center' && opts.width !== undefined) tx = x + (opts.width - w) / 2
    if (!this.pageFonts.has(f.font.id)) {
      ;(this.doc.page as unknown as { fonts: Record<string, unknown> }).fonts[f.font.id] = f.font.ref()
      this.pageFonts.add(f.font.id)
    }
    this.setFill(style.color ?? '#1a1a1a')
    // Baseline: the top of the line box plus the font's ascent, with the leading split evenly.
    const baseline = top + (style.size * f.font.ascender) / 1000 + (this.lineHeight(style) - (style.size * (f.font.ascender - f.font.descender)) / 1000) / 2
    this.ops.push(`BT /${f.font.id} ${num(style.size)} Tf 1 0 0 -1 ${num(tx)} ${num(baseline)} Tm <${this.encode(f, clean)}> Tj ET`)
    return w
  }

  /** Cut `text` to fit `width`, with an ellipsis at the end (or in the middle, for identifiers). */
  fit(text: string, width: number, style: TextStyle, where: 'end' | 'middle' = 'end'): string {
    const clean = CONTROL.test(text) ? text.replace(/[\t\r\n]+/g, ' ') : text
    if (this.width(clean, style) <= width) return clean
    const ell = '…'
    const budget = width - this.width(ell, style)
    if (budget <= 0) return ''
    const f = this.face(style)
    const cw = (cp: number): number => (this.glyphWidth(f, cp) * style.size) / 1000
    const chars = Array.from(clean)
    if (where === 'middle') {
      let head = ''
      let tail = ''
      let used = 0
      let i = 0
      let j = chars.length - 1
      while (i <= j) {
        const takeHead = head.length <= tail.length
        const ch = takeHead ? chars[i] : chars[j]
        const w = cw(ch.codePointAt(0)!)
        if (used + w > budget) break
        used += w
        if (takeHead) {
          head += ch
          i++
        } else {
          tail = ch + tail
          j--
        }
      }
      return head + ell + tail
    }
    let out = ''
    let used = 0
    for (const ch of chars) {
      const w = cw(ch.codePointAt(0)!)
      if (used + w > budget) break
      used += w
      out += ch
    }
    return out.trimEnd() + ell
  }

  /**
   * Break text into lines no wider than `width`: at spaces where possible, inside a word (an
   * ARN, a hash, a path) where it is longer than a line. Newlines in the text are kept.
   */
  wrap(text: string, width: number, style: TextStyle): string[] {
    const f = this.face(style)
    const scale = style.size / 1000
    const cw = (ch: string): number => this.glyphWidth(f, ch.codePointAt(0)!) * scale
    const space = cw(' ')
    const lines: string[] = []
    for (const para of text.replace(/\r\n?/g, '\n').replace(/\t/g, '  ').split('\n')) {
      const words = para.split(/ +/)
      let line = ''
      let lw = 0
      for (const word of words) {
        if (!word) continue
        let ww = 0
        for (const ch of word) ww += cw(ch)
        const need = line ? lw + space + ww : ww
        if (need <= width) {
          line = line ? `${line} ${word}` : word
          lw = need
          continue
        }
        if (line) {
          lines.push(line)
          line = ''
          lw = 0
        }
        if (ww <= width) {
          line = word
          lw = ww
          continue
        }
        // A word longer than the line: break it by characters.
        let part = ''
        let pw = 0
        for (const ch of word) {
          const w = cw(ch)
          if (pw + w > width && part) {
            lines.push(part)
            part = ''
            pw = 0
          }
          part += ch
          pw += w
        }
        line = part
        lw = pw
      }
      lines.push(line)
    }
    return lines
  }

  // ---- shapes -------------------------------------------------------------------------------

  rect(x: number, y: number, w: number, h: number, opts: { fill?: string; stroke?: string; lineWidth?: number }): void {
    if (opts.fill) this.setFill(opts.fill)
    if (opts.stroke) this.ops.push(`${num(opts.lineWidth ?? 0.5)} w ${rgb(opts.stroke)} RG`)
    const op = opts.fill && opts.stroke ? 'B' : opts.fill ? 'f' : 'S'
    this.ops.push(`${num(x)} ${num(y)} ${num(w)} ${num(h)} re ${op}`)
  }

  line(x1: number, y1: number, x2: number, y2: number, color: string, width = 0.5, dash?: [number, number]): void {
    this.ops.push(`${num(width)} w ${rgb(color)} RG ${dash ? `[${dash[0]} ${dash[1]}] 0 d ` : ''}${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S${dash ? ' [] 0 d' : ''}`)
  }

  /** A polyline through the points, stroked. */
  polyline(points: Array<[number, number]>, color: string, width = 1): void {
    if (points.length < 2) return
    const path = points.map(([x, y], i) => `${num(x)} ${num(y)} ${i === 0 ? 'm' : 'l'}`).join(' ')
    this.ops.push(`${num(width)} w 1 j ${rgb(color)} RG ${path} S`)
  }

  /** A closed polygon, filled. */
  polygon(points: Array<[number, number]>, fill: string): void {
    if (points.length < 3) return
    this.setFill(fill)
    this.ops.push(`${points.map(([x, y], i) => `${num(x)} ${num(y)} ${i === 0 ? 'm' : 'l'}`).join(' ')} h f`)
  }

  /**
   * A ring segment (donut slice) from angle a0 to a1 (radians, clockwise from 12 o'clock),
   * drawn as Bézier arcs of at most 90° each.
   */
  ringSlice(cx: number, cy: number, r: number, inner: number, a0: number, a1: number, fill: string): void {
    this.setFill(fill)
    const pt = (rad: number, a: number): [number, number] => [cx + rad * Math.sin(a), cy - rad * Math.cos(a)]
    const arc = (rad: number, from: number, to: number): string => {
      const parts: string[] = []
      const n = Math.max(1, Math.ceil(Math.abs(to - from) / (Math.PI / 2)))
      const step = (to - from) / n
      // Control-point distance for a Bézier approximation of a circular arc of `step` radians.
      const k = (4 / 3) * Math.tan(step / 4) * rad
      for (let i = 0; i < n; i++) {
        const s = from + i * step
        const e = s + step
        const [x0, y0] = pt(rad, s)
        const [x3, y3] = pt(rad, e)
        const c1: [number, number] = [x0 + k * Math.cos(s), y0 + k * Math.sin(s)]
        const c2: [number, number] = [x3 - k * Math.cos(e), y3 - k * Math.sin(e)]
        parts.push(`${num(c1[0])} ${num(c1[1])} ${num(c2[0])} ${num(c2[1])} ${num(x3)} ${num(y3)} c`)
      }
      return parts.join(' ')
    }
    const [sx, sy] = pt(r, a0)
    const [ix, iy] = pt(inner, a1)
    this.ops.push(`${num(sx)} ${num(sy)} m ${arc(r, a0, a1)} ${num(ix)} ${num(iy)} l ${arc(inner, a1, a0)} h f`)
  }
}
