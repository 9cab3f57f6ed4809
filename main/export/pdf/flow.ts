import { PAGE, PdfCanvas, type TextStyle } from './canvas'

// Flowing layout on top of the canvas: a cursor that moves down the page, page breaks, headings
// that register themselves in the table of contents and the PDF outline, paragraphs, key/value
// lists, tables (with the header repeated on every page) and code blocks.

export const STYLE = {
  title: { face: 'bold', size: 24, color: '#1f3b57' },
  h1: { face: 'bold', size: 16, color: '#1f3b57' },
  h2: { face: 'bold', size: 12.5, color: '#1f3b57' },
  h3: { face: 'bold', size: 10, color: '#1a1a1a' },
  body: { face: 'regular', size: 9, color: '#1a1a1a' },
  bodyBold: { face: 'bold', size: 9, color: '#1a1a1a' },
  small: { face: 'regular', size: 7.5, color: '#444444' },
  smallBold: { face: 'bold', size: 7.5, color: '#1a1a1a' },
  muted: { face: 'regular', size: 8, color: '#666666' },
  cell: { face: 'regular', size: 7.5, color: '#1a1a1a' },
  cellHead: { face: 'bold', size: 7.5, color: '#ffffff' },
  mono: { face: 'mono', size: 6.5, color: '#333333' },
  code: { face: 'mono', size: 7, color: '#1a1a1a' }
} satisfies Record<string, TextStyle>

export interface TocEntry {
  title: string
  level: 1 | 2
  dest: string
  /** filled in when the heading is drawn */
  page?: number
}

export interface Column {
  title: string
  width: number
  align?: 'left' | 'right' | 'center'
  /** cut long values in the middle (identifiers) rather than at the end */
  middle?: boolean
  /** wrap instead of cutting (the row grows) */
  wrap?: boolean
  mono?: boolean
}

export interface Cell {
  text: string
  color?: string
  bold?: boolean
}

type Outline = { addItem(title: string, options?: { expanded?: boolean }): Outline }

export class Flow {
  readonly cv: PdfCanvas
  readonly left = 50
  readonly right = PAGE.width - 50
  readonly top = 64
  readonly bottom = PAGE.height - 56
  y = 64
  private readonly toc = new Map<string, TocEntry>()
  private outlineParents = new Map<string, Outline>()
  /** called after each page break, e.g. to repeat a table's header */
  private continuation: (() => void) | null = null

  constructor(cv: PdfCanvas) {
    this.cv = cv
  }

  get width(): number {
    return this.right - this.left
  }

  newPage(): void {
    this.cv.addPage()
    this.y = this.top
    this.continuation?.()
  }

  /** Make room for `h` points, breaking the page if they do not fit. Returns true on a break. */
  need(h: number): boolean {
    if (this.y + h <= this.bottom) return false
    this.newPage()
    return true
  }

  space(h: number): void {
    this.y += h
  }

  registerToc(entries: TocEntry[]): void {
    for (const e of entries) this.toc.set(e.dest, e)
  }

  tocEntries(): TocEntry[] {
    return [...this.toc.values()]
  }

  /**
   * A heading: a named destination (for the table of contents' links), an outline entry
   * (bookmark) under `parent`, and its page recorded for the table of contents.
   */
  heading(text: string, level: 1 | 2 | 3, opts: { dest?: string; bookmark?: boolean; parent?: string; newPage?: boolean } = {}): void {
    const style = level === 1 ? STYLE.h1 : level === 2 ? STYLE.h2 : STYLE.h3
    const lines = this.cv.wrap(text, this.width, style)
    const lh = this.cv.lineHeight(style)
    if (opts.newPage && this.y > this.top) this.newPage()
    else this.need(lh * lines.length + 40)
    if (level < 3 && this.y > this.top) this.y += level === 1 ? 6 : 4
    const doc = this.cv.doc
    if (opts.dest) {
      doc.addNamedDestination(opts.dest, 'XYZ', this.left, this.y, null as unknown as number)
      const entry = this.toc.get(opts.dest)
      if (entry) entry.page = this.cv.page
    }
    if (opts.bookmark) {
      const parent: Outline = (opts.parent ? this.outlineParents.get(opts.parent) : undefined) ?? (doc.outline as unknown as Outline)
      const item = parent.addItem(text)
      if (opts.dest) this.outlineParents.set(opts.dest, item)
    }
    for (const l of lines) {
      this.cv.text(l, this.left, this.y, style)
      this.y += lh
    }
    if (level === 1) {
      this.cv.line(this.left, this.y + 1, this.right, this.y + 1, '#1f3b57', 0.8)
      this.y += 8
    } else this.y += 3
  }

  /** Wrapped text, flowing across pages. */
  paragraph(text: string, style: TextStyle = STYLE.body, indent = 0, after = 4): void {
    const lh = this.cv.lineHeight(style)
    for (const l of this.cv.wrap(text, this.width - indent, style)) {
      this.need(lh)
      this.cv.text(l, this.left + indent, this.y, style)
      this.y += lh
    }
    this.y += after
  }

