import { basename, join } from 'node:path'
import type { ApiErrorCode } from '../../shared/contract'
import type { Actor, Progress } from '../../shared/model'
import { caseRefusal, type Db, type WritableCaseDb } from '../db/case-db'
import { isLastmileError, LastmileError } from '../errors'
import { WorkerClient } from '../platform/worker'
import { importFile } from './importer'
import { settleReadAhead } from './reader-thread'
import type { IngestFileOutcome, IngestResult } from '../../shared/ingest'
import type { FormatName, ImportProgress } from './types'

/**
 * The ingest service: what the CLI and the IPC handlers call. A multi-file ingest imports each
 * file in its own transaction (each is one import, with its audit entry); a bad file is
 * reported with its one-line error and changes nothing, the others are imported.
 */

export type { IngestFileOutcome, IngestResult } from '../../shared/ingest'

export interface IngestOptions {
  actor: Actor
  format?: FormatName
  now?: () => string
  onProgress?: (p: ImportProgress) => void
  chunkBytes?: number
  /** the exports are filtered: do not close alerts they do not mention */
  partial?: boolean
  /** the cluster of exports that do not name theirs (Trivy Operator's reports) */
  cluster?: string
  /** read on a reader thread (default: files of READER_THREAD_MIN_BYTES or more) */
  readerThread?: boolean
  /** each file's outcome as soon as its transaction has committed (or it failed) */
  onFile?: (outcome: IngestFileOutcome) => void
}

/** Run on the calling thread (the CLI, tests, and the worker itself). */
export function ingestInProcess(c: WritableCaseDb, files: readonly string[], opts: IngestOptions): IngestResult {
  const imports: IngestFileOutcome[] = []
  try {
    files.forEach((file, i) => {
      // each file's reading may start while the one before it is written (importer.ts, next)
      const next = i + 1 < files.length ? { path: files[i + 1], displayName: files[i + 1] } : undefined
      let outcome: IngestFileOutcome
      try {
        outcome = importFile(c, file, { ...opts, displayName: file, next })
      } catch (e) {
        outcome = { file, format: null, error: asApiError(e) }
      }
      imports.push(outcome)
      opts.onFile?.(outcome)
    })
  } finally {
    settleReadAhead(null)
  }
  return { imports, ...caseTotals(c.db) }
}

/** Findings and initiatives (those holding findings, as `initiatives` lists them) in the case. */
export function caseTotals(db: Db): { findings: number; initiatives: number } {
  const findings = (db.prepare('SELECT count(*) AS n FROM findings').get() as { n: number }).n
  const initiatives = (
    db.prepare('SELECT count(*) AS n FROM initiatives i WHERE i.merged_into IS NULL AND EXISTS (SELECT 1 FROM findings f WHERE f.initiative_id = i.id)').get() as { n: number }
  ).n
  return { findings, initiatives }
}

export function asApiError(e: unknown): { code: ApiErrorCode; message: string } {
  if (isLastmileError(e)) return { code: e.code, message: e.message }
  const refused = caseRefusal(e)
  if (refused) return asApiError(refused)
  const err = e as NodeJS.ErrnoException
  if (err && typeof err.code === 'string' && /^(SQLITE_FULL|ENOSPC)$/.test(err.code)) {
    return { code: 'unavailable', message: 'the disk is full: the import was rolled back and the case is unchanged' }
  }
  return { code: 'internal', message: `internal error while importing (${err?.message ?? String(e)}); the import was rolled back and the case is unchanged` }
}

/** Each phase of an import in plain words, with the alerts read so far. */
const INGEST_PHASES: Record<ImportProgress['phase'], (records: string) => string> = {
  detect: () => 'finding the format',
  read: (n) => `reading: ${n} alerts`,
  findings: (n) => `updating findings: ${n} alerts read`,
  done: (n) => `done: ${n} alerts`
}

/** Progress in the shape the UI and the CLI bar share (shared/model Progress). */
export function toModelProgress(p: ImportProgress): Progress {
  return {
    operation: `ingest ${basename(p.file)}`,
    done: p.bytes,
    total: p.totalBytes || null,
    unit: 'bytes',
    rate: p.byteRate,
    message: INGEST_PHASES[p.phase](p.records.toLocaleString('en-US'))
  }
}

