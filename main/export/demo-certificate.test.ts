import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { loadPkcs12 } from '../audit/pkcs12'
import { makeDemoCertificate } from './demo-certificate'

describe('the demo signing certificate', () => {
  it('is a PKCS#12 that Lastmile and openssl open, labelled as a demo', () => {
    const dir = tempDir()
    const demo = makeDemoCertificate(new Date('2026-11-27T12:00:00Z'))
    const file = join(dir, 'demo.p12')
    writeFileSync(file, demo.p12)
    const signer = loadPkcs12(file, demo.passphrase)
    expect(signer.certificate.subject).toMatch(/CN=Lastmile DEMO signer - not for production/)
    const r = spawnSync('openssl', ['pkcs12', '-in', file, '-nokeys', '-passin', `pass:${demo.passphrase}`], { encoding: 'utf8' })
    if (r.error) return // openssl is not required by the product; it is only a second opinion here
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/subject=.*Lastmile DEMO signer - not for production/)
    expect(() => loadPkcs12(file, 'wrong')).toThrow()
  })
})
