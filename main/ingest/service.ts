import { basename, join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import type { ApiErrorCode } from '../../shared/contract'
import type { Actor, Progress } from '../../shared/model'
import type { CaseDb, Db } from '../db/case-db'
import { isLastmileError, LastmileError } from '../errors'
import { startWorker } from '../platform/worker'
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
  /** read on a reader thread (default: files of READER_THREAD_MIN_BYTES or more) */
  readerThread?: boolean
}

/** Run on the calling thread (the CLI, tests, and the worker itself). */
export function ingestInProcess(c: CaseDb, files: readonly string[], opts: IngestOptions): IngestResult {
  const imports: IngestFileOutcome[] = []
  try {
    files.forEach((file, i) => {
      // each file's reading may start while the one before it is written (importer.ts, next)
      const next = i + 1 < files.length ? { path: files[i + 1], displayName: files[i + 1] } : undefined
      try {
        imports.push(importFile(c, file, { ...opts, displayName: file, next }))
      } catch (e) {
        imports.push({ file, format: null, error: asApiError(e) })
      }
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
    db
      .prepare('SELECT count(*) AS n FROM initiatives i WHERE i.merged_into IS NULL AND EXISTS (SELECT 1 FROM findings f WHERE f.initiative_id = i.id)')
      .get() as { n: number }
  ).n
  return { findings, initiatives }
}

export function asApiError(e: unknown): { code: ApiErrorCode; message: string } {
  if (isLastmileError(e)) return { code: e.code, message: e.message }
  const err = e as NodeJS.ErrnoException
  if (err && typeof err.code === 'string' && /^(SQLITE_FULL|ENOSPC)$/.test(err.code)) {
    return { code: 'unavailable', message: 'the disk is full: the import was rolled back and the case is unchanged' }
  }
  return { code: 'internal', message: `internal error while importing (${err?.message ?? String(e)}); the import was rolled back and the case is unchanged` }
}

/** Progress in the shape the UI and the CLI bar share (shared/model Progress). */
export function toModelProgress(p: ImportProgress): Progress {
  return {
    operation: `ingest ${basename(p.file)}`,
    done: p.bytes,
    total: p.totalBytes || null,
    unit: 'bytes',
    rate: p.byteRate,
    message: `${p.records.toLocaleString('en-US')} records, ${Math.round(p.rate).toLocaleString('en-US')} records/s${p.phase === 'findings' ? ', updating findings' : ''}`
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
}

export type WorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'done'; result: IngestResult }
  | { type: 'fatal'; error: { code: ApiErrorCode; message: string } }

function spawnImportWorker(req: WorkerIngestRequest): Worker {
  return startWorker(join(__dirname, 'import.worker.ts'), { workerData: req })
}

export interface RunningIngest {
  done: Promise<IngestResult>
  /** stop now: the file being imported is rolled back (it is one transaction), earlier files stay */
  cancel(): Promise<void>
}

/**
 * Import in a worker thread, off the main process's event loop, streaming progress back.
 * The worker opens the case itself; the caller's own connection sees the result once each
 * file's transaction commits (WAL).
 */
export function ingestInWorker(req: WorkerIngestRequest, onProgress?: (p: ImportProgress) => void): RunningIngest {
  const worker = spawnImportWorker(req)
  let settled = false
  const done = new Promise<IngestResult>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.progress)
      else if (m.type === 'done') {
        settled = true
        resolve(m.result)
      } else if (m.type === 'fatal') {
        settled = true
        reject(new LastmileError(m.error.code, m.error.message))
      }
    })
    worker.on('error', (e) => {
      settled = true
      reject(new LastmileError('internal', `the import worker failed (${e.message}); the file being imported was rolled back`))
    })
    worker.on('exit', (code) => {
      if (!settled) {
        settled = true
        reject(new LastmileError('unavailable', `the import stopped (worker exit ${code}); the file being imported was rolled back`))
      }
    })
  })
  return {
    done,
    cancel: async () => {
      await worker.terminate()
    }
  }
}
