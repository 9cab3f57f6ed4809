// Verifying a case reads all of it (every page, every sealed row, the stored files): seconds for a
// large case. The app runs it on a worker thread with its own read-only connection, so the main
// process's event loop stays free, as the findings table's read does.
import { join } from 'node:path'
import { deriveCaseKey, type CaseDb, type CaseKey } from '../db/case-db'
import { LastmileError } from '../errors'
import { WorkerClient } from '../platform/worker'
import type { CaseVerification, VerifyOptions } from './checkpoint'

export interface VerifyRequest {
  casePath: string
  key: CaseKey
  opts: VerifyOptions
}

/** verifyCase on a worker thread, over one read transaction of the case as committed. */
export async function verifyCaseInWorker(c: CaseDb, key: string, opts: VerifyOptions): Promise<CaseVerification> {
  const worker = new WorkerClient<VerifyRequest, CaseVerification>(join(__dirname, 'verify.worker.ts'), {
    failures: {
      failed: (e) => new LastmileError('internal', `the case could not be verified (its worker failed: ${e.message})`),
      stopped: (code) => new LastmileError('unavailable', `the case could not be verified (its worker stopped, exit ${code})`)
    }
  })
  try {
    // the derived key: the worker opens the case without deriving it again
    return await worker.request({ casePath: c.path, key: await deriveCaseKey(c, key), opts })
  } finally {
    void worker.terminate()
  }
}
