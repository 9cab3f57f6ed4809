// What signs this machine's exports, for Settings: the device key (read, never made here) and the
// organisation's PKCS#12 certificate, remembered by its path only — its passphrase is asked for
// at each use and never stored, so a stolen laptop's app data holds no way to sign.
import { randomBytes, type KeyObject, type X509Certificate } from 'node:crypto'
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { CertificateInspection, DeviceKeyInfo, SigningSettings } from '../../shared/signing'
import { DEVICE_KEY_FILE, readDevicePublicKey, verifySigned } from '../audit/checkpoint-signer'
import { loadPkcs12 } from '../audit/pkcs12'
import { LastmileError, fsReason } from '../errors'
import type { KeyStore } from '../platform/ports'
import { JsonStore } from '../services/json-store'
import * as der from './der'

export const SIGNING_SETTINGS_FILE = 'signing-certificate.json'

interface Stored {
  certificatePath: string | null
}

export class SigningSettingsStore {
  private readonly store: JsonStore<Stored>

  constructor(
    private readonly dataDir: string,
    private readonly keystore: KeyStore
  ) {
    this.store = new JsonStore(join(dataDir, SIGNING_SETTINGS_FILE), () => ({ certificatePath: null }))
  }

  settings(): SigningSettings {
    const path = this.certificatePath()
    return { deviceKey: deviceKeyInfo(this.dataDir, this.keystore), certificate: path ? { path, exists: isFile(path), file: null } : null }
  }

  /** The remembered certificate's path, or null. */
  certificatePath(): string | null {
    const p = this.store.read().certificatePath
    return typeof p === 'string' && p ? p : null
  }

  /** Remember a certificate file (checked to exist and to look like PKCS#12), or forget it (null). */
  setCertificate(path: string | null): SigningSettings {
    if (path === null) {
      this.store.write({ certificatePath: null })
      return this.settings()
    }
    const abs = resolve(path)
    checkCertificateFile(abs)
    this.store.write({ certificatePath: abs })
    return this.settings()
  }
}

