import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { KeyStore, Platform } from '../../main/platform/ports'
import { NO_DIALOGS } from '../../main/platform/ports'
import { createAppServices, type AppServices } from '../../main/services/app'

/** A keystore that really encrypts (AES-256-GCM under a per-test key), standing in for the OS one. */
export function testKeyStore(opts: { secure?: boolean; backend?: string } = {}): KeyStore {
  const key = randomBytes(32)
  return {
    backend: () => opts.backend ?? 'gnome_libsecret',
    isSecure: () => opts.secure ?? true,
    encrypt(plain) {
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return Buffer.concat([iv, c.getAuthTag(), body])
    },
    decrypt(buf) {
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12))
      d.setAuthTag(buf.subarray(12, 28))
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8')
    }
  }
}

export function testServices(dataDir: string, overrides: Partial<Platform> = {}): AppServices {
  return createAppServices({
    dataDir,
    appVersion: '0.0.0-test',
    osUser: 'tester',
    keystore: testKeyStore(),
    dialogs: NO_DIALOGS,
    ...overrides
  })
}

/**
 * Tokens for paths, as main issues them when the user chooses in a dialog: the contract takes no
 * typed path (main/services/path-grants.ts). For tests that call the dispatcher directly.
 */
export function chooser(app: AppServices) {
  return {
    open: (path: string) => app.paths.issue(path, 'open-file'),
    openFolder: (path: string) => app.paths.issue(path, 'open-folder'),
    save: (path: string, opts: { replaceConfirmed?: boolean } = {}) => app.paths.issue(path, 'save-file', opts),
    saveFolder: (path: string) => app.paths.issue(path, 'save-folder')
  }
}
