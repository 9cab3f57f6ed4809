// Worker thread of the CloudTrail scan: takes one file per message, accumulates everything into
// one aggregator, and posts the whole scan when told the files are done. One aggregator per worker
// keeps the merge in the main thread down to one per worker instead of one per file.
import { parentPort, workerData } from 'node:worker_threads'
import { CloudTrailAggregator, type CloudTrailSource } from './cloudtrail-scan'
import type { EvidenceLimits } from '../semantics/limits'

export type ToWorker = { type: 'file'; abs: string; file: string } | { type: 'finish' }
export type FromWorker =
  | { type: 'done'; file: string; records: number; bytes: number }
  | { type: 'scan'; scan: unknown }
  | { type: 'error'; message: string }

const { source, limits } = workerData as { source: CloudTrailSource; limits: EvidenceLimits }
const agg = new CloudTrailAggregator(source, limits)
const port = parentPort!

port.on('message', (m: ToWorker) => {
  if (m.type === 'file') {
    agg.addFile(m.abs, m.file).then(
      (o) => port.postMessage({ type: 'done', file: m.file, records: o.records, bytes: 0 } satisfies FromWorker),
      (e: Error) => port.postMessage({ type: 'error', message: e.message } satisfies FromWorker)
    )
  } else {
    const s = agg.scan
    const scan = { ...s, drafts: { byKey: s.drafts.byKey, dropped: s.drafts.dropped } }
    port.postMessage({ type: 'scan', scan } satisfies FromWorker)
  }
})
