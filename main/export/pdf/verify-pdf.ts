import { createHash } from 'node:crypto'
import { inflateSync } from 'node:zlib'
import type { CheckpointBody } from '../../audit/checkpoint'
import { checkpointSigningBytes } from '../../audit/checkpoint'
import { verifySigned } from '../../audit/checkpoint-signer'
import { hashNameOf, parseDetachedCms, verifyCmsSignature } from '../cms'
import { readNode } from '../der'

export interface PdfVerification {
  ok: boolean
  kind: 'pdf'
  file: string
  bytes: number
  signer: { subject: string; fingerprint: string; signingTime: string | null; validFrom: string; validTo: string } | null
  /** [start, length, start, length] as the signature declares it */
  byteRange: number[] | null
  /** the signature covers every byte of the file except its own value */
  wholeDocument: boolean
  /** the checkpoint the report embeds, checked against its own signature */
  checkpoint: {
    number: number
    caseId: string
    firstSeq: number
    lastSeq: number
    headHash: string
    signer: string
    signatureValid: boolean
  } | null
  /** the first problem, in words; null when ok */
  problem: string | null
  /** certificate trust is not judged here: people compare the fingerprint with their organisation's */
  note: string
}

const BYTE_RANGE = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g

/**
 * Check a signed PDF the way a PDF reader does, in Node: find the signature's /ByteRange and
 * /Contents, hash the ranges, compare with the messageDigest the CMS signed, check the CMS
 * signature with the certificate it carries, and check the ranges cover the whole file (nothing
 * appended after signing). Then check the checkpoint the report embeds.
 */
