import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify, createHash, type KeyObject } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { LastmileError } from '../errors'
import type { KeyStore } from '../platform/ports'

/**
 * Who signed a checkpoint (or a case file's manifest), carried inside what is signed so that a
 * verifier needs nothing but the file: the certificate itself, or the device's public key. The
 * fingerprint is what a person compares with the one their organisation publishes.
 */
export interface SignerDescriptor {
  /** 'person': a person's own Ed25519 key (main/identity), verified like the device key */
  kind: 'pkcs12' | 'device' | 'person'
  algorithm: SignatureAlgorithm
  /** SHA-256 of the certificate's DER (pkcs12) or of the public key's SPKI DER (device), `AB:CD:…` */
  fingerprint: string
  /** the certificate's subject (pkcs12), or `device key` */
  subject: string
  /** PEM of the signing certificate (pkcs12) */
  certificate?: string
  /** PEM (SPKI) of the device's public key (device) */
  publicKey?: string
}

export type SignatureAlgorithm = 'rsa-sha256' | 'ecdsa-sha256' | 'ed25519'

/** A private key ready to sign, with the descriptor of its public half. */
export interface SigningKey {
  descriptor: SignerDescriptor
  sign(data: Buffer): Buffer
}

/** A PKCS#12 signing key: also what the PDF signature needs (the certificate chain). */
export interface CertificateSigningKey extends SigningKey {
  privateKey: KeyObject
  certificate: X509Certificate
  /** every certificate in the file, the signer's first (DER) */
  chain: Buffer[]
}

/** `AB:CD:…` — the form openssl and X509Certificate print. */
function colonHex(digest: Buffer): string {
  return digest.toString('hex').toUpperCase().match(/../g)!.join(':')
}

export function spkiFingerprint(key: KeyObject): string {
  return colonHex(
    createHash('sha256')
      .update(key.export({ type: 'spki', format: 'der' }))
      .digest()
  )
}

export function algorithmOf(key: KeyObject, where: string): SignatureAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'rsa-sha256'
    case 'ec':
      return 'ecdsa-sha256'
    case 'ed25519':
      return 'ed25519'
    default:
      throw new LastmileError('bad-input', `${where}: the key is of type ${key.asymmetricKeyType ?? 'unknown'}; Lastmile signs with RSA, EC or Ed25519 keys`)
  }
}

export function signWith(algorithm: SignatureAlgorithm, key: KeyObject, data: Buffer): Buffer {
  if (algorithm === 'ed25519') return cryptoSign(null, data, key)
  if (algorithm === 'ecdsa-sha256') return cryptoSign('sha256', data, { key, dsaEncoding: 'der' })
  return cryptoSign('sha256', data, key)
}

function verifyWith(algorithm: SignatureAlgorithm, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    if (algorithm === 'ed25519') return cryptoVerify(null, data, key, signature)
    if (algorithm === 'ecdsa-sha256') return cryptoVerify('sha256', data, { key, dsaEncoding: 'der' }, signature)
    return cryptoVerify('sha256', data, key, signature)
  } catch {
    return false
  }
}

// ---- the device key -------------------------------------------------------------------------

interface DeviceKeyFile {
  format: 'lastmile-device-key/1'
  publicKey: string
  /** the PKCS#8 PEM of the private key, sealed by the OS keystore, base64 */
  sealed: string
  createdAt: string
}

export const DEVICE_KEY_FILE = 'device-signing-key.json'

/**
 * The Ed25519 key this machine signs with when no certificate is chosen. Its private half exists
 * on disk only sealed by the OS keystore; where the keystore would merely obfuscate (Linux
 * `basic_text`) or is absent, there is no device key and a certificate must be chosen — the same
 * rule as remembering a case passphrase.
 */
