import { generateKeyPairSync, randomBytes } from 'node:crypto'
import forge from 'node-forge'

export interface DemoCertificate {
  /** the PKCS#12 file's bytes */
  p12: Buffer
  passphrase: string
  commonName: string
}

/**
 * A throw-away, self-signed signing certificate for `lastmile demo`, made on the spot so the demo
 * signs its report and case file the way a real organisation would — and named so that nobody
 * can mistake it for one. Made in-process (the key by node:crypto, the certificate and PKCS#12 by
 * node-forge): an analyst's workstation cannot be assumed to have openssl.
 */
export function makeDemoCertificate(now: Date): DemoCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString())
  // A positive serial: the first byte's high bit clear (DER INTEGER).
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`
  cert.validity.notBefore = new Date(now.getTime() - 60_000)
  cert.validity.notAfter = new Date(now.getTime() + 30 * 24 * 3600_000)
  const commonName = 'Lastmile DEMO signer - not for production'
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'Lastmile demo (self-signed, throw-away)' },
    { name: 'countryName', value: 'DE' }
  ]
  cert.setSubject(subject)
  cert.setIssuer(subject)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true }
  ])
  cert.sign(key, forge.md.sha256.create())
  const passphrase = randomBytes(12).toString('base64url')
  const asn = forge.pkcs12.toPkcs12Asn1(key, cert, passphrase, { algorithm: '3des', friendlyName: commonName })
  return { p12: Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary'), passphrase, commonName }
}
