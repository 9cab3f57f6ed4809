// The export worker: renders and signs the PDF report off the main process's event loop (a
// report of 10,000 findings is seconds of CPU). It receives plain data and a key, posts progress,
// and answers with the signed bytes; it never touches the case database.
import { serveRequests } from '../platform/worker'
import { exportWorkerError, movableBuffers, renderReport, type PdfProgress, type RenderedPdf, type WorkerRequest } from './worker-protocol'

serveRequests<WorkerRequest, RenderedPdf, PdfProgress>((req, task) => renderReport(req, (p) => task.progress(p)), {
  asError: exportWorkerError,
  transfer: movableBuffers
})
