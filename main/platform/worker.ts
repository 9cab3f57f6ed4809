import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parentPort, Worker, type TransferListItem, type WorkerOptions } from 'node:worker_threads'
import type { ApiErrorCode } from '../../shared/contract'
import { LastmileError } from '../errors'

/**
 * Start a worker thread from a `*.worker.ts` file, both from the sources (vitest, tsx: the TS
 * file itself, through tsx's require hook) and from the build (electron-vite emits every
 * `main/**\/*.worker.ts` as `out/main/<name>.worker.js`).
 *
 * Two traps, both met on Node 20.20:
 * - `execArgv: ['--import', 'tsx']` is not applied to a worker's own entry file ("Unknown file
 *   extension .ts"); `--require tsx/cjs` is, and suits this CommonJS package.
 * - in the build the calling module may sit in a shared chunk (`out/main/chunks/`), so the
 *   worker is looked for beside the caller and one folder up.
 *
 * @param sourceFile absolute path of the worker's TS source (pass `join(__dirname, 'x.worker.ts')`)
 */
export function startWorker(sourceFile: string, options: WorkerOptions = {}): Worker {
  if (!__filename.endsWith('.ts')) {
    const name = basename(sourceFile).replace(/\.ts$/, '.js')
    for (const dir of [__dirname, join(__dirname, '..')]) {
      const built = join(dir, name)
      if (existsSync(built)) return new Worker(built, options)
    }
    throw new Error(`the worker ${name} is missing from the build beside ${__dirname}; run npm run build`)
  }
  // Resolved here, absolute: the command line moves the working directory to wherever the user
  // typed the command, and `--require` resolves from there.
  return new Worker(sourceFile, { ...options, execArgv: [...(options.execArgv ?? []), '--require', require.resolve('tsx/cjs')] })
}

// ---- the scaffold every worker user shares ----------------------------------------------------
//
// One protocol between a thread and its worker: a request goes in, progress and then one answer
// (a result or an error) come back, then word that the request's work after its answer (if any:
// WorkerTask.afterAnswer) is done; a cancel asks the running request to stop (its task's signal);
// terminate ends the thread. Errors cross as WireError and come out as they went in: a
// LastmileError stays one (code and message), any other keeps its name, message and code (a file
// system error's ENOENT) for the caller to put in words.

/** An error as it crosses between threads (structured clone keeps neither class nor code). */
export interface WireError {
  lastmile: boolean
  code: string | undefined
  name: string
  message: string
}

export function toWireError(e: unknown): WireError {
  const err = e as Error & { code?: unknown }
  return {
    lastmile: e instanceof LastmileError,
    code: typeof err?.code === 'string' ? err.code : undefined,
    name: typeof err?.name === 'string' ? err.name : 'Error',
    message: typeof err?.message === 'string' ? err.message : String(e)
  }
}

export function fromWireError(w: WireError): Error {
  if (w.lastmile) return new LastmileError(w.code as ApiErrorCode, w.message)
  const e = new Error(w.message) as Error & { code?: string }
  e.name = w.name
  if (w.code !== undefined) e.code = w.code
  return e
}

type ToWorker<Req> = { t: 'request'; id: number; request: Req } | { t: 'cancel' }
type FromWorker<Res, P> =
  | { t: 'progress'; id: number; progress: P }
  | { t: 'result'; id: number; result: Res }
  | { t: 'error'; id: number; error: WireError }
  | { t: 'idle'; id: number; error?: WireError }

/** What the caller says when the worker itself fails: each names its stage and what was kept. */
export interface WorkerFailures {
  /** the worker threw outside a request (an uncaught error, a module that would not load) */
  failed(e: Error): LastmileError
  /** the thread ended before answering */
  stopped(exitCode: number): LastmileError
}

/** A request in flight: what the worker's handler gets beside the request. */
export interface WorkerTask<P> {
  progress(p: P): void
  /** set when the caller cancels the request; the handler stops at its next check */
  readonly signal: { readonly aborted: boolean }
  /**
   * Work to do once the answer has been sent (whether a result or an error), in the order given:
   * what the caller need not wait for, such as a write-ahead log's last checkpoint. The caller
   * learns when it is done from WorkerClient.idle().
   */
  afterAnswer(work: () => void | Promise<void>): void
}

interface Pending<Res, P> {
  id: number
  resolve(r: Res): void
  reject(e: Error): void
  onProgress?: (p: P) => void
}

/**
 * The calling side of a worker thread: one request at a time, answered by `serveRequests` in the
 * worker. A failure of the thread rejects the request in flight and every later one.
 */
export class WorkerClient<Req, Res, P = never> {
  private readonly worker: Worker
  private pending: Pending<Res, P> | null = null
  private ids = 0
  /** why the thread is gone (or going): later requests reject with it */
  private failure: Error | null = null
  private ending: Error | null = null
  /** the request whose work after its answer is still running (idle() waits for it) */
  private tail: { id: number; done: Promise<void>; settle(error: Error | null): void } | null = null

