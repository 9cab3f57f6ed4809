import { join } from 'node:path'
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads'
import { LastmileError } from '../errors'
import { fromWireError, startWorker, type WireError } from '../platform/worker'
import type { PackedBlock } from '../case/import-blocks'
import type { AlertItem, ReadPlan, ReadResult, ReadSink } from './reader'
import type { CanonicalResource } from './types'

/**
 * The reader on a thread of its own, feeding the importing thread synchronously.
 *
 * An import is one SQLite transaction, and better-sqlite3 transactions are synchronous, so the
 * writer cannot await anything: it blocks on a shared counter (Atomics.wait) and takes the
 * reader's batches with receiveMessageOnPort. The reader (read.worker.ts) reads, hashes and
 * compresses the file, splits, parses and normalises records (measured 0.46-0.55 s CPU of the
 * ~1.5 s a 20,000-alert benchmark file takes on one thread) while the writer runs the SQL
 * (~0.45 s of inserts, then ~0.55 s of findings and commit), so the two overlap on two cores;
 * with several files, the next one is read during that last part (readAhead). The price is
 * CPU: +15% on 20k+20k alerts, ~+0-3% on 200k+200k (a second V8 heap and JIT, the batches'
 * JSON), and ~200 MB more peak RSS. Batches in flight are bounded, so memory stays bounded
 * whatever the file size. Measured on 200k+200k on an idle 2-core machine: 21-23 s instead of
 * 31-32 s.
 *
 * This is the one worker that does not use the request/response scaffold of platform/worker.ts:
 * the writer cannot await a message, so it takes them with receiveMessageOnPort and waits on the
 * shared counters. Errors still cross as the scaffold's WireError.
 */

/** Int32 slots of the shared state. */
export const SEQ = 0 // batches posted by the reader in the current read
export const ACK = 1 // batches the writer has taken in
export const STOP = 2 // the writer gave up (an error): the reader stops
export const PHASE = 3 // IDLE, BUSY or CLOSED: who may use the reader
export const READING = 4 // the number of the read the reader took up
export const LIMIT = 5 // batches the reader may post before the writer takes them in
const STATE_SLOTS = 6

export const IDLE = 1
export const BUSY = 2
/** the reader left after idling: the next import starts another */
export const CLOSED = 3

/** An idle reader thread ends after this, so a long-lived process does not keep one for nothing. */
export const READER_IDLE_MS = 30_000

/** Batches the reader may run ahead of the writer (each ≤ BATCH_ALERTS alerts and a few blocks). */
const MAX_IN_FLIGHT = 8
export const BATCH_ALERTS = 512
/**
 * Reading the next file of an ingest ahead, while the writer finishes the current one (findings,
 * read models, seal, commit: ~6.5 s of an 11 s import of 200,000 alerts), the reader may run
 * further ahead: 512 batches, up to 262,144 alerts. A batch of the bench's exports is ~195 KB on
 * the wire (~150 KB of tuples, ~45 KB of compressed blocks): ~100 MB ahead for such exports.
 * Measured on the bench's 200,000 ASFF + 175,080 Prowler alerts (worker path, idle 2-core
 * machine, alternating runs): 64 batches (~33,000 alerts) left the writer waiting for the reader
 * through the second file (its read phase 5.2-5.6 s, ingest 22.1-23.6 s, peak RSS 760-788 MB);
 * the whole second file read ahead, 3.0-3.1 s and 20.6-20.7 s, peak RSS 912 MB.
 */
const MAX_AHEAD = 512

/**
 * An alert on the wire: a tuple, since JSON of arrays parses ~2× faster than of objects, and
 * the writer's decoding is on the critical path (the writer is the busier thread). Words that
 * repeat across alerts (tool, rule, title, account, region, time…) are sent once and then by
 * number (`Word`), and a resource once per file and then by its key and type: the writer reads
 * a resource's other fields only the first time it meets its key (it caches the row id by key),
 * but the type of each alert's resource picks its control. This halved the bytes (≈310 an alert
 * on the benchmark exports, JSON.parse ≈0.8 µs an alert on the writer).
 */
export type AlertTuple = [
  h: number,
  tool: Word,
  toolFindingId: string,
  ruleId: Word,
  kind: Word,
  title: Word,
  severity: number,
  outcome: Word,
  toolStatus: Word,
  muted: 0 | 1,
  account: Word,
  region: Word,
  observedAt: Word,
  artifact: Word,
  recordNo: number,
  offset: number,
  length: number,
  resType: Word,
  res: string | ResourceTuple
]
/** A resource the first time a file names it. */
export type ResourceTuple = [key: string, id: string, canonical: 0 | 1, type: Word, provider: Word, account: Word, region: Word, name: string | null, environment: Word]
/** A string, the number of a string sent before, or null. */
export type Word = string | number | null
/** A change of context on the wire: a one-element tuple. */
export type ContextTuple = [json: string | null]

