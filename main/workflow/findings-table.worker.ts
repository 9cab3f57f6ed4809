// The findings table, read on a worker thread's own read-only connection, so the main process's
// event loop is free while a large case is decrypted and scanned (seconds at 200,000 findings).
import type { FindingsTable } from '../../shared/findings-table'
import { openCaseDb } from '../db/case-db'
import { serveRequests } from '../platform/worker'
import { computeFindingsTable, tableBuffers, type FindingsTableRequest } from './findings-table'

serveRequests<FindingsTableRequest, FindingsTable>(
  (req) => {
    const c = openCaseDb(req.casePath, req.key, { readOnly: true })
    try {
      return computeFindingsTable(c.db)
    } finally {
      c.close()
    }
  },
  { transfer: tableBuffers }
)
