// verifyCase on a thread of its own (verify-in-worker.ts): a read-only connection, one read
// transaction, so that every check sees the same committed case.
import { openCaseDb } from '../db/case-db'
import { serveRequests } from '../platform/worker'
import { verifyCase, type CaseVerification } from './checkpoint'
import type { VerifyRequest } from './verify-in-worker'

serveRequests<VerifyRequest, CaseVerification>((req) => {
  const c = openCaseDb(req.casePath, req.key, { readOnly: true })
  try {
    return c.db.transaction(() => verifyCase(c.db, c.id, req.opts))()
  } finally {
    c.close()
  }
})
