// RFC 4180 CSV, as the IAM credential report is written: a header row, comma-separated, fields
// quoted when they hold a comma or quote (IAM user names may contain commas: `+=,.@_-` are legal).

export interface CsvRow {
  /** 1-based record number, the header being row 1 (the `#row=N` fragment of RFC 7111) */
  row: number
  /** the line the record starts on (records may span lines inside quotes) */
  line: number
  fields: string[]
}

export type CsvParsed = { ok: true; rows: CsvRow[] } | { ok: false; error: string }

export function parseCsv(text: string): CsvParsed {
  const rows: CsvRow[] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let rowLine = 1
  let i = 0
  let fieldStart = true
  const n = text.length
  const endRecord = () => {
    fields.push(field)
    // a trailing empty line is not a record
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ row: rows.length + 1, line: rowLine, fields })
    fields = []
    field = ''
    fieldStart = true
  }
  while (i < n) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
        i++
        const next = text[i]
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          return { ok: false, error: `line ${line}: text after a closing quote` }
        }
        continue
      }
      if (c === '\n') line++
      field += c
      i++
      continue
    }
    if (c === '"' && fieldStart) {
      quoted = true
      fieldStart = false
      i++
      continue
    }
    if (c === ',') {
      fields.push(field)
      field = ''
      fieldStart = true
      i++
      continue
    }
    if (c === '\r' || c === '\n') {
      endRecord()
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1
      line++
      rowLine = line
      continue
    }
    if (c === '"') return { ok: false, error: `line ${line}: a quote inside an unquoted field` }
    field += c
    fieldStart = false
    i++
  }
  if (quoted) return { ok: false, error: `line ${rowLine}: a quoted field is not closed` }
  if (field !== '' || fields.length > 0) endRecord()
  return { ok: true, rows }
}
