// The import worker: opens the case with its own connection, imports each file in its own
// transaction, and reports progress, each file's outcome and the result to the thread that
// started it.
import { openCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { serveRequests } from '../platform/worker'
import type { IngestResult } from '../../shared/ingest'
import { asApiError, ingestInProcess, type IngestWorkerEvent, type WorkerIngestRequest } from './service'

serveRequests<WorkerIngestRequest, IngestResult, IngestWorkerEvent>(
  (req, task) => {
    const c = openCaseDb(req.casePath, req.key)
    try {
      return ingestInProcess(c, req.files, {
        actor: req.actor,
        format: req.format,
        chunkBytes: req.chunkBytes,
        partial: req.partial,
        cluster: req.cluster,
        onProgress: (progress) => task.progress({ progress }),
        onFile: (outcome) => task.progress({ outcome })
      })
    } finally {
      c.close()
    }
  },
  {
    asError: (e) => {
      const { code, message } = asApiError(e)
      return new LastmileError(code, message)
    }
  }
)
