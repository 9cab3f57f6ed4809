import { X509Certificate, type KeyObject } from 'node:crypto'
import { startWorker } from '../platform/worker'
import { join } from 'node:path'
import type { TransferListItem, Worker } from 'node:worker_threads'
import { signWith, type CertificateSigningKey, type SignerDescriptor } from '../audit/checkpoint-signer'
import { LastmileError, isLastmileError } from '../errors'
import { buildSignedReport } from './pdf/build'
import type { ReportData } from '../report/data'

// What crosses between the main thread and the export worker. A KeyObject is cloneable between
// threads (node:crypto), so the private key goes over as a key, never as PEM text.

export interface WorkerRequest {
  data: ReportData
  key: { privateKey: KeyObject; chain: Buffer[]; descriptor: SignerDescriptor }
}

export type WorkerMessage =
  | { type: 'progress'; done: number; total: number; message: string }
  | { type: 'done'; pdf: Uint8Array; pages: number }
  | { type: 'error'; code: string | null; message: string }

export function toTransferable(key: CertificateSigningKey): WorkerRequest['key'] {
  return { privateKey: key.privateKey, chain: key.chain, descriptor: key.descriptor }
}

function fromTransferable(k: WorkerRequest['key']): CertificateSigningKey {
  const chain = k.chain.map((c) => Buffer.from(c))
  return {
    descriptor: k.descriptor,
    privateKey: k.privateKey,
    certificate: new X509Certificate(chain[0]),
    chain,
    sign: (bytes) => signWith(k.descriptor.algorithm, k.privateKey, bytes)
  }
}

/** The worker's job, also callable in-process (tests, or where a worker cannot start). */
export async function renderInWorker(req: WorkerRequest, post: (msg: WorkerMessage, transfer?: TransferListItem[]) => void): Promise<void> {
  try {
    let last = 0
    const { pdf, pages } = await buildSignedReport(req.data, fromTransferable(req.key), {
      onProgress: (done, total, message) => {
        const t = Date.now()
        if (t - last < 100 && done < total) return
        last = t
        post({ type: 'progress', done, total, message })
      }
    })
    const bytes = new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength)
    post({ type: 'done', pdf: bytes, pages }, pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength ? [pdf.buffer as ArrayBuffer] : [])
  } catch (e) {
    post({ type: 'error', code: isLastmileError(e) ? e.code : null, message: (e as Error)?.message ?? String(e) })
  }
}

export interface PdfWorker {
  /** Render and sign; resolves with the signed PDF. A failure comes back as the LastmileError it was. */
  render(req: WorkerRequest, onProgress: (done: number, total: number, message: string) => void): Promise<{ pdf: Buffer; pages: number }>
  /**
   * Stop the worker: before a job (the export failed before rendering), or during one — the
   * running render then rejects with `reason` (the user cancelled).
   */
  cancel(reason?: Error): void
}

/**
 * Start the export worker now, so its start-up (loading pdfkit and the fonts' parser) overlaps
 * with the checkpoint and the assembly of the report on the main thread; give it the job later.
 */
export function startPdfWorker(): PdfWorker {
  const worker = exportWorker()
  let onMessage: ((msg: WorkerMessage) => void) | null = null
  let failure: Error | null = null
  let failed: ((e: Error) => void) | null = null
  const fail = (e: Error): void => {
    failure ??= e
    failed?.(e)
  }
  worker.on('message', (msg: WorkerMessage) => onMessage?.(msg))
  worker.on('error', (e) => fail(new Error(`the export worker failed: ${e.message}`)))
  worker.on('exit', (code) => fail(new Error(`the export worker stopped (exit code ${code}) before the report was finished`)))
  return {
    cancel: (reason) => {
      if (reason) fail(reason)
      void worker.terminate()
    },
    render: (req, onProgress) =>
      new Promise((resolve, reject) => {
        let settled = false
        const finish = (fn: () => void): void => {
          if (settled) return
          settled = true
          fn()
          void worker.terminate()
        }
        if (failure) return finish(() => reject(failure))
        failed = (e) => finish(() => reject(e))
        onMessage = (msg) => {
          if (msg.type === 'progress') onProgress(msg.done, msg.total, msg.message)
          else if (msg.type === 'done') finish(() => resolve({ pdf: Buffer.from(msg.pdf.buffer, msg.pdf.byteOffset, msg.pdf.byteLength), pages: msg.pages }))
          else finish(() => reject(msg.code ? new LastmileError(msg.code as LastmileError['code'], msg.message) : new Error(`the export worker failed: ${msg.message}`)))
        }
        worker.postMessage(req)
      })
  }
}

/** The worker, from the build or from the sources (see platform/worker.ts). */
function exportWorker(): Worker {
  return startWorker(join(__dirname, 'export.worker.ts'))
}
