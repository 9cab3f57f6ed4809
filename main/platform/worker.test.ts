import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { LastmileError } from '../errors'
import { startWorker, WorkerClient, type WorkerFailures } from './worker'

describe('startWorker from the sources', () => {
  it('runs a TypeScript worker file and passes workerData', async () => {
    const dir = tempDir()
    const file = join(dir, 'echo.worker.ts')
    writeFileSync(file, `import { parentPort, workerData } from 'node:worker_threads'\nconst n: number = workerData.n\nparentPort!.postMessage(n * 2)\n`)
    const w = startWorker(file, { workerData: { n: 21 } })
    const answer = await new Promise((resolve, reject) => {
      w.once('message', resolve)
      w.once('error', reject)
    })
    expect(answer).toBe(42)
    await w.terminate()
  })
})

type Req =
  | { op: 'double'; n: number }
  | { op: 'lastmile' }
  | { op: 'fs' }
  | { op: 'until-cancelled' }
  | { op: 'exit' }
  | { op: 'crash' }
  | { op: 'hang' }
  | { op: 'after'; dir: string; fail: boolean }

/** A worker serving the requests above through the scaffold, as the stages' workers do. */
function scaffoldWorker(): string {
  const file = join(tempDir(), 'scaffold.worker.ts')
  const platform = JSON.stringify(join(__dirname, 'worker.ts'))
  const errors = JSON.stringify(join(__dirname, '..', 'errors.ts'))
  writeFileSync(
    file,
    `import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { workerData } from 'node:worker_threads'
import { serveRequests } from ${platform}
import { LastmileError } from ${errors}
serveRequests<any, unknown, number>(async (req, task) => {
  if (req.op === 'double') {
    task.progress(1)
    task.progress(2)
    return { doubled: req.n * 2, tag: workerData.tag }
  }
  if (req.op === 'lastmile') throw new LastmileError('bad-input', 'x.csv, line 3: not a date')
  if (req.op === 'fs') return readFileSync('/no/such/file/here')
  if (req.op === 'until-cancelled') {
    let polls = 0
    while (!task.signal.aborted) {
      polls++
      await new Promise((r) => setTimeout(r, 5))
    }
    return { stopped: true, polls }
  }
  if (req.op === 'after') {
    // work after the answer: waits for the test's go, then notes each piece as it runs
    task.afterAnswer(async () => {
      while (!existsSync(join(req.dir, 'go'))) await new Promise((r) => setTimeout(r, 5))
      appendFileSync(join(req.dir, 'done'), 'first;')
      if (req.fail) throw new LastmileError('internal', 'the first piece failed')
    })
    task.afterAnswer(() => appendFileSync(join(req.dir, 'done'), 'second;'))
    return 'answered'
  }
  if (req.op === 'exit') process.exit(3)
  if (req.op === 'crash') setTimeout(() => { throw new Error('boom') }, 0)
  return new Promise(() => undefined)
})
`
  )
  return file
}

const failures: WorkerFailures = {
  failed: (e) => new LastmileError('internal', `the test worker failed (${e.message})`),
  stopped: (code) => new LastmileError('unavailable', `the test worker stopped (exit ${code})`)
}

describe('WorkerClient and serveRequests: the one worker scaffold', () => {
  it('answers a request with its result, after its progress, reading workerData', async () => {
    const w = new WorkerClient<Req, unknown, number>(scaffoldWorker(), { workerData: { tag: 't1' }, failures })
    const seen: number[] = []
    await expect(w.request({ op: 'double', n: 21 }, { onProgress: (p) => seen.push(p) })).resolves.toEqual({ doubled: 42, tag: 't1' })
    expect(seen).toEqual([1, 2])
    // the thread serves the next request the same way
    await expect(w.request({ op: 'double', n: 5 })).resolves.toEqual({ doubled: 10, tag: 't1' })
    await w.terminate()
  })

  it('carries a LastmileError across as one (code and message), and a file-system error with its code', async () => {
    const w = new WorkerClient<Req, unknown>(scaffoldWorker(), { failures })
    const e = await w.request({ op: 'lastmile' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LastmileError)
    expect(e).toMatchObject({ code: 'bad-input', message: 'x.csv, line 3: not a date' })
    const fs = await w.request({ op: 'fs' }).catch((x: unknown) => x)
    expect(fs).not.toBeInstanceOf(LastmileError)
    expect(fs).toMatchObject({ code: 'ENOENT' })
    await w.terminate()
  })

  it('cancel() sets the running request’s signal, and the request answers', async () => {
    const w = new WorkerClient<Req, unknown>(scaffoldWorker(), { failures })
    const running = w.request({ op: 'until-cancelled' })
    await new Promise((r) => setTimeout(r, 50))
    w.cancel()
    await expect(running).resolves.toMatchObject({ stopped: true })
    await w.terminate()
  })

  it('terminate(reason) rejects the request in flight and every later one with the reason', async () => {
    const w = new WorkerClient<Req, unknown>(scaffoldWorker(), { failures })
    const running = w.request({ op: 'hang' })
    const reason = new LastmileError('cancelled', 'stopped by the test')
    await w.terminate(reason)
    await expect(running).rejects.toBe(reason)
    await expect(w.request({ op: 'double', n: 1 })).rejects.toBe(reason)
  })

  it('runs the work a request leaves for after its answer once the answer is out, in order; idle() waits for it and carries its error', async () => {
    const w = new WorkerClient<Req, unknown>(scaffoldWorker(), { failures })
    for (const fail of [false, true]) {
      const dir = tempDir()
      // the answer comes while the work after it still waits for the go
      await expect(w.request({ op: 'after', dir, fail })).resolves.toBe('answered')
      expect(existsSync(join(dir, 'done'))).toBe(false)
      let idle = false
      const waiting = w.idle().then(
        () => (idle = true),
        (e: unknown) => e
      )
      await new Promise((r) => setTimeout(r, 20))
      expect(idle).toBe(false)
      writeFileSync(join(dir, 'go'), '')
      const settled = await waiting
      // every piece ran, the second also after the first failed
      expect(readFileSync(join(dir, 'done'), 'utf8')).toBe('first;second;')
      if (fail) expect(settled).toMatchObject({ code: 'internal', message: 'the first piece failed' })
      else expect(settled).toBe(true)
    }
    await w.terminate()
    // a thread ended while the work after an answer waits: nothing is left to wait for
    const ended = new WorkerClient<Req, unknown>(scaffoldWorker(), { failures })
    await expect(ended.request({ op: 'after', dir: tempDir(), fail: false })).resolves.toBe('answered')
    await ended.terminate()
    await expect(ended.idle()).resolves.toBeUndefined()
  })

  it('a thread that ends without answering, or throws outside a request, is said in the caller’s words', async () => {
    const exits = new WorkerClient<Req, unknown>(scaffoldWorker(), { failures })
    await expect(exits.request({ op: 'exit' })).rejects.toMatchObject({ code: 'unavailable', message: 'the test worker stopped (exit 3)' })
    const crashes = new WorkerClient<Req, unknown>(scaffoldWorker(), { failures })
    await expect(crashes.request({ op: 'crash' })).rejects.toMatchObject({ code: 'internal', message: 'the test worker failed (boom)' })
    await crashes.terminate()
  })
})
