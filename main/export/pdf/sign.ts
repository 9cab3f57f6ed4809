import { createHash } from 'node:crypto'
import { pdfkitAddPlaceholder } from '@signpdf/placeholder-pdfkit'
import { SignPdf, Signer } from '@signpdf/signpdf'
import type { CertificateSigningKey } from '../../audit/checkpoint-signer'
import { buildDetachedCms } from '../cms'

/** @signpdf's signer interface, backed by our CMS builder: it receives the signed byte ranges, concatenated. */
class CmsSigner extends Signer {
  constructor(private readonly key: CertificateSigningKey) {
    super()
  }
  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const digest = createHash('sha256').update(pdfBuffer).digest()
    return buildDetachedCms(digest, this.key, signingTime ?? new Date())
  }
}

/**
 * Add the signature field (an invisible widget) to the open document — TOOLCHAIN §2.4 variant A:
 * pdfkit writes the placeholder objects itself, so the file stays qpdf-clean. The returned refs
 * must NOT be ended again: the placeholder already ends the signature and the widget, and
 * pdfkit's own endAcroForm() ends the form; a second end() leaves the document never finishing.
 */
export function addSignaturePlaceholder(
  doc: PDFKit.PDFDocument,
  key: CertificateSigningKey,
  info: { reason: string; location: string; contactInfo: string; signingTime: Date }
): void {
  // Room for the CMS: the certificates it carries, the signature and the attributes, with a margin.
  const chainBytes = key.chain.reduce((n, c) => n + c.length, 0)
  const signatureLength = Math.max(8192, chainBytes + 4096)
  pdfkitAddPlaceholder({
    pdf: doc,
    pdfBuffer: Buffer.alloc(0),
    reason: info.reason,
    contactInfo: info.contactInfo,
    name:
      key.certificate.subject
        .split('\n')
        .find((l) => l.startsWith('CN='))
        ?.slice(3) ?? key.descriptor.subject,
    location: info.location,
    signingTime: info.signingTime,
    signatureLength,
    appName: 'Lastmile'
  })
}

/** Fill the placeholder of a finished document with the signature over everything else. */
export async function signPdf(pdf: Buffer, key: CertificateSigningKey, signingTime: Date): Promise<Buffer> {
  return new SignPdf().sign(pdf, new CmsSigner(key), signingTime)
}