/** Strings each side numbers, in the order they first cross; past this they are sent as they are. */
const MAX_WORDS = 1 << 16

/** The reader's side of the wire (one per file). */
export class TupleEncoder {
  private readonly words = new Map<string, number>()
  private readonly resources = new Set<string>()

  private word(s: string | null): Word {
    if (s === null) return null
    const n = this.words.get(s)
    if (n !== undefined) return n
    if (this.words.size < MAX_WORDS) this.words.set(s, this.words.size)
    return s
  }

  encode(a: AlertItem): AlertTuple {
    // words are numbered in tuple order, the alert's before its resource's, as decode() reads them
    const t: AlertTuple = [
      a.h,
      this.word(a.tool),
      a.toolFindingId,
      this.word(a.ruleId),
      this.word(a.kind),
      this.word(a.title),
      a.severity,
      this.word(a.outcome),
      this.word(a.toolStatus),
      a.muted,
      this.word(a.account),
      this.word(a.region),
      this.word(a.observedAt),
      this.word(a.artifact),
      a.recordNo,
      a.offset,
      a.length,
      this.word(a.res.type),
      a.res.key
    ]
    const r = a.res
    if (!this.resources.has(r.key)) {
      this.resources.add(r.key)
      t[18] = [r.key, r.id, r.canonical ? 1 : 0, this.word(r.type), this.word(r.provider), this.word(r.account), this.word(r.region), r.name, this.word(r.environment)]
    }
    return t
  }
}

/** The writer's side of the wire (one per file): the same strings, numbered in the same order. */
export class TupleDecoder {
  private readonly words: string[] = []
  private readonly resources = new Map<string, CanonicalResource>()

  private word(w: Word): string | null {
    if (typeof w === 'number') return this.words[w]
    if (w !== null && this.words.length < MAX_WORDS) this.words.push(w)
    return w
  }

  decode(t: AlertTuple): AlertItem {
    // in tuple order, as encode() numbered them: the resource's words after the alert's
    const tool = this.word(t[1]) as string
    const ruleId = this.word(t[3]) as string
    const kind = this.word(t[4]) as AlertItem['kind']
    const title = this.word(t[5]) as string
    const outcome = this.word(t[7]) as AlertItem['outcome']
    const toolStatus = this.word(t[8]) as string
    const account = this.word(t[10])
    const region = this.word(t[11])
    const observedAt = this.word(t[12])
    const artifact = this.word(t[13])
    const type = this.word(t[17]) as string
    return {
      h: t[0],
      tool,
      toolFindingId: t[2],
      ruleId,
      kind,
      title,
      severity: t[6],
      outcome,
      toolStatus,
      muted: t[9],
      res: this.resource(t[18], type),
      account,
      region,
      observedAt,
      artifact,
      recordNo: t[14],
      offset: t[15],
      length: t[16]
    }
  }

  private resource(x: string | ResourceTuple, type: string): CanonicalResource {
    if (typeof x === 'string') {
      const known = this.resources.get(x) as CanonicalResource
      return known.type === type ? known : { ...known, type }
    }
    const r: CanonicalResource = {
      key: x[0],
      id: x[1],
      canonical: x[2] === 1,
      type: this.word(x[3]) as string,
      provider: this.word(x[4]) as CanonicalResource['provider'],
      account: this.word(x[5]),
      region: this.word(x[6]),
      name: x[7],
      environment: this.word(x[8])
    }
    this.resources.set(r.key, r)
    return r
  }
}

export type FromReader =
  /** items: JSON of (AlertTuple | ContextTuple)[], in file order */
  | { t: 'batch'; items: string; blocks: PackedBlock[]; records: number; bytes: number }
  | { t: 'end'; result: ReadResult }
  /** fatal: the reader thread itself failed and is gone */
  | { t: 'error'; error: WireError; fatal?: boolean }

export interface ReaderData {
  state: SharedArrayBuffer
  port: MessagePort
}

/** To the reader: read this file as read number `n`. */
export interface ReadRequest {
  n: number
  plan: ReadPlan
}

/** How long the reader thread may take to take up a read (starting: loading its modules). */
const START_LIMIT_MS = 120_000

interface Reader {
  worker: Worker
  state: Int32Array
  port: MessagePort
  reads: number
  /** a read started ahead of its import: its number and plan */
  ahead: { n: number; plan: string } | null
}

/**
 * One reader thread, kept between imports: a multi-file ingest starts it once (≈50 ms built,
 * ≈0.3-0.6 s under tsx, which compiles its modules). Only the importing thread uses it.
 */
