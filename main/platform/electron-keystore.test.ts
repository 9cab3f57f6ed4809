import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createDispatcher } from '../ipc/dispatch'
import { createHandlers } from '../ipc/handlers'
import { createAppServices } from '../services/app'
import { createSafeStorageKeyStore, isSecureBackend, keystoreBackend, type SafeStorageLike } from './electron-keystore'
import { NO_DIALOGS } from './ports'

/** A stand-in for Electron's safeStorage: reversible "encryption" and a chosen Linux backend. */
function fakeSafeStorage(backend: ReturnType<SafeStorageLike['getSelectedStorageBackend']>, available = true) {
  return {
    isEncryptionAvailable: vi.fn(() => available),
    getSelectedStorageBackend: vi.fn(() => backend),
    encryptString: vi.fn((s: string) => Buffer.from(`sealed:${s}`)),
    decryptString: vi.fn((b: Buffer) => b.toString().replace(/^sealed:/, ''))
  } satisfies SafeStorageLike
}

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('the safeStorage keystore', () => {
  it('refuses Linux basic_text: isEncryptionAvailable() is true there, yet the key is public', () => {
    const ss = fakeSafeStorage('basic_text')
    const ks = createSafeStorageKeyStore(ss, 'linux')
    expect(ks.backend()).toBe('basic_text')
    expect(ks.isSecure()).toBe(false)
    expect(() => ks.encrypt('correct horse')).toThrow(/"basic_text" does not protect secrets/)
    expect(() => ks.decrypt(Buffer.from('sealed:x'))).toThrow(/refusing to read a stored passphrase/)
    expect(ss.encryptString).not.toHaveBeenCalled()
  })

  it('uses the Secret Service and KWallet backends', () => {
    for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'] as const) {
      const ks = createSafeStorageKeyStore(fakeSafeStorage(backend), 'linux')
      expect(ks.isSecure(), backend).toBe(true)
      expect(ks.decrypt(ks.encrypt('correct horse'))).toBe('correct horse')
    }
  })

  it('refuses an unknown backend and an unavailable keystore', () => {
    expect(createSafeStorageKeyStore(fakeSafeStorage('unknown'), 'linux').isSecure()).toBe(false)
    expect(createSafeStorageKeyStore(fakeSafeStorage('gnome_libsecret', false), 'linux').isSecure()).toBe(false)
    expect(createSafeStorageKeyStore(fakeSafeStorage('unknown', false), 'darwin').isSecure()).toBe(false)
  })

  it('names the Keychain and DPAPI, and asks Linux only on Linux', () => {
    const ss = fakeSafeStorage('basic_text')
    expect(keystoreBackend(ss, 'darwin')).toBe('keychain')
    expect(keystoreBackend(ss, 'win32')).toBe('dpapi')
    expect(keystoreBackend(ss, 'freebsd')).toBe('unknown')
    expect(ss.getSelectedStorageBackend).not.toHaveBeenCalled()
    expect(createSafeStorageKeyStore(ss, 'darwin').isSecure()).toBe(true)
    expect(isSecureBackend('basic_text', 'freebsd')).toBe(false)
  })

  it('fails closed when the backend changes after a passphrase was stored', () => {
    const ss = fakeSafeStorage('gnome_libsecret')
    const ks = createSafeStorageKeyStore(ss, 'linux')
    const sealed = ks.encrypt('correct horse')
    ss.getSelectedStorageBackend.mockReturnValue('basic_text')
    expect(() => ks.decrypt(sealed)).toThrow(/basic_text/)
  })

  it('makes "remember the passphrase" a clear refusal end to end on basic_text', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lastmile-keystore-'))
    dirs.push(dataDir)
    const app = createAppServices({
      dataDir,
      appVersion: '1.0.0',
      osUser: 'ana',
      keystore: createSafeStorageKeyStore(fakeSafeStorage('basic_text'), 'linux'),
      dialogs: NO_DIALOGS
    })
    const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => false })
    expect(await dispatch('app.info', {})).toMatchObject({
      ok: true,
      value: { canRememberPassphrase: false, keystoreBackend: 'basic_text' }
    })
    const r = await dispatch('case.create', { path: app.paths.issue(join(dataDir, 'c.lmcase'), 'save-file'), passphrase: 'correct horse battery', remember: true })
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    expect(r.ok ? '' : r.error.message).toMatch(/keystore is "basic_text", which does not protect secrets/)
    app.session.close()
  })
})
