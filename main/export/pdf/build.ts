import type { CertificateSigningKey } from '../../audit/checkpoint-signer'
import type { ReportData } from '../../report/data'
import { loadFonts, type FontFiles } from './fonts'
import { renderReport, type RenderProgress } from './render-report'
import { addSignaturePlaceholder, signPdf } from './sign'

const CHECKPOINT_ATTACHMENT = 'lastmile-checkpoint.json'

export interface BuiltReport {
  pdf: Buffer
  pages: number
}

/**
 * Render, attach the checkpoint, add the signature field, finish and sign. Pure computation on
 * plain data: it runs the same in the export worker and in a test.
 */
export async function buildSignedReport(
  data: ReportData,
  key: CertificateSigningKey,
  opts: { fonts?: FontFiles; signingTime?: Date; onProgress?: RenderProgress } = {}
): Promise<BuiltReport> {
  const fonts = opts.fonts ?? loadFonts()
  const signingTime = opts.signingTime ?? new Date(data.generatedAt)
  const { canvas, pages } = renderReport(data, fonts, opts.onProgress)
  const doc = canvas.doc
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve())
    doc.on('error', reject)
  })
  if (data.checkpoint) {
    // The checkpoint travels inside the report as a machine-readable attachment, so
    // `lastmile verify report.pdf` can check its signature and say which trail it seals.
    doc.file(Buffer.from(`${JSON.stringify(data.checkpoint, null, 2)}\n`, 'utf8'), {
      name: CHECKPOINT_ATTACHMENT,
      type: 'application/json',
      description: `Lastmile checkpoint ${data.checkpoint.number} of case ${data.checkpoint.caseId}`,
      creationDate: new Date(data.checkpoint.createdAt),
      modifiedDate: new Date(data.checkpoint.createdAt)
    })
  }
  addSignaturePlaceholder(doc, key, {
    reason: `Lastmile audit report of case ${data.case.name}`,
    location: 'Lastmile',
    contactInfo: data.generatedBy.name,
    signingTime
  })
  doc.end()
  await ended
  const pdf = await signPdf(Buffer.concat(chunks), key, signingTime)
  return { pdf, pages }
}