let cached: Reader | null = null

function acquire(): Reader {
  if (cached && Atomics.compareExchange(cached.state, PHASE, IDLE, BUSY) === IDLE) return cached
  drop()
  const state = new Int32Array(new SharedArrayBuffer(STATE_SLOTS * 4))
  state[PHASE] = BUSY
  const { port1, port2 } = new MessageChannel()
  const data: ReaderData = { state: state.buffer as SharedArrayBuffer, port: port2 }
  const worker = startWorker(join(__dirname, 'read.worker.ts'), { workerData: data, transferList: [port2] })
  worker.unref()
  cached = { worker, state, port: port1, reads: 0, ahead: null }
  return cached
}

function drop(): void {
  if (!cached) return
  const r = cached
  cached = null
  Atomics.store(r.state, STOP, 1)
  Atomics.notify(r.state, ACK)
  r.port.close()
  void r.worker.terminate()
}

let blockingAllowed: boolean | undefined

/**
 * Whether this thread may block on Atomics.wait: Node's threads may; an embedder may forbid it
 * on a main thread (browsers do), and then the file is read on the importing thread.
 */
export function canWaitHere(): boolean {
  if (blockingAllowed === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0)
      blockingAllowed = true
    } catch {
      blockingAllowed = false
    }
  }
  return blockingAllowed
}

function ask(r: Reader, plan: ReadPlan, limit: number): number {
  const n = ++r.reads
  Atomics.store(r.state, SEQ, 0)
  Atomics.store(r.state, ACK, 0)
  Atomics.store(r.state, STOP, 0)
  Atomics.store(r.state, LIMIT, limit)
  r.port.postMessage({ n, plan } satisfies ReadRequest)
  return n
}

/**
 * Start reading the next file of an ingest while this thread still writes the current one; its
 * import then takes what was read (readInThread with the same plan). Nothing of it reaches the
 * case before that import does, and its errors are reported by that import, in their place.
 */
export function readAhead(plan: ReadPlan): void {
  settleReadAhead(null)
  const r = acquire()
  r.ahead = { n: ask(r, plan, MAX_AHEAD), plan: JSON.stringify(plan) }
}

/**
 * Whether the reading started ahead is this plan's; any other is stopped (the file turned out a
 * duplicate, or the ingest ended), so no reading goes on for nothing.
 */
export function settleReadAhead(plan: ReadPlan | null): boolean {
  const ahead = cached?.ahead
  if (!ahead) return false
  if (plan !== null && ahead.plan === JSON.stringify(plan)) return true
  drop()
  return false
}

/** Read `plan` on the reader thread, handing everything to `sink` on this thread, in file order. */
export function readInThread(plan: ReadPlan, sink: ReadSink): ReadResult {
  let r: Reader
  let n: number
  if (settleReadAhead(plan)) {
    r = cached as Reader
    n = (r.ahead as { n: number }).n
    r.ahead = null
    Atomics.store(r.state, LIMIT, MAX_IN_FLIGHT)
  } else {
    r = acquire()
    n = ask(r, plan, MAX_IN_FLIGHT)
  }
  const { state, port } = r
  const asked = Date.now()
  const decoder = new TupleDecoder()
  let waited = 0
  let ok = false
  try {
    for (;;) {
      const seq = Atomics.load(state, SEQ)
      const got = receiveMessageOnPort(port)
      if (got === undefined) {
        if (Atomics.load(state, READING) !== n && Date.now() - asked > START_LIMIT_MS) {
          throw new LastmileError('internal', `${plan.name}: the import's reader thread did not start; nothing was imported`)
        }
        // the reader posts, then bumps SEQ: a batch posted since the load wakes us at once
        const w = performance.now()
        Atomics.wait(state, SEQ, seq, 200)
        waited += performance.now() - w
        continue
      }
      const m = got.message as FromReader
      if (m.t === 'error') {
        ok = m.fatal !== true // the reader is idle again and its port empty, unless it is gone
        throw fromWireError(m.error)
      }
      if (m.t === 'end') {
        ok = true
        return { ...m.result, waitedMs: Math.round(waited) }
      }
      for (const b of m.blocks) sink.block(b)
      const items = JSON.parse(m.items) as Array<AlertTuple | ContextTuple>
      Atomics.add(state, ACK, 1)
      Atomics.notify(state, ACK)
      for (const t of items) {
        if (t.length === 1) sink.context(t[0])
        else sink.alert(decoder.decode(t))
      }
      if (m.records > 0) sink.progress(m.records, m.bytes)
    }
  } finally {
    // stopped half-way (the writer failed): the reader may still be posting; start afresh next time
    if (!ok) drop()
  }
}
