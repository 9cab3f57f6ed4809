// What the services need from the desktop platform, as interfaces. main/index.ts gives them
// Electron's implementations (safeStorage, dialogs); the CLI and the tests give Node ones. This
// is what keeps Electron out of every service.
import type { OpenPurpose, SavePurpose } from '../../shared/contract'

/** The OS keystore, used only to remember a case passphrase on this machine. */
export interface KeyStore {
  /** e.g. 'gnome_libsecret', 'kwallet6', 'dpapi', 'keychain', 'basic_text', 'unavailable' */
  backend(): string
  /** false when the OS would only obfuscate (Linux `basic_text`) — then we refuse to remember */
  isSecure(): boolean
  encrypt(plain: string): Buffer
  decrypt(cipher: Buffer): string
}

/**
 * The OS dialogs. Only main sees what they answer: the renderer gets a token for each path
 * (main/services/path-grants.ts), of the kind the purpose says (OPEN_KIND, SAVE_KIND).
 */
export interface Dialogs {
  /** files or folders to read; [] when cancelled */
  open(purpose: OpenPurpose): Promise<string[]>
  /** a new file or folder to write; null when cancelled */
  save(purpose: SavePurpose): Promise<string | null>
  /** open the OS file manager on the folder holding `path`, with it selected; false when there is none */
  showInFolder(path: string): boolean
}

export interface Platform {
  /** where per-user app data lives (recent cases, identity, remembered passphrases) */
  dataDir: string
  appVersion: string
  osUser: string
  keystore: KeyStore
  dialogs: Dialogs
  now?: () => string
}

/** The keystore for headless use: there is no OS keystore to trust, so nothing is remembered. */
export const NO_KEYSTORE: KeyStore = {
  backend: () => 'unavailable',
  isSecure: () => false,
  encrypt: () => {
    throw new Error('no OS keystore')
  },
  decrypt: () => {
    throw new Error('no OS keystore')
  }
}

export const NO_DIALOGS: Dialogs = {
  open: async () => [],
  save: async () => null,
  showInFolder: () => false
}