export function deviceSigningKey(dataDir: string, keystore: KeyStore, now: () => string): SigningKey {
  if (!keystore.isSecure()) {
    throw new LastmileError(
      'unavailable',
      `this machine's keystore is "${keystore.backend()}", which does not protect secrets, so there is no device signing key; choose a PKCS#12 signing certificate instead`
    )
  }
  const file = join(dataDir, DEVICE_KEY_FILE)
  let privateKey: KeyObject
  let publicKey: KeyObject
  if (existsSync(file)) {
    let stored: DeviceKeyFile
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as DeviceKeyFile
      if (stored.format !== 'lastmile-device-key/1') throw new Error(`unknown format ${String(stored.format)}`)
    } catch (e) {
      throw new LastmileError(
        'unavailable',
        `${file}: the device signing key file is damaged (${(e as Error).message}); remove it to make a new key, or choose a PKCS#12 certificate`
      )
    }
    let pem: string
    try {
      pem = keystore.decrypt(Buffer.from(stored.sealed, 'base64'))
    } catch {
      // Fail closed: a keystore that changed must not lead to a silently new identity.
      throw new LastmileError('unavailable', `${file}: the OS keystore could not unseal the device signing key; choose a PKCS#12 certificate, or remove the file to make a new key`)
    }
    privateKey = createPrivateKey(pem)
    publicKey = createPublicKey(stored.publicKey)
    if (
      !createPublicKey(privateKey)
        .export({ type: 'spki', format: 'der' })
        .equals(publicKey.export({ type: 'spki', format: 'der' }))
    ) {
      throw new LastmileError('unavailable', `${file}: the sealed device key does not match its public key (the file was altered)`)
    }
  } else {
    const pair = generateKeyPairSync('ed25519')
    privateKey = pair.privateKey
    publicKey = pair.publicKey
    const record: DeviceKeyFile = {
      format: 'lastmile-device-key/1',
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      sealed: keystore.encrypt(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()).toString('base64'),
      createdAt: now()
    }
    mkdirSync(dirname(file), { recursive: true })
    const tmp = `${file}.tmp-${process.pid}`
    writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 })
    renameSync(tmp, file)
  }
  const descriptor: SignerDescriptor = {
    kind: 'device',
    algorithm: 'ed25519',
    fingerprint: spkiFingerprint(publicKey),
    subject: 'device key',
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString()
  }
  return { descriptor, sign: (data) => signWith('ed25519', privateKey, data) }
}

/**
 * The public half of this machine's device key, read without making one and without unsealing
 * the private half (for Settings): null when no key has been made yet. A damaged file throws.
 */
export function readDevicePublicKey(dataDir: string): { file: string; fingerprint: string; createdAt: string } | null {
  const file = join(dataDir, DEVICE_KEY_FILE)
  if (!existsSync(file)) return null
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as DeviceKeyFile
    if (stored.format !== 'lastmile-device-key/1') throw new Error(`unknown format ${String(stored.format)}`)
    return { file, fingerprint: spkiFingerprint(createPublicKey(stored.publicKey)), createdAt: String(stored.createdAt) }
  } catch (e) {
    throw new LastmileError(
      'unavailable',
      `${file}: the device signing key file is damaged (${(e as Error).message}); remove it to make a new key, or choose a PKCS#12 certificate`
    )
  }
}

/**
 * This machine's device key fingerprint, for pinning what it sealed (the trail's head): undefined
 * when there is no key yet, or its file is damaged (then nothing is pinned; the seal is still checked).
 */
export function thisDeviceFingerprint(dataDir: string): string | undefined {
  try {
    return readDevicePublicKey(dataDir)?.fingerprint
  } catch {
    return undefined
  }
}

// ---- verification ---------------------------------------------------------------------------

export type SignatureCheck = { ok: true } | { ok: false; reason: string }

/**
 * Check `signature` over `data` with the key the descriptor names, after checking the descriptor
 * is self-consistent (its fingerprint is that of its certificate or public key).
 */
export function verifySigned(descriptor: SignerDescriptor, data: Buffer, signature: Buffer): SignatureCheck {
  let key: KeyObject
  let fingerprint: string
  try {
    if (descriptor.kind === 'pkcs12') {
      if (!descriptor.certificate) return { ok: false, reason: 'the signer names no certificate' }
      const cert = new X509Certificate(descriptor.certificate)
      key = cert.publicKey
      fingerprint = cert.fingerprint256
    } else if (descriptor.kind === 'device' || descriptor.kind === 'person') {
      if (!descriptor.publicKey) return { ok: false, reason: 'the signer names no public key' }
      key = createPublicKey(descriptor.publicKey)
      fingerprint = spkiFingerprint(key)
    } else {
      return { ok: false, reason: `unknown signer kind ${JSON.stringify((descriptor as { kind: unknown }).kind)}` }
    }
  } catch (e) {
    return { ok: false, reason: `the signer's certificate or key cannot be read (${(e as Error).message})` }
  }
  if (fingerprint !== descriptor.fingerprint) {
    return { ok: false, reason: `the signer's fingerprint ${descriptor.fingerprint} is not that of the key it carries (${fingerprint})` }
  }
  let expected: SignatureAlgorithm
  try {
    expected = algorithmOf(key, 'signer')
  } catch (e) {
    return { ok: false, reason: (e as Error).message }
  }
  if (expected !== descriptor.algorithm) return { ok: false, reason: `the signer claims ${descriptor.algorithm} but its key is ${expected}` }
  if (!verifyWith(descriptor.algorithm, key, data, signature)) {
    return { ok: false, reason: `the signature does not verify with the key it names (${descriptor.fingerprint}): it was made with another key, or what it covers was changed` }
  }
  return { ok: true }
}

/** Only what a reader needs to recognise a signer (no PEM blocks). */
export function signerSummary(d: SignerDescriptor): { kind: SignerDescriptor['kind']; algorithm: SignatureAlgorithm; fingerprint: string; subject: string } {
  return { kind: d.kind, algorithm: d.algorithm, fingerprint: d.fingerprint, subject: d.subject }
}
