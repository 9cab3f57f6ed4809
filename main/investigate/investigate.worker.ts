// The investigation worker: opens the case with its own connection, runs the playbooks, writes the
// run in one transaction, and reports progress and the result to the thread that started it. A
// "cancel" message stops it between findings, before anything is written.
import { parentPort, workerData } from 'node:worker_threads'
import { openCaseDb } from '../db/case-db'
import { asApiError, investigateCase, type WorkerInvestigateRequest, type WorkerMessage } from './service'

function post(m: WorkerMessage): void {
  parentPort?.postMessage(m)
}

async function main(): Promise<void> {
  const req = workerData as WorkerInvestigateRequest
  const signal = { aborted: false }
  parentPort?.on('message', (m: { type?: string }) => {
    if (m?.type === 'cancel') signal.aborted = true
  })
  let c
  try {
    c = openCaseDb(req.casePath, req.key)
  } catch (e) {
    post({ type: 'fatal', error: asApiError(e) })
    return
  }
  try {
    const result = await investigateCase(c, {
      actor: req.actor,
      customDir: req.customDir,
      findings: req.findings,
      initiative: req.initiative,
      signal,
      onProgress: (progress) => post({ type: 'progress', progress })
    })
    post({ type: 'done', result })
  } catch (e) {
    post({ type: 'fatal', error: asApiError(e) })
  } finally {
    c.close()
  }
}

void main()
