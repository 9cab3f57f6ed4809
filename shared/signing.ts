// What signs this machine's exports, as Settings shows it (signing.* calls): the device key and
// the organisation's PKCS#12 certificate remembered by path. Never a passphrase, never a private
// key. Types only: no Node built-ins, no Electron, no DOM.
import type { ChosenPath } from './model'

/** The Ed25519 key this machine signs checkpoints and case files with when no certificate is given. */
export interface DeviceKeyInfo {
  /**
   * ready: made and usable; not-created: made on the first checkpoint or case file signed without a
   * certificate; unavailable: the OS keystore does not protect secrets, so there is none; damaged:
   * the key file cannot be read
   */
  status: 'ready' | 'not-created' | 'unavailable' | 'damaged'
  algorithm: 'ed25519'
  /** SHA-256 of the public key (SPKI DER), AB:CD:…; null until the key exists */
  fingerprint: string | null
  createdAt: string | null
  /** the key file in the app data folder */
  file: string
  /** the OS keystore that seals the private half */
  keystore: string
  /** for unavailable and damaged: what is wrong and what to do, one sentence */
  problem: string | null
}

export interface SigningSettings {
  deviceKey: DeviceKeyInfo
  /** the organisation's PKCS#12 certificate remembered on this machine (its path only) */
  certificate: {
    path: string
    exists: boolean
    /** main offers it to sign with (sign.p12Path takes its token); null when the file is missing */
    file: ChosenPath | null
  } | null
}

/** `signing.inspect`: what a PKCS#12 file holds, read with its passphrase (which is not kept). */
export interface CertificateInspection {
  path: string
  subject: string
  issuer: string
  selfSigned: boolean
  /** hex, as openssl prints it */
  serialNumber: string
  /** ISO-8601 */
  validFrom: string
  validTo: string
  /** SHA-256 of the certificate (DER), AB:CD:… — what the organisation publishes */
  fingerprint: string
  /** e.g. `RSA 2048-bit`, `EC P-256`, `Ed25519` */
  keyAlgorithm: string
  signatureAlgorithm: 'rsa-sha256' | 'ecdsa-sha256' | 'ed25519'
  /** the key usages the certificate names (digitalSignature, keyCertSign…); null when it names none */
  keyUsage: string[] | null
  /** certificates in the file, the signer's included */
  certificates: number
  /** valid now: after validFrom and before validTo */
  current: boolean
  /** the key signs and the certificate allows signing */
  canSign: boolean
  /** sentences for people: expired, not valid yet, cannot sign */
  warnings: string[]
}
