// The IAM credential report (inventory/iam-credential-report.csv, the decoded `Content` of
// GetCredentialReport): one parser for every reader. The control evaluator and the investigate
// steps read the access-key columns as IAM writes them; evidence analysis reads every column
// (creation, password and MFA, last-used region and service) through `columns` and keeps its own
// normalised facts (./inventory-items.ts `readCredentialReport`).
import { parseCsv, type CsvRow } from './csv'
import type { Item } from './inventory'

export interface CredentialReportKey {
  slot: 1 | 2
  active: string
  lastRotated: string
  lastUsedDate: string
}

export interface CredentialReportRow {
  /** 1-based record number, the header being row 1 */
  row: number
  /** the line the record starts on */
  line: number
  user: string
  arn: string
  keys: CredentialReportKey[]
  /** every cell of the row by its header name, as written (N/A, no_information and all) */
  columns: ReadonlyMap<string, string>
}

/** The columns without which a file is not a credential report. */
const REPORT_COLUMNS = [
  'user',
  'arn',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date'
] as const

export type CredentialReportParsed = { ok: true; rows: Array<Item<CredentialReportRow>> } | { ok: false; error: string }

/**
 * The report's rows. A file that is not a report (no header, a missing column, still base64, broken
 * CSV) is refused whole; a row with the wrong number of fields is invalid on its own, named by its ARN.
 * Errors start with the line (`line 2: …`).
 */
export function parseCredentialReport(text: string): CredentialReportParsed {
  const first = text.split(/\r?\n/, 1)[0] ?? ''
  if (!first.includes(',') && /^[A-Za-z0-9+/=\s]+$/.test(text.slice(0, 4096)) && text.trim().length > 0) {
    return { ok: false, error: 'looks base64-encoded: decode the report first (aws iam get-credential-report --query Content --output text | base64 -d)' }
  }
  const csv = parseCsv(text)
  if (!csv.ok) return csv
  const [header, ...rows] = csv.rows
  if (!header) return { ok: false, error: 'empty: no header row' }
  const names = header.fields.map((h) => h.trim())
  const col = new Map(names.map((h, i) => [h, i]))
  const missing = REPORT_COLUMNS.filter((c) => !col.has(c))
  if (missing.length) return { ok: false, error: `line 1: not an IAM credential report header: no column ${missing.join(', ')}` }
  const get = (r: CsvRow, c: (typeof REPORT_COLUMNS)[number]) => r.fields[col.get(c)!]
  return {
    ok: true,
    rows: rows.map((r): Item<CredentialReportRow> => {
      const at = `row=${r.row}`
      if (r.fields.length !== header.fields.length) {
        return { ok: false, pointer: at, error: `line ${r.line}: ${r.fields.length} fields where the header has ${header.fields.length}`, name: r.fields[col.get('arn')!] ?? null }
      }
      const key = (slot: 1 | 2): CredentialReportKey => ({
        slot,
        active: get(r, `access_key_${slot}_active`),
        lastRotated: get(r, `access_key_${slot}_last_rotated`),
        lastUsedDate: get(r, `access_key_${slot}_last_used_date`)
      })
      const columns = new Map<string, string>()
      names.forEach((h, i) => {
        if (!columns.has(h)) columns.set(h, r.fields[i])
      })
      return {
        ok: true,
        pointer: at,
        value: { row: r.row, line: r.line, user: get(r, 'user'), arn: get(r, 'arn'), keys: [key(1), key(2)], columns }
      }
    })
  }
}
