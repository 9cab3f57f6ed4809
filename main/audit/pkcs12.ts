// Signing certificates from PKCS#12 (.p12/.pfx) files, apart from checkpoint-signer.ts: node-forge
// (~45 modules) is loaded only where a certificate is opened, not by every module that seals or
// verifies the audit trail (each worker thread that opens a case loaded it: ~0.15 s of CPU under
// tsx, per worker start).
//
// node-forge ships no types, and @types/node-forge is not installed: the declaration of the part
// used here must travel with this file, so that any program including it compiles (the contract
// compile test builds a program from a single file).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../export/node-forge.d.ts" />
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import forge from 'node-forge'
import { LastmileError, fsReason } from '../errors'
import { algorithmOf, signWith, type CertificateSigningKey, type SignerDescriptor } from './checkpoint-signer'

const bytes = (s: string): Buffer => Buffer.from(s, 'binary')

/**
 * Open a PKCS#12 (.p12/.pfx) file: node:crypto cannot read the container, so node-forge decrypts
 * it, and the key and certificates continue as node:crypto objects (RSA, EC and Ed25519 alike).
 */
export function loadPkcs12(path: string, passphrase: string): CertificateSigningKey {
  let raw: Buffer
  try {
    raw = readFileSync(path)
  } catch (e) {
    throw new LastmileError('bad-input', `${path}: cannot read the signing certificate: ${fsReason(e)}`)
  }
  let pfx: forge.Pkcs12Pfx
  try {
    const asn = forge.asn1.fromDer(forge.util.createBuffer(raw.toString('binary')))
    pfx = forge.pkcs12.pkcs12FromAsn1(asn, false, passphrase)
  } catch (e) {
    const msg = (e as Error).message ?? ''
    if (/MAC could not be verified|Invalid password|wrong password/i.test(msg)) {
      throw new LastmileError('bad-input', `${path}: the passphrase of the signing certificate is wrong`)
    }
    // node-forge's ASN.1 complaint ("Too few bytes to read ASN.1 value") tells a person nothing
    throw new LastmileError(
      'bad-input',
      `${path}: not a PKCS#12 (.p12/.pfx) signing certificate; export the certificate with its private key from your certificate store as .p12 or .pfx`
    )
  }
  const oids = forge.pki.oids
  const keyBags = [...(pfx.getBags({ bagType: oids.pkcs8ShroudedKeyBag })[oids.pkcs8ShroudedKeyBag] ?? []), ...(pfx.getBags({ bagType: oids.keyBag })[oids.keyBag] ?? [])]
  if (keyBags.length === 0) throw new LastmileError('bad-input', `${path}: the PKCS#12 file holds no private key, so nothing can be signed with it`)
  const keyBag = keyBags[0]
  const pkcs8 = keyBag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key)) : keyBag.asn1
  if (!pkcs8) throw new LastmileError('bad-input', `${path}: the private key in the PKCS#12 file cannot be read`)
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey({ key: bytes(forge.asn1.toDer(pkcs8).getBytes()), format: 'der', type: 'pkcs8' })
  } catch (e) {
    throw new LastmileError('bad-input', `${path}: the private key in the PKCS#12 file cannot be read (${(e as Error).message})`)
  }
  const certs: X509Certificate[] = []
  for (const bag of pfx.getBags({ bagType: oids.certBag })[oids.certBag] ?? []) {
    const asn = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1
    if (asn) certs.push(new X509Certificate(bytes(forge.asn1.toDer(asn).getBytes())))
  }
  const publicDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' })
  const leaf = certs.find((c) => c.publicKey.export({ type: 'spki', format: 'der' }).equals(publicDer))
  if (!leaf) throw new LastmileError('bad-input', `${path}: no certificate in the PKCS#12 file matches its private key`)
  const algorithm = algorithmOf(privateKey, path)
  const descriptor: SignerDescriptor = {
    kind: 'pkcs12',
    algorithm,
    fingerprint: leaf.fingerprint256,
    subject: leaf.subject.replace(/\n/g, ', '),
    certificate: leaf.toString()
  }
  return {
    descriptor,
    privateKey,
    certificate: leaf,
    chain: [leaf.raw, ...certs.filter((c) => c !== leaf).map((c) => c.raw)],
    sign: (data) => signWith(algorithm, privateKey, data)
  }
}
