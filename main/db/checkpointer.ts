import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { startWorker } from '../platform/worker'
import type { CaseKey, Db } from './case-db'

export type CheckpointerMessage = 'checkpoint' | 'close'
export type CheckpointerEvent = { closed: true } | { checkpointed: number; log: number; busy: number }

/** What the thread did: the checkpoints it ran, and the last one's WAL frames (all of them, and those copied). */
export interface CheckpointerReport {
  /** false when the thread failed (opening the case, a checkpoint): what it left is the caller's to checkpoint */
  ok: boolean
  checkpoints: number
  last: { log: number; checkpointed: number; busy: number } | null
}

/**
 * WAL checkpoints on a thread of their own, for a connection that writes large transactions (an
 * ingest of large files).
 *
 * A COMMIT writes every changed page, encrypted, into the write-ahead log; the checkpoint then
 * reads each back, decrypts it and encrypts it again into the case file. On the bench's first
 * 200,000-alert file that checkpoint is ~45% of the commit (~3–4 s of ~6.5). SQLite's
 * auto-checkpoint runs it at the end of the COMMIT on the writing thread, before the next file
 * can start or the import can report; here the writer's auto-checkpoint is off from `start` to
 * `close` and the writer asks this thread after each COMMIT, so the checkpoint of one file runs
 * while the next is read and written, and the last one's after the import has reported (the
 * import worker closes the checkpointer after its answer: WorkerTask.afterAnswer). A PASSIVE
 * checkpoint never waits for the writer nor for a reader, nor stops them: it copies the frames
 * every reader's snapshot allows (the writer's own transaction reads the file as of its start,
 * so all that was committed before it), and another connection's auto-checkpoint meanwhile finds
 * the checkpoint lock taken and skips rather than waits.
 *
 * Requests are fire and forget (the writer's thread is busy in a synchronous transaction and
 * could not read answers until it ends); the thread runs them in order. Should the thread fail, the
 * writing connection checkpoints what is left itself (`close`).
 */
export class WalCheckpointer {
  /**
   * The thread pays when what it takes off the writer's path, the checkpoints, outweighs starting
   * it and deriving the case key on it (~0.5 s of CPU): the bench's 756 MB file's checkpoint is
   * ~3–4 s, so ~0.5 s is ~100 MB of export.
   */
  static readonly MIN_BYTES = 128 * 1024 * 1024

  private readonly worker: Worker
  private failure: Error | null = null
  private checkpoints = 0
  private last: CheckpointerReport['last'] = null
  private readonly ended: Promise<void>
  /** the writing connection's auto-checkpoint before the thread took its checkpoints over (null: no writing connection) */
  private readonly autocheckpoint: number | null

  /**
   * A checkpoint thread for this case, taking the checkpoints of the writing connection `db` over
   * (its auto-checkpoint is off until `close`); null when the thread cannot be started, and the
   * writer then keeps its auto-checkpoint. With no `db`, the thread only checkpoints when asked.
   */
  static start(casePath: string, key: CaseKey, db: Db | null): WalCheckpointer | null {
    try {
      return new WalCheckpointer(casePath, key, db)
    } catch {
      return null
    }
  }

  /**
   * Checkpoint the case's log as it stands on a thread of its own, and end the thread: for a case
   * opened with a large log (CaseSession.openCase), left by an import's worker that was ended in
   * its last checkpoint (the app quit right after a large import) or by a process that stopped
   * after a commit. Without it, the first write of the opening connection would checkpoint the
   * whole log on its thread, the main process's event loop. Meanwhile that connection's own
   * auto-checkpoint finds the checkpoint lock taken and skips. Resolves with what the thread did
   * (never rejects: a failure leaves the log to the auto-checkpoint); null when the thread cannot
   * be started.
   */
  static once(casePath: string, key: CaseKey): Promise<CheckpointerReport> | null {
    const thread = WalCheckpointer.start(casePath, key, null)
    thread?.request()
    return thread?.close() ?? null
  }

  private constructor(
    casePath: string,
    key: CaseKey,
    private readonly db: Db | null
  ) {
    this.worker = startWorker(join(__dirname, 'checkpoint.worker.ts'), { workerData: { casePath, key } })
    this.ended = new Promise((resolve) => {
      this.worker.on('message', (e: CheckpointerEvent) => {
        if ('checkpointed' in e) {
          this.checkpoints++
          this.last = e
        } else if ('closed' in e) resolve()
      })
      this.worker.on('error', (e) => {
        this.failure ??= e
        resolve()
      })
      this.worker.on('exit', () => resolve())
    })
    this.autocheckpoint = db ? (db.pragma('wal_autocheckpoint', { simple: true }) as number) : null
    db?.pragma('wal_autocheckpoint = 0')
  }

  /** Checkpoint what is committed now, on the thread; returns at once. */
  request(): void {
    if (!this.failure) this.worker.postMessage('checkpoint' satisfies CheckpointerMessage)
  }

  /**
   * Wait for the checkpoints asked for, close the thread's connection and end it, then give the
   * writing connection its auto-checkpoint back and checkpoint there whatever is left (nothing,
   * unless the thread failed).
   */
  async close(): Promise<CheckpointerReport> {
    if (!this.failure) this.worker.postMessage('close' satisfies CheckpointerMessage)
    await this.ended
    await this.worker.terminate()
    if (this.db) {
      this.db.pragma(`wal_autocheckpoint = ${this.autocheckpoint}`)
      this.db.pragma('wal_checkpoint(PASSIVE)')
    }
    return { ok: this.failure === null, checkpoints: this.checkpoints, last: this.last }
  }
}
