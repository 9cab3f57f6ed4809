import { X509Certificate, type KeyObject } from 'node:crypto'
import { join } from 'node:path'
import { WorkerClient } from '../platform/worker'
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

/** The signed report, as the worker answers it (its buffer moved, not copied, when it can be). */
export interface RenderedPdf {
  pdf: Uint8Array
  pages: number
}

export interface PdfProgress {
  done: number
  total: number
  message: string
}

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
export async function renderReport(req: WorkerRequest, onProgress: (p: PdfProgress) => void): Promise<RenderedPdf> {
  let last = 0
  const { pdf, pages } = await buildSignedReport(req.data, fromTransferable(req.key), {
    onProgress: (done, total, message) => {
      const t = Date.now()
      if (t - last < 100 && done < total) return
      last = t
      onProgress({ done, total, message })
    }
  })
  return { pdf: new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength), pages }
}

/** The buffer of a PDF that fills it can move to the other thread instead of being copied. */
export function movableBuffers(r: RenderedPdf): ArrayBuffer[] {
  return r.pdf.byteOffset === 0 && r.pdf.byteLength === r.pdf.buffer.byteLength ? [r.pdf.buffer as ArrayBuffer] : []
}

/** A failure in the worker that is not already said for people. */
export function exportWorkerError(e: unknown): LastmileError {
  return isLastmileError(e) ? e : new LastmileError('internal', `the export worker failed: ${(e as Error)?.message ?? String(e)}`)
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
  const worker = new WorkerClient<WorkerRequest, RenderedPdf, PdfProgress>(join(__dirname, 'export.worker.ts'), {
    failures: {
      failed: (e) => exportWorkerError(e),
      stopped: (code) => new LastmileError('internal', `the export worker stopped (exit code ${code}) before the report was finished`)
    }
  })
  return {
    cancel: (reason) => void worker.terminate(reason),
    render: async (req, onProgress) => {
      try {
        const r = await worker.request(req, { onProgress: (p) => onProgress(p.done, p.total, p.message) })
        return { pdf: Buffer.from(r.pdf.buffer, r.pdf.byteOffset, r.pdf.byteLength), pages: r.pages }
      } finally {
        void worker.terminate()
      }
    }
  }
}
