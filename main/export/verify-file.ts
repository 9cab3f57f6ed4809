import { closeSync, openSync, readFileSync, readSync } from 'node:fs'
import type { ExportFileVerification } from '../../shared/contract'
import { LastmileError, fsReason } from '../errors'
import { bytesDiffering, looksLikeCaseFile, verifyCaseFile } from './case-file'
import { verifyPdf } from './pdf/verify-pdf'

export type FileKind = 'pdf' | 'case-file' | 'case'

const PDF_MAGIC = Buffer.from('%PDF-', 'latin1')

/**
 * "%PDF-", or those five bytes with one changed: a report whose first bytes were altered is still
 * checked as a PDF, and its signature (whose byte range starts at 0) names the tampering.
 */
function pdfHead(h: Buffer): boolean {
  return bytesDiffering(h, PDF_MAGIC) <= 1
}

/** What a file is, from its first bytes: a PDF, an auditor's case file, or else (an encrypted) case database. */
export function detectFileKind(path: string): FileKind {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new LastmileError('not-found', `${path}: no such file`)
    throw new LastmileError('bad-input', `${path}: cannot read the file: ${fsReason(e)}`)
  }
  try {
    const head = Buffer.alloc(32)
    const h = head.subarray(0, readSync(fd, head, 0, head.length, 0))
    if (pdfHead(h)) return 'pdf'
    if (looksLikeCaseFile(h)) return 'case-file'
    return 'case'
  } catch (e) {
    throw new LastmileError('bad-input', `${path}: cannot read the file: ${fsReason(e)}`)
  } finally {
    closeSync(fd)
  }
}

/** Check an exported file: a signed PDF report, or a case file (which needs its export passphrase). */
export function verifyExportFile(path: string, opts: { exportPassphrase?: string; expectSigner?: string }): ExportFileVerification {
  const kind = detectFileKind(path)
  if (kind === 'pdf') return verifyPdf(path, readFileSync(path), { expectSigner: opts.expectSigner })
  if (kind === 'case-file') {
    if (!opts.exportPassphrase) throw new LastmileError('bad-input', `${path}: this is a case file; its export passphrase is needed to check it`)
    return verifyCaseFile(path, opts.exportPassphrase, { expectSigner: opts.expectSigner })
  }
  throw new LastmileError('bad-input', `${path}: neither a signed PDF report nor a Lastmile case file (to check a case, open it and verify its audit trail)`)
}
