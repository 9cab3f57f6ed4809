import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import type { PdfExportResult } from '../../shared/contract'
import type { Actor, Progress } from '../../shared/model'
import { audited } from '../audit/chain'
import { createCheckpoint } from '../audit/checkpoint'
import { signerSummary } from '../audit/checkpoint-signer'
import { loadPkcs12 } from '../audit/pkcs12'
import type { WritableCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { checkOutputFile, writeOutputFile, type OutputRules } from '../services/outputs'
import type { ReportContributor } from '../report/contributor'
import { assembleReportData } from './report-assemble'
import { renderReport, startPdfWorker, toTransferable, type PdfWorker } from './worker-protocol'

export interface PdfExportOptions {
  out: string
  /** the PKCS#12 certificate the report (and its checkpoint) is signed with */
  p12Path: string
  p12Passphrase: string
  classification?: string
  actor: Actor
  now: () => string
  onProgress?: (p: Progress) => void
  /** render in this thread instead of a worker (tests) */
  inProcess?: boolean
  contributors?: readonly ReportContributor[]
  /** the user cancelled: the render stops, no report is written (the checkpoint made for it stays) */
  signal?: AbortSignal
  /** replace an existing file at `out` (the person confirmed it); never the case or another input */
  overwrite?: boolean
  /** other files this run reads (key or passphrase files): the report is never written over them */
  inputs?: readonly string[]
}

export type { PdfExportResult }

const cancelledError = (out: string): LastmileError =>
  new LastmileError('cancelled', `${out}: the PDF export was cancelled and no report was written (the checkpoint made for it stays in the audit trail)`)

/**
 * `lastmile export pdf`: seal the audit trail with a checkpoint signed by the chosen
 * certificate, assemble the report from the case, render and sign it in a worker, write it, and
 * record the export (with the PDF's hash) in the audit trail — which the next checkpoint seals.
 */
export async function exportPdf(c: WritableCaseDb, opts: PdfExportOptions): Promise<PdfExportResult> {
  const t0 = Date.now()
  const rules: OutputRules = { inputs: [c.path, opts.p12Path, ...(opts.inputs ?? [])], overwrite: opts.overwrite }
  const out = checkOutputFile(opts.out, rules)
  const key = loadPkcs12(opts.p12Path, opts.p12Passphrase)
  if (key.descriptor.algorithm === 'ed25519') {
    throw new LastmileError('bad-input', `${opts.p12Path}: PDF signatures need an RSA or EC certificate; this PKCS#12 file holds an Ed25519 key`)
  }
  if (opts.signal?.aborted) throw new LastmileError('cancelled', `${out}: the PDF export was cancelled before it started; nothing changed`)
  const progress = progressEmitter('export.pdf', 'findings', opts.onProgress)
  const worker: PdfWorker | null = opts.inProcess ? null : startPdfWorker()
  const onAbort = (): void => worker?.cancel(cancelledError(out))
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  let data: ReturnType<typeof assembleReportData>
  let checkpoint: ReturnType<typeof createCheckpoint>
  try {
    checkpoint = createCheckpoint(c.db, c.id, key, opts.actor, opts.now, `${out}: not exported`)
    data = assembleReportData(c, {
      generatedAt: opts.now(),
      generatedBy: opts.actor,
      classification: opts.classification,
      checkpoint,
      pdfSigner: key.descriptor,
      contributors: opts.contributors
    })
  } catch (e) {
    opts.signal?.removeEventListener('abort', onAbort)
    worker?.cancel()
    throw e
  }
  const t1 = Date.now()
  progress(0, Math.max(1, data.findings.length), 'rendering')
  const req = { data, key: toTransferable(key) }
  let built: { pdf: Buffer; pages: number }
  if (!worker) {
    const r = await renderReport(req, (p) => progress(p.done, p.total, p.message))
    built = { pdf: Buffer.from(r.pdf.buffer, r.pdf.byteOffset, r.pdf.byteLength), pages: r.pages }
  } else {
    try {
      built = await worker.render(req, progress)
    } finally {
      opts.signal?.removeEventListener('abort', onAbort)
    }
  }
  if (opts.signal?.aborted) throw cancelledError(out)
  const t2 = Date.now()
  writeOutputFile(out, built.pdf, rules)
  const sha256 = createHash('sha256').update(built.pdf).digest('hex')
  audited(
    c.db,
    c.id,
    opts.now,
    () => null,
    () => ({
      actor: opts.actor,
      action: 'export.pdf',
      target: basename(out),
      details: {
        path: out,
        sha256,
        bytes: built.pdf.length,
        pages: built.pages,
        checkpoint: checkpoint.number,
        signer: signerSummary(key.descriptor),
        classification: data.classification
      }
    })
  )
  progress(Math.max(1, data.findings.length), Math.max(1, data.findings.length), 'written')
  return {
    path: out,
    bytes: built.pdf.length,
    sha256,
    pages: built.pages,
    checkpoint: { number: checkpoint.number, firstSeq: checkpoint.firstSeq, lastSeq: checkpoint.lastSeq, headHash: checkpoint.headHash },
    signer: { subject: key.descriptor.subject, fingerprint: key.descriptor.fingerprint },
    timings: { assembleMs: t1 - t0, renderMs: t2 - t1, totalMs: Date.now() - t0 }
  }
}

/** Turn (done, total) into the app's Progress events, with a rate. */
function progressEmitter(operation: string, unit: string, sink?: (p: Progress) => void): (done: number, total: number, message: string) => void {
  const start = Date.now()
  return (done, total, message) => {
    if (!sink) return
    const secs = Math.max(0.001, (Date.now() - start) / 1000)
    sink({ operation, done, total, unit, rate: done / secs, message })
  }
}
