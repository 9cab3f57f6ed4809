// What the services need from the desktop platform, as interfaces. main/index.ts gives them
// Electron's implementations (safeStorage, dialogs); the CLI and the tests give Node ones. This
// is what keeps Electron out of every service.

/** The OS keystore, used only to remember a case passphrase on this machine. */
export interface KeyStore {
  /** e.g. 'gnome_libsecret', 'kwallet6', 'dpapi', 'keychain', 'basic_text', 'unavailable' */
  backend(): string
  /** false when the OS would only obfuscate (Linux `basic_text`) — then we refuse to remember */
  isSecure(): boolean
  encrypt(plain: string): Buffer
  decrypt(cipher: Buffer): string
}

export interface Dialogs {
  chooseCasePath(mode: 'create' | 'open'): Promise<string | null>
  /** 'import': tool export files; 'evidence': evidence bundle folders. [] when cancelled. */
  chooseFiles(purpose: 'import' | 'evidence'): Promise<string[]>
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
  chooseCasePath: async () => null,
  chooseFiles: async () => [],
  showInFolder: () => false
}
