import { describe, expect, it } from 'vitest'
import { isLastmileError } from '../errors'
import { OneJobAtATime } from './one-job'

describe('one job at a time', () => {
  it('refuses a second start while one runs, cancels the one under way, and is free again after it ends', async () => {
    const jobs = new OneJobAtATime('an import is already running: wait for it or cancel it')
    expect(await jobs.cancel()).toEqual({ cancelled: false })
    const first = jobs.runAbortable(
      (signal) =>
        new Promise<string>((resolve) => {
          signal.addEventListener('abort', () => resolve('stopped'))
        })
    )
    const second = await jobs.run(() => ({ stop: () => undefined, done: Promise.resolve('x') })).catch((e: unknown) => e)
    expect(isLastmileError(second) && [second.code, second.message]).toEqual(['conflict', 'an import is already running: wait for it or cancel it'])
    expect(await jobs.cancel()).toEqual({ cancelled: true })
    expect(await first).toBe('stopped')
    expect(await jobs.cancel()).toEqual({ cancelled: false })
    // a job that fails frees the slot too, and a start that throws never takes it
    await expect(jobs.run(() => ({ stop: () => undefined, done: Promise.reject(new Error('boom')) }))).rejects.toThrow('boom')
    await expect(
      jobs.run(() => {
        throw new Error('refused before starting')
      })
    ).rejects.toThrow('refused before starting')
    expect(await jobs.run(() => ({ stop: () => undefined, done: Promise.resolve(42) }))).toBe(42)
  })

  it('waits for an asynchronous stop (a worker being ended) before answering', async () => {
    const jobs = new OneJobAtATime('busy')
    let ended = false
    let finish: (v: string) => void = () => undefined
    const run = jobs.run(() => ({
      stop: async () => {
        await new Promise((r) => setTimeout(r, 20))
        ended = true
        finish('ended')
      },
      done: new Promise<string>((r) => (finish = r))
    }))
    expect(await jobs.cancel()).toEqual({ cancelled: true })
    expect(ended).toBe(true)
    expect(await run).toBe('ended')
  })

  it('takes a cancel asked for while the work is still starting (its first steps are synchronous)', async () => {
    const jobs = new OneJobAtATime('busy')
    let stopped = false
    let answer: Promise<{ cancelled: boolean }> | null = null
    const run = jobs.run(() => {
      // the work reports progress before start() returns, and the user cancels right then
      answer = jobs.cancel()
      return { stop: () => void (stopped = true), done: Promise.resolve('done') }
    })
    expect(await answer).toEqual({ cancelled: true })
    expect(await run).toBe('done')
    expect(stopped).toBe(true)
  })
})
