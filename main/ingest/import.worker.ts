// The import worker: opens the case with its own connection, imports each file in its own
// transaction, and reports progress and the result to the thread that started it.
import { parentPort, workerData } from 'node:worker_threads'
import { openCaseDb } from '../db/case-db'
import { asApiError, ingestInProcess, type WorkerIngestRequest, type WorkerMessage } from './service'

function post(m: WorkerMessage): void {
  parentPort?.postMessage(m)
}

function main(): void {
  const req = workerData as WorkerIngestRequest
  let c
  try {
    c = openCaseDb(req.casePath, req.key)
  } catch (e) {
    post({ type: 'fatal', error: asApiError(e) })
    return
  }
  try {
    const result = ingestInProcess(c, req.files, {
      actor: req.actor,
      format: req.format,
      chunkBytes: req.chunkBytes,
      partial: req.partial,
      onProgress: (progress) => post({ type: 'progress', progress }),
      onFile: (outcome) => post({ type: 'file', outcome })
    })
    post({ type: 'done', result })
  } catch (e) {
    post({ type: 'fatal', error: asApiError(e) })
  } finally {
    c.close()
  }
}

main()
