import { rmSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { CheckpointInfo } from '../../shared/contract'
import { createCheckpoint, listCheckpoints, verifyCase, type Checkpoint } from '../audit/checkpoint'
import { deviceSigningKey, signerSummary, thisDeviceFingerprint, type SigningKey } from '../audit/checkpoint-signer'
import { loadPkcs12 } from '../audit/pkcs12'
import { exportCaseFile, openCaseFile, type OpenedCaseFile } from '../export/case-file'
import { exportPdf } from '../export/export-pdf'
import { verifyExportFile } from '../export/verify-file'
import { verifyCaseInWorker } from '../audit/verify-in-worker'
import type { HandlerServices, HandlerSlice } from './handlers'
import { OneJobAtATime } from './one-job'

/** Temporary review copies still open, removed when the process exits (one hook for all windows). */
const openReviews = new Set<string>()
let exitHook = false
function removeReviewsAtExit(): void {
  if (exitHook) return
  exitHook = true
  process.once('exit', () => {
    for (const dir of openReviews) rmSync(dir, { recursive: true, force: true })
  })
}

function toCheckpointInfo(cp: Checkpoint): CheckpointInfo {
  return {
    number: cp.number,
    firstSeq: cp.firstSeq,
    lastSeq: cp.lastSeq,
    headHash: cp.headHash,
    fromTime: cp.fromTime,
    toTime: cp.toTime,
    createdAt: cp.createdAt,
    previousSignature: cp.previousSignature,
    signature: cp.signature,
    signer: signerSummary(cp.signer)
  }
}

export function exportHandlers(
  app: HandlerServices
): HandlerSlice<'checkpoint.create' | 'checkpoint.list' | 'checkpoint.verify' | 'export.pdf' | 'export.cancel' | 'export.caseFile' | 'export.verifyFile' | 'case.openForReview'> {
  const { session, platform, events, written, paths } = app
  /** an existing file is replaced when the page asks and the person confirmed it in the save dialog */
  const replacing = (out: string, asked: boolean | undefined): boolean => asked === true && paths.replaceConfirmed(out)
  const exporting = new OneJobAtATime('a PDF export is already under way: wait for it or cancel it')

  /** The chosen certificate, else this device's key (refused without a secure OS keystore). */
  const signer = (sign?: { p12Path: string; passphrase: string }): SigningKey =>
    sign ? loadPkcs12(resolve(sign.p12Path), sign.passphrase) : deviceSigningKey(platform.dataDir, platform.keystore, session.now)

  // The case file open for review lives as a temporary (encrypted) database; it is removed as soon
  // as another case replaces it or the case is closed, and at exit.
  let review: OpenedCaseFile | null = null
  /** the case file under review, as the session shows it */
  let reviewPath: string | null = null
  const endReview = (): void => {
    if (review) openReviews.delete(dirname(review.tempPath))
    review?.close()
    review = null
    reviewPath = null
  }
  events.on('case.changed', (c) => {
    if (review && !(c?.readOnly && c.path === reviewPath)) endReview()
  })

  return {
    'checkpoint.create': ({ sign }, cases) => {
      const c = cases.writable()
      return toCheckpointInfo(createCheckpoint(c.db, c.id, signer(sign), session.actor(), session.now))
    },
    'checkpoint.list': () => listCheckpoints(session.require().db).map(toCheckpointInfo),
    'checkpoint.verify': ({ expectSigner }) => {
      const c = session.require()
      const opts = { expectSigner, expectDevice: thisDeviceFingerprint(platform.dataDir) }
      // off the main thread when the key is at hand (a case open in this session): it reads the whole case
      const key = session.readerKey(c)
      if (key === null) return verifyCase(c.db, c.id, opts)
      const verifying = verifyCaseInWorker(c, key, opts)
      session.holdWhile(verifying)
      return verifying
    },
    'export.pdf': async ({ out, overwrite, sign, classification }, cases) => {
      const c = cases.writable()
      const r = await exporting.runAbortable((signal) =>
        exportPdf(c, {
          signal,
          out,
          p12Path: resolve(sign.p12Path),
          p12Passphrase: sign.passphrase,
          classification,
          overwrite: replacing(out, overwrite),
          actor: session.actor(),
          now: session.now,
          onProgress: (p) => events.emit('progress', p)
        })
      )
      written.add(resolve(r.path))
      return r
    },
    'export.cancel': () => exporting.cancel(),
    'export.caseFile': ({ out, overwrite, exportPassphrase, sign }, cases) => {
      const c = cases.writable()
      const r = exportCaseFile(c, { out, overwrite: replacing(out, overwrite), exportPassphrase, signer: signer(sign), actor: session.actor(), now: session.now })
      written.add(resolve(r.path))
      return r
    },
    'export.verifyFile': ({ path, exportPassphrase, expectSigner }) => verifyExportFile(resolve(path), { exportPassphrase, expectSigner }),
    'case.openForReview': ({ path, exportPassphrase }) => {
      const opened = openCaseFile(resolve(path), exportPassphrase)
      // The session keeps its own connection to the temporary copy, read-only: from here on the
      // dispatcher refuses every mutating call.
      opened.caseDb.close()
      let c
      try {
        c = session.openForReview(opened.tempPath, opened.databaseKey, path)
      } catch (e) {
        opened.close()
        throw e
      }
      const previous = review
      review = opened
      reviewPath = resolve(path)
      openReviews.add(dirname(opened.tempPath))
      removeReviewsAtExit()
      if (previous) {
        openReviews.delete(dirname(previous.tempPath))
        previous.close()
      }
      events.emit('case.changed', c)
      return c
    }
  }
}
