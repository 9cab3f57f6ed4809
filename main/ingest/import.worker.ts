// The import worker: opens the case with its own connection, imports each file in its own
// transaction, and reports progress, each file's outcome and the result to the thread that
// started it.
import { openCaseDb } from '../db/case-db'
import { WalCheckpointer } from '../db/checkpointer'
import { LastmileError } from '../errors'
import { serveRequests } from '../platform/worker'
import type { IngestResult } from '../../shared/ingest'
import { safeSize } from './detect'
import { asApiError, ingestInProcess, type IngestWorkerEvent, type WorkerIngestRequest } from './service'

serveRequests<WorkerIngestRequest, IngestResult, IngestWorkerEvent>(
  (req, task) => {
    const c = openCaseDb(req.casePath, req.key)
    // Large files: each file's WAL checkpoint runs on a thread of its own (db/checkpointer.ts),
    // while the next file is imported, and the last one's after the answer. Every file is
    // committed (durable in the log) when its outcome is reported, so the result goes back at once
    // and the checkpoint of the last file into the case file finishes after it, on the other core,
    // while the caller already reads the case. The caller learns it is done from WorkerClient.idle().
    const bytes = req.files.reduce((n, f) => n + safeSize(f), 0)
    const checkpointer = (req.checkpointThread ?? bytes >= WalCheckpointer.MIN_BYTES) ? WalCheckpointer.start(req.casePath, req.key, c.db) : null
    task.afterAnswer(async () => {
      try {
        await checkpointer?.close()
      } finally {
        c.close()
      }
    })
    return ingestInProcess(c, req.files, {
      actor: req.actor,
      format: req.format,
      chunkBytes: req.chunkBytes,
      partial: req.partial,
      cluster: req.cluster,
      onProgress: (progress) => task.progress({ progress }),
      onFile: (outcome) => {
        checkpointer?.request()
        task.progress({ outcome })
      }
    })
  },
  {
    asError: (e) => {
      const { code, message } = asApiError(e)
      return new LastmileError(code, message)
    }
  }
)
