// The checkpoint thread (checkpointer.ts): its own connection to the case, and a WAL checkpoint
// each time it is asked, in the order asked, while the thread that asked goes on writing.
import { parentPort, workerData } from 'node:worker_threads'
import { openCaseDb, type CaseKey } from './case-db'
import type { CheckpointerEvent, CheckpointerMessage } from './checkpointer'

const port = parentPort
if (!port) throw new Error('checkpoint.worker: this module must run as a worker thread')
const { casePath, key } = workerData as { casePath: string; key: CaseKey }
const c = openCaseDb(casePath, key)
const post = (e: CheckpointerEvent): void => port.postMessage(e)
port.on('message', (m: CheckpointerMessage) => {
  if (m === 'checkpoint') {
    // PASSIVE: copies what every reader allows without waiting for anyone; the writer goes on
    const [r] = c.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>
    post({ checkpointed: r.checkpointed, log: r.log, busy: r.busy })
    return
  }
  c.close()
  post({ closed: true })
})
