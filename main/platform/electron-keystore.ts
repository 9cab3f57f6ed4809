// The OS keystore behind "remember the passphrase on this machine": Electron's safeStorage
// (macOS Keychain, Windows DPAPI, Linux Secret Service or KWallet).
//
// On Linux, when no secret service is found, Chromium falls back to `basic_text`: it "encrypts"
// with a fixed, public password, and safeStorage.isEncryptionAvailable() still says true. A
// passphrase stored that way is readable by anything that can read the user's files, so that
// backend (and any backend we do not know) counts as insecure and we refuse to remember.
import type { SafeStorage } from 'electron'
import type { KeyStore } from './ports'

/** Linux backends that keep the key in a real secret store. */
const SECURE_LINUX_BACKENDS: ReadonlySet<string> = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'])

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>

/** The backend's name, as shown in Settings and in refusals. */
export function keystoreBackend(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string {
  switch (platform) {
    case 'linux':
      // 'unknown' before app 'ready'; main/index.ts builds the keystore after ready.
      return safeStorage.getSelectedStorageBackend()
    case 'darwin':
      return 'keychain'
    case 'win32':
      return 'dpapi'
    default:
      return 'unknown'
  }
}

/** Does this backend really protect a secret at rest? */
export function isSecureBackend(backend: string, platform: NodeJS.Platform): boolean {
  if (platform === 'darwin') return backend === 'keychain'
  if (platform === 'win32') return backend === 'dpapi'
  if (platform === 'linux') return SECURE_LINUX_BACKENDS.has(backend)
  return false
}

/**
 * A KeyStore over safeStorage. Every operation re-checks the backend, so a keystore that becomes
 * insecure (e.g. the app restarted with --password-store=basic) fails closed.
 */
export function createSafeStorageKeyStore(safeStorage: SafeStorageLike, platform: NodeJS.Platform): KeyStore {
  const backend = (): string => keystoreBackend(safeStorage, platform)
  const isSecure = (): boolean => isSecureBackend(backend(), platform) && safeStorage.isEncryptionAvailable()
  const requireSecure = (what: string): void => {
    if (!isSecure()) {
      throw new Error(`the OS keystore "${backend()}" does not protect secrets on this machine; refusing to ${what}`)
    }
  }
  return {
    backend,
    isSecure,
    encrypt(plain) {
      requireSecure('store a passphrase')
      return safeStorage.encryptString(plain)
    },
    decrypt(cipher) {
      requireSecure('read a stored passphrase')
      return safeStorage.decryptString(cipher)
    }
  }
}