function deviceKeyInfo(dataDir: string, keystore: KeyStore): DeviceKeyInfo {
  const base = { algorithm: 'ed25519' as const, file: join(dataDir, DEVICE_KEY_FILE), keystore: keystore.backend() }
  let key: ReturnType<typeof readDevicePublicKey>
  try {
    key = readDevicePublicKey(dataDir)
  } catch (e) {
    return { ...base, status: 'damaged', fingerprint: null, createdAt: null, problem: (e as Error).message }
  }
  if (!keystore.isSecure()) {
    // The same rule as deviceSigningKey: without a keystore that protects secrets, no device key is used.
    return {
      ...base,
      status: 'unavailable',
      fingerprint: key?.fingerprint ?? null,
      createdAt: key?.createdAt ?? null,
      problem: `This machine's keystore (${keystore.backend()}) does not protect secrets, so there is no device signing key: every checkpoint and case file needs a PKCS#12 certificate.`
    }
  }
  return key
    ? { ...base, status: 'ready', fingerprint: key.fingerprint, createdAt: key.createdAt, problem: null }
    : { ...base, status: 'not-created', fingerprint: null, createdAt: null, problem: null }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** A clear sentence for a path that cannot be a certificate file: missing, a folder, not DER. */
function checkCertificateFile(abs: string): void {
  let st
  try {
    st = statSync(abs)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new LastmileError('not-found', `${abs}: there is no such file; choose your organisation's .p12 or .pfx signing certificate`)
    throw new LastmileError('bad-input', `${abs}: the signing certificate cannot be read: ${fsReason(e)}`)
  }
  if (!st.isFile()) throw new LastmileError('bad-input', `${abs}: this is a folder, not a signing certificate file; choose the .p12 or .pfx file itself`)
  // A PKCS#12 file is DER: it starts with a SEQUENCE. Without the passphrase this is all that can be checked.
  const head = Buffer.alloc(1)
  let fd: number
  try {
    fd = openSync(abs, 'r')
  } catch (e) {
    throw new LastmileError('bad-input', `${abs}: the signing certificate cannot be read: ${fsReason(e)}`)
  }
  try {
    if (readSync(fd, head, 0, 1, 0) !== 1 || head[0] !== der.TAG.SEQUENCE) {
      throw new LastmileError('bad-input', `${abs}: not a PKCS#12 (.p12/.pfx) signing certificate; a PEM or text file cannot sign`)
    }
  } finally {
    closeSync(fd)
  }
}

/**
 * Open a PKCS#12 file with its passphrase and describe its certificate: who it names, who issued
 * it, when it is valid, its fingerprint and key, and whether it can sign now. The passphrase is
 * used for this call only.
 */
export function inspectCertificate(path: string, passphrase: string, now: Date = new Date()): CertificateInspection {
  const abs = resolve(path)
  checkCertificateFile(abs)
  const key = loadPkcs12(abs, passphrase)
  const cert = key.certificate
  const validFrom = new Date(cert.validFrom)
  const validTo = new Date(cert.validTo)
  const subject = oneLine(cert.subject)
  const issuer = oneLine(cert.issuer)
  const keyUsage = keyUsageOf(cert)
  const warnings: string[] = []
  const day = (d: Date): string => d.toISOString().slice(0, 10)
  if (now < validFrom) warnings.push(`The certificate is not valid yet: it becomes valid on ${day(validFrom)}; a signature made before then is reported as invalid.`)
  if (now > validTo)
    warnings.push(`The certificate expired on ${day(validTo)}: what it signs now is reported as signed with an expired certificate; ask your organisation for a new one.`)
  const usageAllows = keyUsage === null || keyUsage.includes('digitalSignature') || keyUsage.includes('nonRepudiation')
  if (!usageAllows) warnings.push(`The certificate cannot sign: its key usage allows only ${keyUsage!.join(', ')}, not digital signatures; verifiers reject what it signs.`)
  // Sign and verify a random message: proves the key in the file matches its certificate and works.
  const probe = randomBytes(32)
  const signs = verifySigned(key.descriptor, probe, key.sign(probe)).ok
  if (!signs) warnings.push('The certificate cannot sign: a test signature with its private key does not verify with the certificate.')
  return {
    path: abs,
    subject,
    issuer,
    selfSigned: cert.checkIssued(cert),
    serialNumber: cert.serialNumber.toUpperCase(),
    validFrom: validFrom.toISOString(),
    validTo: validTo.toISOString(),
    fingerprint: cert.fingerprint256,
    keyAlgorithm: describeKey(cert.publicKey),
    signatureAlgorithm: key.descriptor.algorithm,
    keyUsage,
    certificates: key.chain.length,
    current: now >= validFrom && now <= validTo,
    canSign: usageAllows && signs,
    warnings
  }
}

const oneLine = (name: string): string => name.split('\n').filter(Boolean).join(', ')

function describeKey(key: KeyObject): string {
  const d = key.asymmetricKeyDetails ?? {}
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `RSA ${d.modulusLength ?? '?'}-bit`
    case 'ec':
      return `EC ${CURVES[d.namedCurve ?? ''] ?? d.namedCurve ?? '?'}`
    case 'ed25519':
      return 'Ed25519'
    default:
      return key.asymmetricKeyType ?? 'unknown'
  }
}

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }

/** RFC 5280 §4.2.1.3, in bit order. */
const KEY_USAGE = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly']
const KEY_USAGE_OID = '2.5.29.15'

/**
 * The key usage extension's bits by name, or null when the certificate has none (then any use is
 * allowed). node:crypto does not expose it (X509Certificate.keyUsage is the *extended* key usage).
 */
function keyUsageOf(cert: X509Certificate): string[] | null {
  const buf = cert.raw
  const tbs = der.children(buf, der.readNode(buf, 0))[0]
  if (!tbs) return null
  const extensions = der.children(buf, tbs).find((n) => n.tag === 0xa3)
  if (!extensions) return null
  const list = der.children(buf, extensions)[0]
  if (!list) return null
  for (const ext of der.children(buf, list)) {
    const [id, ...rest] = der.children(buf, ext)
    if (!id || id.tag !== der.TAG.OID || der.decodeOid(der.content(buf, id)) !== KEY_USAGE_OID) continue
    const value = rest[rest.length - 1]
    if (!value || value.tag !== der.TAG.OCTET_STRING) return null
    const inner = der.content(buf, value)
    const bits = der.readNode(inner, 0)
    if (bits.tag !== der.TAG.BIT_STRING) return null
    const bytes = der.content(inner, bits).subarray(1) // the first byte counts the unused bits
    return KEY_USAGE.filter((_, i) => (bytes[i >> 3] ?? 0) & (0x80 >> (i & 7)))
  }
  return null
}
