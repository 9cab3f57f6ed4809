// The export worker: renders and signs the PDF report off the main process's event loop (a
// report of 10,000 findings is seconds of CPU). It receives plain data and a key, posts progress,
// and answers with the signed bytes; it never touches the case database.
import { parentPort } from 'node:worker_threads'
import { renderInWorker, type WorkerRequest } from './worker-protocol'

const port = parentPort
if (!port) throw new Error('export.worker must run as a worker thread')

port.once('message', (req: WorkerRequest) => {
  renderInWorker(req, (msg, transfer) => port.postMessage(msg, transfer ?? [])).finally(() => port.close())
})