  /** Label: value lines, values wrapped in their column. */
  keyValues(rows: Array<[string, string, TextStyle?]>, labelWidth = 120, indent = 0): void {
    for (const [k, v, vs] of rows) {
      const style = vs ?? STYLE.body
      const lines = this.cv.wrap(v || '—', this.width - labelWidth - indent, style)
      const lh = this.cv.lineHeight(style)
      this.need(Math.max(lh, this.cv.lineHeight(STYLE.bodyBold)))
      this.cv.text(k, this.left + indent, this.y, { ...STYLE.bodyBold, size: Math.max(8, Math.min(9, style.size)) })
      for (const l of lines) {
        this.need(lh)
        this.cv.text(l, this.left + indent + labelWidth, this.y, style)
        this.y += lh
      }
      this.y += 1.5
    }
    this.y += 4
  }

  /**
   * A table. Rows come from an iterable so a long table streams: each row is laid out and drawn
   * as it comes, and the header is drawn again at the top of every page it runs onto.
   */
  table(columns: Column[], rows: Iterable<Cell[]>, opts: { zebra?: boolean; onRow?: () => void } = {}): void {
    const headH = 14
    const cellPad = 3
    const drawHead = (): void => {
      let x = this.left
      this.cv.rect(this.left, this.y, this.width, headH, { fill: '#1f3b57' })
      for (const c of columns) {
        this.cv.text(this.cv.fit(c.title, c.width - 2 * cellPad, STYLE.cellHead), x + cellPad, this.y + 2.5, STYLE.cellHead, {
          align: c.align,
          width: c.width - 2 * cellPad
        })
        x += c.width
      }
      this.y += headH
    }
    this.need(headH + 14)
    drawHead()
    const previous = this.continuation
    this.continuation = drawHead
    let i = 0
    try {
      for (const row of rows) {
        const laid = columns.map((c, k) => {
          const cell = row[k] ?? { text: '' }
          const style: TextStyle = c.mono ? STYLE.mono : cell.bold ? { ...STYLE.cell, face: 'bold' } : STYLE.cell
          const colored = cell.color ? { ...style, color: cell.color } : style
          const lines = c.wrap ? this.cv.wrap(cell.text, c.width - 2 * cellPad, colored) : [this.cv.fit(cell.text, c.width - 2 * cellPad, colored, c.middle ? 'middle' : 'end')]
          return { lines, style: colored }
        })
        const lh = this.cv.lineHeight(STYLE.cell)
        const h = Math.max(...laid.map((l) => l.lines.length)) * lh + 3
        this.need(h)
        if (opts.zebra !== false && i % 2 === 1) this.cv.rect(this.left, this.y, this.width, h, { fill: '#f3f5f8' })
        let x = this.left
        columns.forEach((c, k) => {
          let yy = this.y + 1.5
          for (const l of laid[k].lines) {
            this.cv.text(l, x + cellPad, yy, laid[k].style, { align: c.align, width: c.width - 2 * cellPad })
            yy += lh
          }
          x += c.width
        })
        this.y += h
        i++
        opts.onRow?.()
      }
    } finally {
      this.continuation = previous
    }
    this.cv.line(this.left, this.y, this.right, this.y, '#1f3b57', 0.5)
    this.y += 8
  }

  /**
   * Code (fix artefacts, guardrails): monospace on a tinted background. Indentation is kept and
   * long lines are broken at the column limit, since code must print exactly as it is.
   */
  code(text: string, label?: string): void {
    if (label) this.paragraph(label, STYLE.smallBold, 0, 1)
    const style = STYLE.code
    const lh = this.cv.lineHeight(style)
    const perLine = Math.max(20, Math.floor((this.width - 12) / Math.max(0.1, this.cv.width('M', style))))
    for (const raw of text.replace(/\s+$/, '').replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n')) {
      const chars = Array.from(raw)
      for (let i = 0; i === 0 || i < chars.length; i += perLine) {
        this.need(lh)
        this.cv.rect(this.left, this.y, this.width, lh, { fill: '#f4f4f2' })
        this.cv.text(chars.slice(i, i + perLine).join(''), this.left + 6, this.y, style, { keepSpaces: true })
        this.y += lh
      }
    }
    this.y += 6
  }

  /** A short coloured label, e.g. a verdict, drawn at the right of the current line. */
  chip(text: string, color: string, x: number, y: number): number {
    const style: TextStyle = { face: 'bold', size: 7, color: '#ffffff' }
    const w = this.cv.width(text, style) + 8
    this.cv.rect(x, y + 0.5, w, 10, { fill: color })
    this.cv.text(text, x + 4, y + 0.6, style)
    return w
  }
}
