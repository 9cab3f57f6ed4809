import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { testP12 } from '../../test/fixtures/export/p12'
import { testKeyStore } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { DEVICE_KEY_FILE, deviceSigningKey } from '../audit/checkpoint-signer'
import { SIGNING_SETTINGS_FILE, SigningSettingsStore, inspectCertificate } from './signing-settings'

const now = (): string => '2026-03-01T12:00:00.000Z'

describe('the device key in Settings', () => {
  it('says "not created" and does not make one; after the first signature it shows the same fingerprint the signer uses', () => {
    const data = tempDir()
    const keystore = testKeyStore()
    const store = new SigningSettingsStore(data, keystore)
    expect(store.settings().deviceKey).toMatchObject({ status: 'not-created', fingerprint: null, createdAt: null, algorithm: 'ed25519', keystore: 'gnome_libsecret' })
    expect(existsSync(join(data, DEVICE_KEY_FILE))).toBe(false)

    const key = deviceSigningKey(data, keystore, now)
    expect(store.settings().deviceKey).toMatchObject({ status: 'ready', fingerprint: key.descriptor.fingerprint, createdAt: now(), problem: null })
  })

  it('is unavailable on a keystore that does not protect secrets, and damaged when its file cannot be read', () => {
    const data = tempDir()
    const insecure = new SigningSettingsStore(data, testKeyStore({ secure: false, backend: 'basic_text' }))
    expect(insecure.settings().deviceKey).toMatchObject({
      status: 'unavailable',
      problem: expect.stringMatching(/keystore \(basic_text\) does not protect secrets.*PKCS#12 certificate/)
    })

    writeFileSync(join(data, DEVICE_KEY_FILE), '{"format": "something else"}')
    expect(new SigningSettingsStore(data, testKeyStore()).settings().deviceKey).toMatchObject({
      status: 'damaged',
      fingerprint: null,
      problem: expect.stringMatching(/device-signing-key\.json: the device signing key file is damaged/)
    })
  })
})

describe('the remembered signing certificate', () => {
  it('remembers the path only — never a passphrase — and forgets it', () => {
    const data = tempDir()
    const p = testP12()
    const store = new SigningSettingsStore(data, testKeyStore())
    expect(store.settings().certificate).toBeNull()
    expect(store.setCertificate(p.path).certificate).toEqual({ path: p.path, exists: true, file: null })
    // a second store on the same folder (the next start of the app) sees it
    expect(new SigningSettingsStore(data, testKeyStore()).certificatePath()).toBe(p.path)
    const file = readFileSync(join(data, SIGNING_SETTINGS_FILE), 'utf8')
    expect(JSON.parse(file)).toEqual({ certificatePath: p.path })
    expect(file).not.toContain(p.passphrase)
    expect(store.setCertificate(null).certificate).toBeNull()
  })

  it('refuses a missing file, a folder and a file that is not PKCS#12, each with one sentence naming it', () => {
    const dir = tempDir()
    const store = new SigningSettingsStore(join(dir, 'data'), testKeyStore())
    expect(() => store.setCertificate(join(dir, 'absent.p12'))).toThrow(/absent\.p12: there is no such file; choose your organisation's \.p12 or \.pfx signing certificate/)
    mkdirSync(join(dir, 'certs.p12'))
    expect(() => store.setCertificate(join(dir, 'certs.p12'))).toThrow(/certs\.p12: this is a folder, not a signing certificate file/)
    writeFileSync(join(dir, 'cert.pem'), '-----BEGIN CERTIFICATE-----\n')
    expect(() => store.setCertificate(join(dir, 'cert.pem'))).toThrow(/cert\.pem: not a PKCS#12 \(\.p12\/\.pfx\) signing certificate/)
    expect(store.certificatePath()).toBeNull()
  })

  it('reports a remembered file that was since removed', () => {
    const dir = tempDir()
    const copy = join(dir, 'org.p12')
    writeFileSync(copy, readFileSync(testP12().path))
    const store = new SigningSettingsStore(join(dir, 'data'), testKeyStore())
    expect(store.setCertificate(copy).certificate).toEqual({ path: copy, exists: true, file: null })
    rmSync(copy)
    expect(store.settings().certificate).toEqual({ path: copy, exists: false, file: null })
  })
})

describe('checking a certificate', () => {
  it('shows subject, issuer, serial, validity, the fingerprint openssl prints and the key, for RSA and EC', () => {
    for (const key of ['rsa', 'ec'] as const) {
      const p = testP12({ key, cn: `Signer ${key}` })
      const r = inspectCertificate(p.path, p.passphrase)
      expect(r).toMatchObject({
        path: p.path,
        subject: `CN=Signer ${key}, O=Lastmile Tests, C=DE`,
        issuer: `CN=Signer ${key}, O=Lastmile Tests, C=DE`,
        selfSigned: true,
        fingerprint: p.fingerprint,
        keyAlgorithm: key === 'rsa' ? 'RSA 2048-bit' : 'EC P-256',
        signatureAlgorithm: key === 'rsa' ? 'rsa-sha256' : 'ecdsa-sha256',
        certificates: 1,
        current: true,
        canSign: true,
        warnings: []
      })
      expect(r.serialNumber).toMatch(/^[0-9A-F]+$/)
      // openssl req -days 3650
      expect(Date.parse(r.validTo) - Date.parse(r.validFrom)).toBe(3650 * 24 * 3600_000)
    }
  })

  it('warns when the certificate expired or is not valid yet', () => {
    const p = testP12()
    const r = inspectCertificate(p.path, p.passphrase)
    const later = inspectCertificate(p.path, p.passphrase, new Date(Date.parse(r.validTo) + 24 * 3600_000))
    expect(later.current).toBe(false)
    expect(later.warnings).toEqual([
      `The certificate expired on ${r.validTo.slice(0, 10)}: what it signs now is reported as signed with an expired certificate; ask your organisation for a new one.`
    ])
    const earlier = inspectCertificate(p.path, p.passphrase, new Date(Date.parse(r.validFrom) - 24 * 3600_000))
    expect(earlier.warnings).toEqual([expect.stringMatching(/^The certificate is not valid yet: it becomes valid on \d{4}-\d\d-\d\d/)])
    // it can still sign; only its dates are wrong
    expect(later.canSign).toBe(true)
  })

  it('says when the certificate cannot sign: its key usage allows only certificate signing', () => {
    const p = testP12({ cn: 'CA only', extensions: ['keyUsage=critical,keyCertSign,cRLSign'] })
    const r = inspectCertificate(p.path, p.passphrase)
    expect(r.keyUsage).toEqual(['keyCertSign', 'cRLSign'])
    expect(r.canSign).toBe(false)
    expect(r.warnings).toEqual(['The certificate cannot sign: its key usage allows only keyCertSign, cRLSign, not digital signatures; verifiers reject what it signs.'])
    const signer = testP12({ cn: 'Signer with usage', extensions: ['keyUsage=critical,digitalSignature,nonRepudiation'] })
    expect(inspectCertificate(signer.path, signer.passphrase)).toMatchObject({ keyUsage: ['digitalSignature', 'nonRepudiation'], canSign: true, warnings: [] })
  })

  it('a wrong passphrase, a missing file and a file that is not PKCS#12 are one sentence naming the file', () => {
    const p = testP12()
    expect(() => inspectCertificate(p.path, 'not the passphrase')).toThrow(/signer\.p12: the passphrase of the signing certificate is wrong$/)
    const dir = tempDir()
    expect(() => inspectCertificate(join(dir, 'gone.p12'), 'x')).toThrow(/gone\.p12: there is no such file/)
    writeFileSync(join(dir, 'junk.p12'), Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]))
    expect(() => inspectCertificate(join(dir, 'junk.p12'), 'x')).toThrow(/junk\.p12: not a PKCS#12 \(\.p12\/\.pfx\) signing certificate/)
  })
})