export function verifyPdf(file: string, buf: Buffer, opts: { expectSigner?: string } = {}): PdfVerification {
  const result: PdfVerification = {
    ok: false,
    kind: 'pdf',
    file,
    bytes: buf.length,
    signer: null,
    byteRange: null,
    wholeDocument: false,
    checkpoint: null,
    problem: null,
    note: 'the certificate is not checked against a trust store: compare its fingerprint with the one your organisation publishes'
  }
  const fail = (problem: string): PdfVerification => ({ ...result, ok: false, problem })
  const text = buf.toString('latin1')
  const ranges = [...text.matchAll(BYTE_RANGE)]
  if (ranges.length === 0) return fail(`${file}: the PDF is not signed (it has no signature /ByteRange)`)
  if (ranges.length > 1) return fail(`${file}: the PDF holds ${ranges.length} signatures; a Lastmile report has exactly one (something was added after signing)`)
  const m = ranges[0]
  const br = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])]
  result.byteRange = br
  const [a, b, c, d] = br
  if (a !== 0 || b <= 0 || c <= b || c + d > buf.length) {
    return fail(`${file}: the signature's byte range [${br.join(' ')}] does not fit the file of ${buf.length} bytes (the file was cut or the range altered)`)
  }
  if (c + d !== buf.length) {
    return fail(
      `${file}: the signature covers bytes 0–${c + d - 1} but the file has ${buf.length}: ${buf.length - c - d} bytes were added after signing (an incremental update), so the document as a whole is not what was signed`
    )
  }
  const gap = text.slice(b, c)
  if (!/^<[0-9a-fA-F]+>$/.test(gap)) {
    return fail(`${file}: bytes ${b}–${c - 1}, excluded from the signature, are not the signature value (the byte range was altered)`)
  }
  // The excluded gap must be the /Contents of the dictionary holding this /ByteRange.
  const contentsAt = text.lastIndexOf('/Contents', b)
  if (contentsAt < 0 || contentsAt < text.lastIndexOf('obj', m.index) || text.slice(contentsAt + 9, b).trim() !== '') {
    return fail(`${file}: the bytes excluded from the signature are not its /Contents value (the byte range was altered)`)
  }
  result.wholeDocument = true

  let cmsBytes = Buffer.from(gap.slice(1, -1), 'hex')
  try {
    cmsBytes = cmsBytes.subarray(0, readNode(cmsBytes, 0).end)
  } catch (e) {
    return fail(`${file}: the signature value at bytes ${b}–${c - 1} is not a PKCS#7 signature (${(e as Error).message})`)
  }
  let cms: ReturnType<typeof parseDetachedCms>
  try {
    cms = parseDetachedCms(cmsBytes)
  } catch (e) {
    return fail(`${file}: the signature value at bytes ${b}–${c - 1} cannot be read (${(e as Error).message})`)
  }
  if (cms.signer) {
    result.signer = {
      subject: cms.signer.subject.replace(/\n/g, ', '),
      fingerprint: cms.signer.fingerprint256,
      signingTime: cms.signingTime?.toISOString() ?? null,
      validFrom: new Date(cms.signer.validFrom).toISOString(),
      validTo: new Date(cms.signer.validTo).toISOString()
    }
  }
  const hash = hashNameOf(cms.digestAlgorithm)
  if (!hash) return fail(`${file}: the signature uses a digest algorithm Lastmile does not accept (${cms.digestAlgorithm})`)
  const digest = createHash(hash)
    .update(buf.subarray(a, a + b))
    .update(buf.subarray(c, c + d))
    .digest()
  if (!digest.equals(cms.messageDigest)) {
    return fail(
      `${file}: the document was changed after it was signed: the ${hash.toUpperCase()} of the signed bytes (0–${b - 1} and ${c}–${c + d - 1}) is not the one the signature holds`
    )
  }
  if (!cms.signer) return fail(`${file}: the signature does not carry the certificate that made it`)
  if (!verifyCmsSignature(cms)) {
    return fail(`${file}: the signature does not verify with the certificate it carries (${cms.signer.fingerprint256}): the signature value was altered or made with another key`)
  }
  if (opts.expectSigner && cms.signer.fingerprint256.toUpperCase() !== opts.expectSigner.toUpperCase()) {
    return fail(`${file}: signed by ${result.signer?.subject} (${cms.signer.fingerprint256}), not the expected key ${opts.expectSigner}`)
  }

  const cp = embeddedCheckpoint(buf, text)
  if (cp) {
    const sig = verifySigned(cp.body.signer, checkpointSigningBytes(cp.body), Buffer.from(cp.signature, 'base64'))
    result.checkpoint = {
      number: cp.body.number,
      caseId: cp.body.caseId,
      firstSeq: cp.body.firstSeq,
      lastSeq: cp.body.lastSeq,
      headHash: cp.body.headHash,
      signer: cp.body.signer.fingerprint,
      signatureValid: sig.ok
    }
    if (!sig.ok) return fail(`${file}: the embedded checkpoint ${cp.body.number} does not verify: ${sig.reason}`)
  }
  return { ...result, ok: true }
}

/** The checkpoint attachment (an EmbeddedFile stream holding a Lastmile checkpoint), if any. */
function embeddedCheckpoint(buf: Buffer, text: string): { body: CheckpointBody; signature: string } | null {
  for (const m of text.matchAll(/\/Type \/EmbeddedFile\b/g)) {
    const dictEnd = text.indexOf('>>\nstream\n', m.index)
    if (dictEnd < 0) continue
    const dict = text.slice(text.lastIndexOf('obj', m.index), dictEnd)
    const len = /\/Length (\d+)/.exec(dict)
    if (!len) continue
    const start = dictEnd + '>>\nstream\n'.length
    let raw = buf.subarray(start, start + Number(len[1]))
    try {
      if (/\/Filter \/FlateDecode/.test(dict)) raw = inflateSync(raw)
      const parsed = JSON.parse(raw.toString('utf8')) as CheckpointBody & { signature?: string }
      if (parsed.format !== 'lastmile-checkpoint/1' || typeof parsed.signature !== 'string') continue
      const { signature, ...body } = parsed
      return { body: body as CheckpointBody, signature }
    } catch {
      continue
    }
  }
  return null
}