  /**
   * @param sourceFile the worker's TS source, as for startWorker
   * @param options workerData (set-up the worker reads once), transferList, and the failures' words
   */
  constructor(sourceFile: string, options: WorkerOptions & { failures: WorkerFailures }) {
    const { failures, ...workerOptions } = options
    this.worker = startWorker(sourceFile, workerOptions)
    this.worker.on('message', (m: FromWorker<Res, P>) => {
      if (m.t === 'idle') {
        if (this.tail?.id === m.id) this.tail.settle(m.error ? fromWireError(m.error) : null)
        return
      }
      const p = this.pending
      if (!p || m.id !== p.id) return
      if (m.t === 'progress') return p.onProgress?.(m.progress)
      this.pending = null
      if (m.t === 'result') p.resolve(m.result)
      else p.reject(fromWireError(m.error))
    })
    this.worker.on('error', (e) => this.fail(failures.failed(e)))
    this.worker.on('exit', (code) => this.fail(this.ending ?? failures.stopped(code)))
  }

  private fail(e: Error): void {
    this.failure ??= e
    const p = this.pending
    this.pending = null
    p?.reject(e)
    // the thread is gone: nothing of it is left running
    this.tail?.settle(null)
  }

  /** Send one request; resolves with the worker's answer, rejects with its error as thrown. */
  request(request: Req, options: { onProgress?: (p: P) => void; transfer?: readonly TransferListItem[] } = {}): Promise<Res> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.pending) return Promise.reject(new LastmileError('internal', 'a worker was sent a request while it was answering another'))
    const id = ++this.ids
    let settle: (error: Error | null) => void = () => undefined
    const done = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve())
    })
    // (a caller that never asks for idle() must not see an unhandled rejection)
    done.catch(() => undefined)
    this.tail = { id, done, settle }
    return new Promise<Res>((resolve, reject) => {
      this.pending = { id, resolve, reject, onProgress: options.onProgress }
      this.worker.postMessage({ t: 'request', id, request } satisfies ToWorker<Req>, options.transfer)
    })
  }

  /**
   * Resolves once the last request's work after its answer (WorkerTask.afterAnswer) is done, or
   * the thread is gone; rejects with that work's error. At once when no request was sent.
   */
  idle(): Promise<void> {
    return this.tail?.done ?? Promise.resolve()
  }

  /** Ask the request in flight to stop (its task's signal); it still answers, or the thread ends. */
  cancel(): void {
    if (!this.failure) this.worker.postMessage({ t: 'cancel' } satisfies ToWorker<Req>)
  }

  /**
   * End the thread now. The request in flight (and any later one) rejects with `reason` once the
   * thread is gone — so whatever it held (an open transaction) is released by then.
   */
  async terminate(reason?: Error): Promise<void> {
    this.ending ??= reason ?? new LastmileError('cancelled', 'the worker was stopped')
    await this.worker.terminate()
  }

  /** Let the process exit while this worker idles. */
  unref(): void {
    this.worker.unref()
  }
}

/**
 * The worker's side: answer each request with `handle`'s result (or error). `asError` puts a
 * failure in the stage's words before it crosses (a LastmileError usually passes as it is);
 * `transfer` names the buffers of a result to move rather than copy.
 */
export function serveRequests<Req, Res, P = never>(
  handle: (request: Req, task: WorkerTask<P>) => Res | Promise<Res>,
  options: { asError?: (e: unknown) => unknown; transfer?: (result: Res) => readonly TransferListItem[] } = {}
): void {
  const port = parentPort
  if (!port) throw new Error('serveRequests: this module must run as a worker thread')
  let current: { aborted: boolean } | null = null
  port.on('message', (m: ToWorker<Req>) => {
    if (m.t === 'cancel') {
      if (current) current.aborted = true
      return
    }
    const signal = { aborted: false }
    current = signal
    const post = (msg: FromWorker<Res, P>, transfer?: readonly TransferListItem[]): void => port.postMessage(msg, transfer)
    const after: Array<() => void | Promise<void>> = []
    const task: WorkerTask<P> = { progress: (progress) => post({ t: 'progress', id: m.id, progress }), signal, afterAnswer: (work) => void after.push(work) }
    void (async () => {
      try {
        const result = await handle(m.request, task)
        post({ t: 'result', id: m.id, result }, options.transfer?.(result))
      } catch (e) {
        post({ t: 'error', id: m.id, error: toWireError(options.asError ? options.asError(e) : e) })
      } finally {
        if (current === signal) current = null
      }
      // every piece runs, even after one failed; the first failure is reported
      let failed: WireError | undefined
      for (const work of after) {
        try {
          await work()
        } catch (e) {
          failed ??= toWireError(e)
        }
      }
      post(failed ? { t: 'idle', id: m.id, error: failed } : { t: 'idle', id: m.id })
    })()
  })
}
