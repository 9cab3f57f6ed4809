// Worker thread of the CloudTrail scan: takes one file per request, accumulates everything into
// one aggregator, and answers the whole scan when told the files are done. One aggregator per
// worker keeps the merge in the main thread down to one per worker instead of one per file.
import { workerData } from 'node:worker_threads'
import { isLastmileError, LastmileError } from '../errors'
import { serveRequests } from '../platform/worker'
import { CloudTrailAggregator, type CloudTrailSource } from './cloudtrail-scan'
import type { EvidenceLimits } from '../semantics/limits'

export type CloudTrailRequest = { type: 'file'; abs: string; file: string } | { type: 'finish' }
/** a file: its records; finish: the scan, its draft bucket as plain Maps (revived by the pool) */
export type CloudTrailAnswer = { records: number } | { scan: unknown }

const { source, limits } = workerData as { source: CloudTrailSource; limits: EvidenceLimits }
const agg = new CloudTrailAggregator(source, limits)

serveRequests<CloudTrailRequest, CloudTrailAnswer>(
  async (m) => {
    if (m.type === 'file') return { records: (await agg.addFile(m.abs, m.file)).records }
    const s = agg.scan
    return { scan: { ...s, drafts: { byKey: s.drafts.byKey, dropped: s.drafts.dropped } } }
  },
  { asError: (e) => (isLastmileError(e) ? e : new LastmileError('internal', `CloudTrail scan worker: ${(e as Error)?.message ?? String(e)}`)) }
)
