import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { LastmileError } from '../errors'
import { WorkerClient, type WorkerFailures } from '../platform/worker'
import { type CancelSignal, stopIfCancelled } from './cancel'
import { CloudTrailAggregator, type CloudTrailScan, type CloudTrailSource, emptyScan, mergeScans } from './cloudtrail-scan'
import type { CloudTrailAnswer, CloudTrailRequest } from './cloudtrail.worker'
import { DraftBucket, type TimelineDraft } from './drafts'
import type { EvidenceLimits } from '../semantics/limits'

export interface ScanFile {
  /** absolute path on disk */
  abs: string
  /** path inside the bundle (named in messages and evidence links) */
  file: string
}

export interface PoolOptions {
  source: CloudTrailSource
  limits: EvidenceLimits
  /** worker threads; default: one per core. 0 scans in this thread (small inputs, tests). */
  threads?: number
  onFile?: (file: string, records: number, done: number, total: number) => void
  /** stop between files when set (the workers are ended; nothing is returned) */
  signal?: CancelSignal
}

/**
 * Scan CloudTrail files on worker threads, one file per task handed to whichever worker is free,
 * so a few big files do not leave a core idle. Memory per worker is one decompressed chunk, one
 * record and the bounded aggregates.
 */
export async function scanCloudTrailFiles(files: readonly ScanFile[], opts: PoolOptions): Promise<CloudTrailScan> {
  const threads = Math.min(opts.threads ?? availableParallelism(), files.length)
  if (threads <= 0) {
    const agg = new CloudTrailAggregator(opts.source, opts.limits)
    let done = 0
    for (const f of files) {
      stopIfCancelled(opts.signal, 'cancelled while reading CloudTrail logs')
      const o = await agg.addFile(f.abs, f.file)
      opts.onFile?.(f.file, o.records, ++done, files.length)
    }
    return agg.scan
  }
  const workers: Array<WorkerClient<CloudTrailRequest, CloudTrailAnswer>> = []
  let next = 0
  let done = 0
  const scans: CloudTrailScan[] = []
  const failures: WorkerFailures = {
    failed: (e) => new LastmileError('internal', `CloudTrail scan worker: ${e.message}`),
    stopped: (code) => new LastmileError('internal', `CloudTrail scan worker exited with code ${code}`)
  }
  // Each worker takes the next file as soon as it is done with one, then answers its whole scan.
  const drain = async (w: WorkerClient<CloudTrailRequest, CloudTrailAnswer>): Promise<void> => {
    for (let f = files[next++]; f; f = files[next++]) {
      const answer = (await w.request({ type: 'file', abs: f.abs, file: f.file })) as { records: number }
      if (opts.signal?.aborted) throw new LastmileError('cancelled', 'cancelled while reading CloudTrail logs')
      opts.onFile?.(f.file, answer.records, ++done, files.length)
    }
    const answer = (await w.request({ type: 'finish' })) as { scan: unknown }
    scans.push(revive(answer.scan as CloudTrailScan, opts.limits))
  }
  try {
    await Promise.all(
      Array.from({ length: threads }, () => {
        const w = new WorkerClient<CloudTrailRequest, CloudTrailAnswer>(join(__dirname, 'cloudtrail.worker.ts'), {
          workerData: { source: opts.source, limits: opts.limits },
          failures
        })
        workers.push(w)
        return drain(w)
      })
    )
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  const total = emptyScan(opts.source, opts.limits)
  for (const s of scans) mergeScans(total, s, opts.limits)
  // Keep the files in the caller's order, whatever order the workers finished them in.
  const order = new Map(files.map((f, i) => [f.file, i]))
  total.files.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0))
  return total
}

/** Structured clone keeps Maps and Sets but not classes: rebuild the draft bucket. */
function revive(s: CloudTrailScan, limits: EvidenceLimits): CloudTrailScan {
  const plain = s.drafts as unknown as { byKey: Map<string, TimelineDraft[]>; dropped: Map<string, number> }
  const drafts = new DraftBucket(limits.maxEventsPerResource)
  drafts.addAll(plain)
  return { ...s, drafts }
}
