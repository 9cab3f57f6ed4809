import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import { Worker, type WorkerOptions } from 'node:worker_threads'

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
