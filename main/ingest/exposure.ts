// Exposure over time: how many findings were open after each import, as the scans said. Every
// change of a finding's scan status is made by an import, and each import records how many
// findings it opened, resolved and reopened (imports.new_findings, resolved_findings,
// reopened_findings), so the running sum over the imports in the order they were made is exact:
// no sampling, no guess. A person's decisions (suppressed, risk-accepted) do not change it.
import type { ExposurePoint } from '../../shared/ingest'
import type { Db } from '../db/case-db'

type Row = [id: string, file: string, scannedAt: string | null, importedAt: string, opened: number, resolved: number, reopened: number]

export function exposureOverTime(db: Db): ExposurePoint[] {
  const rows = db.prepare('SELECT id, file_name, scanned_at, imported_at, new_findings, resolved_findings, reopened_findings FROM imports ORDER BY seq').raw(true).all() as Row[]
  let open = 0
  return rows.map(([id, file, scannedAt, importedAt, opened, resolved, reopened]) => {
    open += opened + reopened - resolved
    return { import: id, file, scannedAt, importedAt, opened, resolved, reopened, open }
  })
}
