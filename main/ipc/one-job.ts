// Long work of one kind — an import, adding an evidence bundle, a collection, a PDF export, an
// investigation — runs one at a time per window, and its `*.cancel` call stops the one under way.
// The handlers share this instead of each keeping its own "running" slot.
import { LastmileError } from '../errors'

export interface StartedJob<T> {
  /** what cancel does: end the worker, or abort the signal the work polls */
  stop(): Promise<void> | void
  done: Promise<T>
}

export class OneJobAtATime {
  private stop: (() => Promise<void> | void) | null = null

  /** @param busy the sentence a second start gets while one runs */
  constructor(private readonly busy: string) {}

  /** Start the work (refused while another runs) and answer with its result once it has ended. */
  async run<T>(start: () => StartedJob<T>): Promise<T> {
    if (this.stop) throw new LastmileError('conflict', this.busy)
    // The slot is taken before the work starts: its first steps run synchronously inside start()
    // and may already report progress, to which a cancel can answer before start() returns.
    let job: StartedJob<T> | null = null
    let stopAsked = false
    this.stop = () => {
      if (job) return job.stop()
      stopAsked = true
    }
    try {
      job = start()
      if (stopAsked) await job.stop()
      return await job.done
    } finally {
      this.stop = null
    }
  }

  /** Work that stops at its next safe point once the signal it is given is aborted. */
  runAbortable<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.run(() => {
      const controller = new AbortController()
      return { stop: () => controller.abort(), done: work(controller.signal) }
    })
  }

  /** Stop the work under way; `cancelled: false` when none runs. */
  async cancel(): Promise<{ cancelled: boolean }> {
    if (!this.stop) return { cancelled: false }
    await this.stop()
    return { cancelled: true }
  }
}
