import { X509Certificate, createHash, verify as cryptoVerify } from 'node:crypto'
import type { CertificateSigningKey } from '../audit/checkpoint-signer'
import { LastmileError } from '../errors'
import * as der from './der'

// A detached CMS (PKCS#7) SignedData, as a PDF signature of SubFilter adbe.pkcs7.detached holds
// (ISO 32000-1 §12.8.3.3; RFC 5652). Built here rather than by @signpdf/signer-p12 so that the
// same PKCS#12 reading serves checkpoints and PDFs, EC certificates work as well as RSA, and the
// document is hashed by node:crypto instead of forge's JavaScript SHA-256.

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47'
} as const

const HASH_OF_OID: Record<string, string> = { [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' }

/** The issuer Name and serialNumber INTEGER of a certificate, as raw DER (they identify the signer). */
function issuerAndSerial(certDer: Buffer): { issuer: Buffer; serial: Buffer } {
  const cert = der.readNode(certDer, 0)
  const tbs = der.children(certDer, cert)[0]
  const parts = der.children(certDer, tbs)
  const i = parts[0].tag === 0xa0 ? 1 : 0
  return { serial: der.whole(certDer, parts[i]), issuer: der.whole(certDer, parts[i + 2]) }
}

/**
 * Sign `digest` (SHA-256 of the signed byte ranges) with a PKCS#12 key. The signed attributes
 * are contentType, signingTime, messageDigest and ESS signing-certificate-v2 (which binds the
 * signer's certificate into what is signed, as PAdES asks).
 */
export function buildDetachedCms(digest: Buffer, key: CertificateSigningKey, signingTime: Date): Buffer {
  const algo = key.descriptor.algorithm
  if (algo === 'ed25519') {
    throw new LastmileError('bad-input', 'PDF signatures need an RSA or EC certificate; this PKCS#12 file holds an Ed25519 key')
  }
  const leaf = key.chain[0]
  const certHash = createHash('sha256').update(leaf).digest()
  const { issuer, serial } = issuerAndSerial(leaf)
  const sha256Alg = der.seq(der.oid(OID.sha256), der.nul())
  const attrs = [
    der.seq(der.oid(OID.contentType), der.setOf(der.oid(OID.data))),
    der.seq(der.oid(OID.signingTime), der.setOf(der.time(signingTime))),
    der.seq(der.oid(OID.messageDigest), der.setOf(der.octets(digest))),
    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 with the default (SHA-256) hash algorithm omitted.
    der.seq(der.oid(OID.signingCertificateV2), der.setOf(der.seq(der.seq(der.seq(der.octets(certHash))))))
  ]
  // What is signed is the DER of the attributes as a SET OF; what is stored is the same bytes tagged [0].
  const signedSet = der.setOf(...attrs)
  const signature = key.sign(signedSet)
  const signedAttrs = Buffer.concat([Buffer.from([0xa0]), signedSet.subarray(1)])
  const sigAlg = algo === 'rsa-sha256' ? der.seq(der.oid(OID.rsaEncryption), der.nul()) : der.seq(der.oid(OID.ecdsaWithSHA256))
  const signerInfo = der.seq(der.integer(1), der.seq(issuer, serial), sha256Alg, signedAttrs, sigAlg, der.octets(signature))
  const certificates = der.encode(0xa0, key.chain)
  const signedData = der.seq(der.integer(1), der.setOf(sha256Alg), der.seq(der.oid(OID.data)), certificates, der.setOf(signerInfo))
  return der.seq(der.oid(OID.signedData), der.explicit(0, signedData))
}

export interface ParsedCms {
  digestAlgorithm: string
  messageDigest: Buffer
  signingTime: Date | null
  signatureAlgorithm: string
  signature: Buffer
  /** the signed attributes re-tagged as the SET OF that was signed */
  signedAttributes: Buffer
  certificates: X509Certificate[]
  signer: X509Certificate | null
}

/** Read a detached SignedData; throws DerError/Error with a reason on anything malformed. */
export function parseDetachedCms(buf: Buffer): ParsedCms {
  const ci = der.expectTag(der.readNode(buf, 0), der.TAG.SEQUENCE, 'ContentInfo')
  const [ctype, wrapped] = der.children(buf, ci)
  if (der.decodeOid(der.content(buf, der.expectTag(ctype, der.TAG.OID, 'contentType'))) !== OID.signedData) throw new Error('not a CMS SignedData')
  const sd = der.children(buf, der.expectTag(wrapped, 0xa0, 'content'))[0]
  const fields = der.children(buf, der.expectTag(sd, der.TAG.SEQUENCE, 'SignedData'))
  const certNode = fields.find((f) => f.tag === 0xa0)
  const certificates = certNode ? der.children(buf, certNode).map((c) => new X509Certificate(der.whole(buf, c))) : []
  const signerInfos = der.children(buf, der.expectTag(fields[fields.length - 1], der.TAG.SET, 'signerInfos'))
  if (signerInfos.length !== 1) throw new Error(`expected one signer, found ${signerInfos.length}`)
  const si = der.children(buf, signerInfos[0])
  // version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature
  const sid = si[1]
  const digestAlgorithm = der.decodeOid(der.content(buf, der.children(buf, si[2])[0]))
  const attrsNode = der.expectTag(si[3], 0xa0, 'signedAttrs')
  const signatureAlgorithm = der.decodeOid(der.content(buf, der.children(buf, si[4])[0]))
  const signature = der.content(buf, der.expectTag(si[5], der.TAG.OCTET_STRING, 'signature'))
  let messageDigest: Buffer | null = null
  let signingTime: Date | null = null
  for (const attr of der.children(buf, attrsNode)) {
    const [type, values] = der.children(buf, attr)
    const id = der.decodeOid(der.content(buf, type))
    const first = der.children(buf, values)[0]
    if (id === OID.messageDigest) messageDigest = Buffer.from(der.content(buf, first))
    if (id === OID.signingTime) signingTime = der.decodeTime(first, buf)
  }
  if (!messageDigest) throw new Error('the signature has no messageDigest attribute')
  const signedAttributes = Buffer.from(der.whole(buf, attrsNode))
  signedAttributes[0] = der.TAG.SET
  let signer: X509Certificate | null = null
  if (sid.tag === der.TAG.SEQUENCE) {
    const [issuerNode, serialNode] = der.children(buf, sid)
    const issuer = der.whole(buf, issuerNode)
    const serial = der.whole(buf, serialNode)
    signer =
      certificates.find((c) => {
        const ids = issuerAndSerial(c.raw)
        return ids.issuer.equals(issuer) && ids.serial.equals(serial)
      }) ?? null
  }
  return { digestAlgorithm, messageDigest, signingTime, signatureAlgorithm, signature: Buffer.from(signature), signedAttributes, certificates, signer }
}

export function hashNameOf(oid: string): string | null {
  return HASH_OF_OID[oid] ?? null
}

/** Verify the signer's signature over the signed attributes. */
export function verifyCmsSignature(p: ParsedCms): boolean {
  if (!p.signer) return false
  const hash = hashNameOf(p.digestAlgorithm)
  if (!hash) return false
  const key = p.signer.publicKey
  try {
    if (key.asymmetricKeyType === 'ec') return cryptoVerify(hash, p.signedAttributes, { key, dsaEncoding: 'der' }, p.signature)
    if (key.asymmetricKeyType === 'rsa') return cryptoVerify(hash, p.signedAttributes, key, p.signature)
    return false
  } catch {
    return false
  }
}