export interface WorkerIngestRequest {
  casePath: string
  /** the case key: the worker opens its own connection to do the one write transaction */
  key: string
  files: readonly string[]
  actor: Actor
  format?: FormatName
  chunkBytes?: number
  partial?: boolean
  cluster?: string
  /**
   * Checkpoint each file on a thread of its own, while the next is imported and, the last, after
   * the result (db/checkpointer.ts). The default: when the files hold WalCheckpointer.MIN_BYTES or more.
   */
  checkpointThread?: boolean
}

/** What the import worker reports while it works: each progress step, and each file as it is done. */
export type IngestWorkerEvent = { progress: ImportProgress } | { outcome: IngestFileOutcome }

export interface RunningIngest {
  /**
   * The result; after cancel() it resolves with `cancelled: true`: the files finished before
   * stay imported, the file being imported was rolled back, the rest were not started.
   */
  done: Promise<IngestResult>
  /**
   * Stop now: the file being imported is rolled back (it is one transaction), earlier files
   * stay. `totals` reads the case's findings and initiatives on the caller's own connection once
   * the worker is gone (the worker cannot report them any more).
   */
  cancel(totals: () => { findings: number; initiatives: number }): Promise<void>
  /**
   * Resolves once the worker has finished what it does after reporting the result (the last
   * file's checkpoint into the case file, closing its connection) and ended; rejects with that
   * work's error (the files stay imported: each was committed before its outcome was reported).
   * Nobody has to wait for it: a process that ends first leaves the log for the next connection
   * to the case to checkpoint.
   */
  finished: Promise<void>
}

/** The outcome of a file the cancel stopped (rolled back) or never reached. */
export function cancelledOutcome(file: string, started: boolean): IngestFileOutcome {
  return {
    file,
    format: null,
    error: {
      code: 'cancelled',
      message: started ? 'cancelled while importing: this file was rolled back and changed nothing' : 'cancelled before this file was started: it was not imported'
    }
  }
}

/**
 * Import in a worker thread, off the main process's event loop, streaming progress back.
 * The worker opens the case itself; the caller's own connection sees the result once each
 * file's transaction commits (WAL).
 */
export function ingestInWorker(req: WorkerIngestRequest, onProgress?: (p: ImportProgress) => void): RunningIngest {
  const worker = new WorkerClient<WorkerIngestRequest, IngestResult, IngestWorkerEvent>(join(__dirname, 'import.worker.ts'), {
    failures: {
      failed: (e) => new LastmileError('internal', `the import worker failed (${e.message}); the file being imported was rolled back`),
      stopped: (code) => new LastmileError('unavailable', `the import stopped (worker exit ${code}); the file being imported was rolled back`)
    }
  })
  const committed: IngestFileOutcome[] = []
  let settled = false
  let cancelling: (() => { findings: number; initiatives: number }) | null = null
  const done = worker.request(req, { onProgress: (e) => ('outcome' in e ? committed.push(e.outcome) : onProgress?.(e.progress)) }).then(
    (result) => {
      settled = true
      return result
    },
    (e: unknown): IngestResult => {
      settled = true
      if (!cancelling) throw e
      // The thread is gone and its connection closed with its transaction open: SQLite rolled it back.
      const imports = [...committed, ...req.files.slice(committed.length).map((f, i) => cancelledOutcome(f, i === 0))]
      return { imports, ...cancelling(), cancelled: true }
    }
  )
  // The thread ends once its work after the answer is done (at once when it was cancelled: terminated).
  const idle = (): Promise<void> => worker.idle()
  const finished = done.then(idle, idle).then(
    () => worker.terminate(),
    async (e: unknown) => {
      await worker.terminate()
      throw e
    }
  )
  // (a caller that does not wait for it must not see an unhandled rejection)
  finished.catch(() => undefined)
  return {
    done,
    cancel: async (totals) => {
      if (settled) return
      cancelling = totals
      await worker.terminate()
    },
    finished
  }
}
