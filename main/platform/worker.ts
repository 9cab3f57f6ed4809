import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * Start a worker thread from a `*.worker.ts` file, both from the sources (vitest, tsx: the TS file
 * itself, with tsx's loader) and from the build (electron-vite emits each `main/**\/*.worker.ts` as
 * `out/main/<name>.worker.js`, beside the bundle that starts it).
 *
 * @param sourceFile absolute path of the worker's TS source (pass `join(__dirname, 'x.worker.ts')`)
 */
export function startWorker(sourceFile: string, options: WorkerOptions = {}): Worker {
  const built = join(__dirname, basename(sourceFile).replace(/\.ts$/, '.js'))
  if (!__filename.endsWith('.ts') && existsSync(built)) {
    return new Worker(built, options)
  }
  return new Worker(sourceFile, { ...options, execArgv: [...(options.execArgv ?? []), '--import', 'tsx'] })
}
