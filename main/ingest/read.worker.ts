// The reader thread of large imports (reader-thread.ts): for each file it is asked to read, it
// reads, hashes, compresses, splits, parses and normalises, and posts batches to the importing
// thread, which writes them in its one transaction. It never touches the case.
import { workerData } from 'node:worker_threads'
import { toWireError } from '../platform/worker'
import type { PackedBlock } from '../case/import-blocks'
import { readExport, type ReadSink } from './reader'
import {
  ACK,
  BATCH_ALERTS,
  BUSY,
  CLOSED,
  IDLE,
  LIMIT,
  PHASE,
  READER_IDLE_MS,
  READING,
  SEQ,
  STOP,
  TupleEncoder,
  type AlertTuple,
  type ContextTuple,
  type FromReader,
  type ReaderData,
  type ReadRequest
} from './reader-thread'

class Stopped extends Error {}

const { state: shared, port } = workerData as ReaderData
const state = new Int32Array(shared)

let items: Array<AlertTuple | ContextTuple> = []
let blocks: PackedBlock[] = []
let records = 0
let bytes = 0
let encoder = new TupleEncoder()

function post(m: FromReader, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer)
  Atomics.add(state, SEQ, 1)
  Atomics.notify(state, SEQ)
}

/** Post what is gathered, once the writer has room for it. */
function flush(): void {
  if (items.length === 0 && blocks.length === 0) return
  for (;;) {
    if (Atomics.load(state, STOP) !== 0) throw new Stopped()
    const ack = Atomics.load(state, ACK)
    if (Atomics.load(state, SEQ) - ack < Atomics.load(state, LIMIT)) break
    Atomics.wait(state, ACK, ack, 200)
  }
  const m: FromReader = { t: 'batch', items: JSON.stringify(items), blocks, records, bytes }
  post(
    m,
    blocks.map((b) => b.data.buffer as ArrayBuffer)
  )
  items = []
  blocks = []
}

const sink: ReadSink = {
  block(b) {
    blocks.push(b)
  },
  context(json) {
    items.push([json])
  },
  alert(a) {
    items.push(encoder.encode(a))
    if (items.length >= BATCH_ALERTS) flush()
  },
  progress(r, b) {
    records = r
    bytes = b
    flush()
  }
}

let idle: NodeJS.Timeout | undefined

function read(req: ReadRequest): void {
  clearTimeout(idle)
  Atomics.store(state, READING, req.n)
  items = []
  blocks = []
  records = 0
  bytes = 0
  encoder = new TupleEncoder()
  let last: FromReader | null = null
  try {
    const result = readExport(req.plan, sink)
    flush()
    last = { t: 'end', result }
  } catch (e) {
    if (!(e instanceof Stopped)) {
      last = { t: 'error', error: toWireError(e) }
      // what was read before the error goes first, as on the importing thread: a failure in
      // writing it (a full disk) is the one to report
      try {
        flush()
      } catch (stop) {
        if (!(stop instanceof Stopped)) throw stop
        last = null
      }
    }
  }
  // idle before the last message, so the writer that receives it can take the reader again
  Atomics.store(state, PHASE, IDLE)
  if (last) post(last)
  idle = setTimeout(() => {
    // leave unless an import took the reader meanwhile (its request is then on its way)
    if (Atomics.compareExchange(state, PHASE, IDLE, CLOSED) === IDLE) port.close()
  }, READER_IDLE_MS)
}

port.on('message', (req: ReadRequest) => {
  if (Atomics.load(state, PHASE) !== BUSY) return
  try {
    read(req)
  } catch (e) {
    // a fault of the reader itself (read() reports every error of the file): say so, and leave,
    // so the writer never waits for a reader that is gone
    Atomics.store(state, PHASE, CLOSED)
    post({ t: 'error', error: toWireError(e), fatal: true })
    port.close()
  }
})
