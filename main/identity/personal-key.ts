// Where a personal key lives between uses. One file format, two ways to wrap the private half:
// - in the app, sealed by the OS keystore (safeStorage), like the device key and remembered case
//   passphrases: where the keystore would only obfuscate, no personal key is made (fail closed);
// - in the command line, a key file readable only by its owner (0600, like an ssh key), under the
//   user's config folder or at a path given by --person-key / LASTMILE_PERSON_KEY.
// The name is bound to the key when it is made and never changes: a new name is a new key.
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { spkiFingerprint } from '../audit/checkpoint-signer'
import { LastmileError } from '../errors'
import type { KeyStore } from '../platform/ports'
import { personalSignerFromPem, type PersonSigner } from './signer'

const PERSON_KEY_FORMAT = 'lastmile-person-key/1'

interface PersonKeyFile {
  format: typeof PERSON_KEY_FORMAT
  name: string
  osUser: string
  createdAt: string
  publicKey: string
  /** the PKCS#8 PEM of the private key, in a 0600 file (command line) */
  privateKey?: string
  /** the same, sealed by the OS keystore, base64 (app) */
  sealed?: string
}

export interface PersonKeyInfo {
  file: string
  name: string
  osUser: string
  fingerprint: string
  createdAt: string
}

function validName(name: string, where: string): string {
  const n = name.trim()
  if (!n) throw new LastmileError('bad-input', `${where}: a person needs a name`)
  // eslint-disable-next-line no-control-regex -- a name with control characters could forge lines in reports
  if (n.length > 120 || /[\u0000-\u001f\u007f]/.test(n)) throw new LastmileError('bad-input', `${where}: a name is at most 120 characters, with no control characters`)
  return n
}

function readKeyFile(file: string): PersonKeyFile {
  let stored: PersonKeyFile
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as PersonKeyFile
  } catch (e) {
    throw new LastmileError('bad-input', `${file}: the personal signing key file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
  if (stored?.format !== PERSON_KEY_FORMAT || typeof stored.name !== 'string' || typeof stored.publicKey !== 'string') {
    throw new LastmileError('bad-input', `${file}: not a Lastmile personal signing key (format ${JSON.stringify(stored?.format)})`)
  }
  return stored
}

/** The public half of a key file, without unwrapping the private half; null when there is none. */
export function readPersonKeyInfo(file: string): PersonKeyInfo | null {
  if (!existsSync(file)) return null
  const k = readKeyFile(file)
  return { file, name: k.name, osUser: k.osUser, createdAt: k.createdAt, fingerprint: spkiFingerprint(createPublicKey(k.publicKey)) }
}

function writeNew(file: string, record: PersonKeyFile): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.tmp-${process.pid}`
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
  renameSync(tmp, file)
}

function checked(file: string, stored: PersonKeyFile, pem: string, osUser: string): PersonSigner {
  let signer: PersonSigner
  try {
    signer = personalSignerFromPem(pem, stored.name, osUser)
  } catch (e) {
    throw new LastmileError('bad-input', `${file}: the private key cannot be read (${(e as Error).message})`)
  }
  if (signer.id !== spkiFingerprint(createPublicKey(stored.publicKey))) {
    throw new LastmileError('bad-input', `${file}: the private key does not match the public key beside it (the file was altered)`)
  }
  return signer
}

/**
 * The command line's personal key: read from `file`, or made there on first use for `name`.
 * A file that others can read is refused (as ssh refuses it): anyone who can read it can sign as you.
 */
export function personKeyFromFile(file: string, opts: { name: string | null; osUser: string; now: () => string }): PersonSigner {
  if (existsSync(file)) {
    const st = lstatSync(file)
    if (!st.isFile()) throw new LastmileError('bad-input', `${file}: the personal signing key is not a regular file`)
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new LastmileError('bad-input', `${file}: the personal signing key can be read by other users (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 on it`)
    }
    const stored = readKeyFile(file)
    if (typeof stored.privateKey !== 'string')
      throw new LastmileError('bad-input', `${file}: this key is sealed by the desktop app's OS keystore; the command line needs its own key file`)
    if (opts.name !== null && opts.name.trim() !== stored.name) {
      throw new LastmileError(
        'bad-input',
        `--as ${opts.name.trim()}: the personal key ${file} is bound to "${stored.name}"; a name is bound to its key once (use another key file, --person-key F, to act as someone else)`
      )
    }
    return checked(file, stored, stored.privateKey, opts.osUser)
  }
  const name = validName(opts.name ?? opts.osUser, file)
  const pair = generateKeyPairSync('ed25519')
  const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  writeNew(file, {
    format: PERSON_KEY_FORMAT,
    name,
    osUser: opts.osUser,
    createdAt: opts.now(),
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: pem
  })
  return personalSignerFromPem(pem, name, opts.osUser)
}

/**
 * The app's personal key, sealed by the OS keystore: unsealed from `file`, or made there on first
 * use for `name`. Fails closed, like the device key: a keystore that cannot unseal it is an error,
 * never a silently new identity.
 */
export function sealedPersonKey(file: string, keystore: KeyStore, opts: { name: string; osUser: string; now: () => string; create: boolean }): PersonSigner | null {
  if (!keystore.isSecure()) {
    throw new LastmileError(
      'unavailable',
      `this machine's keystore is "${keystore.backend()}", which does not protect secrets, so no personal signing key can be kept here; decisions cannot be signed on this machine`
    )
  }
  if (existsSync(file)) {
    const stored = readKeyFile(file)
    if (typeof stored.sealed !== 'string') throw new LastmileError('unavailable', `${file}: the personal signing key is not sealed by the OS keystore`)
    let pem: string
    try {
      pem = keystore.decrypt(Buffer.from(stored.sealed, 'base64'))
    } catch {
      throw new LastmileError(
        'unavailable',
        `${file}: the OS keystore could not unseal your personal signing key; decisions cannot be signed until it can (a new key would be a new person)`
      )
    }
    return checked(file, stored, pem, stored.osUser)
  }
  if (!opts.create) return null
  const name = validName(opts.name, 'your name')
  const pair = generateKeyPairSync('ed25519')
  const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  writeNew(file, {
    format: PERSON_KEY_FORMAT,
    name,
    osUser: opts.osUser,
    createdAt: opts.now(),
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sealed: keystore.encrypt(pem).toString('base64')
  })
  return personalSignerFromPem(pem, name, opts.osUser)
}
