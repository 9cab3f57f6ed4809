import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { KeyStore } from '../main/platform/ports'

/**
 * A secure keystore for the tests: AES-256-GCM under a random key that lives only in this test
 * process, standing in for Electron's safeStorage (which needs the Electron binary and an OS
 * keyring). Like safeStorage it fails closed: a tampered or foreign blob does not decrypt.
 */
export function createTestKeyStore(): KeyStore {
  const key = randomBytes(32)
  return {
    backend: () => 'test-aes-gcm',
    isSecure: () => true,
    encrypt(plain: string): Buffer {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body])
    },
    decrypt(sealed: Buffer): string {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12))
      decipher.setAuthTag(sealed.subarray(12, 28))
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8')
    }
  }
}
