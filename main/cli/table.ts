/** A plain text table for people: columns padded to their widest cell, long cells cut. */
export function table(headers: string[], rows: Array<Array<string | number>>, maxWidth = 60): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))].map((r) =>
    r.map((c) => (c.length > maxWidth ? `${c.slice(0, maxWidth - 1)}…` : c).replace(/[\r\n\t]+/g, ' '))
  )
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  return [line(cells[0]), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n')
}
