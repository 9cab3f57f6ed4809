/**
 * CSV that Lastmile writes. Scanner exports carry text chosen by whoever named the resource or
 * wrote the rule, so a cell like `=HYPERLINK(...)` or `@SUM(...)` must not become a formula when
 * a person opens our CSV in a spreadsheet (CSV injection, OWASP). Such cells get a leading
 * apostrophe, which spreadsheets show as text; the case itself keeps the value verbatim.
 */

const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r'])

/** The cell as it is safe to write: neutralised if a spreadsheet would read it as a formula. */
export function neutraliseCell(value: string): string {
  if (value.length > 0 && FORMULA_START.has(value[0])) return `'${value}`
  return value
}

/** One CSV cell: neutralised, then quoted when it holds a delimiter, a quote or a line break. */
export function csvCell(value: string | number | boolean | null | undefined, delimiter = ','): string {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'string' ? neutraliseCell(value) : String(value)
  if (text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r') || text !== text.trim()) {
    return `"${text.replace(/"/g, '""')}"`
  }
  return text
}

function csvLine(values: ReadonlyArray<string | number | boolean | null | undefined>, delimiter = ','): string {
  return values.map((v) => csvCell(v, delimiter)).join(delimiter)
}

/** A whole CSV document (RFC 4180 line breaks). */
export function toCsv(header: readonly string[], rows: Iterable<ReadonlyArray<string | number | boolean | null | undefined>>): string {
  const lines = [csvLine(header)]
  for (const r of rows) lines.push(csvLine(r))
  return `${lines.join('\r\n')}\r\n`
}
