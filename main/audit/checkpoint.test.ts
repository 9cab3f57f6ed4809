import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Actor } from '../../shared/model'
import { testP12 } from '../../test/fixtures/export/p12'
import { testKeyStore } from '../../test/helpers/services'
import { rechainAudit } from '../../test/helpers/forge'
import { tempDir } from '../../test/helpers/tmp'
import { createCaseDb, openCaseDb, type WritableCaseDb } from '../db/case-db'
import { canonicalJson } from './canonical'
import { appendAudit, verifyAudit } from './chain'
import { createCheckpoint, listCheckpoints, verifyCase, checkpointSigningBytes, type CheckpointBody } from './checkpoint'
import { DEVICE_KEY_FILE, deviceSigningKey, verifySigned, type SigningKey } from './checkpoint-signer'
import { loadPkcs12 } from './pkcs12'

const KEY = 'correct horse battery staple'
const alice: Actor = { kind: 'person', name: 'Alice Analyst', role: 'analyst' }
let tick = 0
const now = (): string => new Date(Date.UTC(2026, 10, 27, 10, 0, tick++)).toISOString()

function newCase(entries: number): { c: WritableCaseDb; path: string } {
  const path = join(tempDir(), 'case.lmcase')
  const c = createCaseDb(path, KEY, { now: now() })
  add(c, entries)
  return { c, path }
}

function add(c: WritableCaseDb, n: number): void {
  for (let i = 0; i < n; i++) appendAudit(c.db, c.id, { actor: alice, action: 'test.step', target: `t${i}`, details: { i } }, now())
}

function p12Key(): SigningKey {
  const p = testP12()
  return loadPkcs12(p.path, p.passphrase)
}

/** Raw SQL with the append-only triggers dropped: what someone holding the case key could do. */
function tamper(path: string, sql: string): void {
  const c = openCaseDb(path, KEY)
  c.db.exec(
    'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; DROP TRIGGER IF EXISTS audit_log_contiguous;' +
      'DROP TRIGGER IF EXISTS checkpoints_no_update; DROP TRIGGER IF EXISTS checkpoints_no_delete; DROP TRIGGER IF EXISTS checkpoints_contiguous;'
  )
  c.db.exec(sql)
  c.close()
}

function verifyAt(path: string, opts = {}) {
  const c = openCaseDb(path, KEY, { readOnly: true })
  try {
    return verifyCase(c.db, c.id, opts)
  } finally {
    c.close()
  }
}

/** Rewrite every hash from entry `from` on, as a forger with the code and the key would. */
function recomputeChain(path: string): void {
  const c = openCaseDb(path, KEY)
  rechainAudit(c.db, c.id)
  c.close()
}

describe('signing keys', () => {
  it('reads a PKCS#12 certificate made by openssl: RSA and EC, with the fingerprint openssl prints', () => {
    for (const key of ['rsa', 'ec'] as const) {
      const p = testP12({ key, cn: `Signer ${key}` })
      const k = loadPkcs12(p.path, p.passphrase)
      expect(k.descriptor).toMatchObject({ kind: 'pkcs12', algorithm: key === 'rsa' ? 'rsa-sha256' : 'ecdsa-sha256', fingerprint: p.fingerprint })
      expect(k.descriptor.subject).toContain(`CN=Signer ${key}`)
      const data = Buffer.from('sealed')
      expect(verifySigned(k.descriptor, data, k.sign(data))).toEqual({ ok: true })
      expect(verifySigned(k.descriptor, Buffer.from('sealeD'), k.sign(data)).ok).toBe(false)
    }
  })

  it('names a wrong passphrase and a file that is not PKCS#12', () => {
    const p = testP12()
    expect(() => loadPkcs12(p.path, 'not the passphrase')).toThrow(/signer\.p12: the passphrase of the signing certificate is wrong/)
    const dir = tempDir()
    const junk = join(dir, 'junk.p12')
    writeFileSync(junk, 'hello')
    expect(() => loadPkcs12(junk, 'x')).toThrow(/junk\.p12: not a PKCS#12/)
    // what to do, and no ASN.1 parser's complaint
    expect(() => loadPkcs12(junk, 'x')).toThrow(/export the certificate with its private key from your certificate store as \.p12 or \.pfx$/)
    expect(() => loadPkcs12(join(dir, 'absent.p12'), 'x')).toThrow(/absent\.p12: cannot read the signing certificate: there is no such file or folder/)
  })

  it('keeps one device key sealed by the keystore, and refuses one without a secure keystore', () => {
    const dir = tempDir()
    const ks = testKeyStore()
    const a = deviceSigningKey(dir, ks, now)
    const b = deviceSigningKey(dir, ks, now)
    expect(a.descriptor).toMatchObject({ kind: 'device', algorithm: 'ed25519' })
    expect(b.descriptor.fingerprint).toBe(a.descriptor.fingerprint)
    const stored = readFileSync(join(dir, DEVICE_KEY_FILE), 'utf8')
    expect(stored).not.toMatch(/PRIVATE KEY/)
    // Another keystore (another machine, a reset keyring) cannot unseal it: fail closed.
    expect(() => deviceSigningKey(dir, testKeyStore(), now)).toThrow(/could not unseal the device signing key/)
    expect(() => deviceSigningKey(tempDir(), testKeyStore({ secure: false, backend: 'basic_text' }), now)).toThrow(/keystore is "basic_text".*choose a PKCS#12 signing certificate/)
  })
})

describe('checkpoints', () => {
  it('seal contiguous ranges, link by signature, record themselves in the trail, and verify', () => {
    const { c, path } = newCase(3)
    const key = p12Key()
    const one = createCheckpoint(c.db, c.id, key, alice, now)
    expect(one).toMatchObject({ number: 1, firstSeq: 1, lastSeq: 3, previousSignature: null, signer: { kind: 'pkcs12' } })
    add(c, 2)
    const device = deviceSigningKey(tempDir(), testKeyStore(), now)
    const two = createCheckpoint(c.db, c.id, device, alice, now)
    // Checkpoint 1's own audit entry (seq 4) opens the range of checkpoint 2.
    expect(two).toMatchObject({ number: 2, firstSeq: 4, lastSeq: 6, previousSignature: one.signature, signer: { kind: 'device' } })
    const rec = c.db.prepare("SELECT seq, actor, details FROM audit_log WHERE action = 'checkpoint.create' ORDER BY seq").all() as Array<{
      seq: number
      details: string
    }>
    expect(rec.map((r) => r.seq)).toEqual([4, 7])
    expect(JSON.parse(rec[1].details)).toMatchObject({ checkpoint: 2, firstSeq: 4, lastSeq: 6, signature: two.signature })
    expect(listCheckpoints(c.db).map((x) => x.number)).toEqual([1, 2])
    c.close()

    const v = verifyAt(path)
    expect(v.ok).toBe(true)
    expect(v.checkpoints).toMatchObject({ count: 2, sealedThrough: 6, unsealed: 1 })
    expect(v.checkpoints.signers.map((s) => s.kind)).toEqual(['pkcs12', 'device'])
    expect(verifyAt(path, { expectSigner: key.descriptor.fingerprint }).firstBad).toMatchObject({
      kind: 'checkpoint',
      seq: 2,
      reason: expect.stringMatching(/checkpoint 2: signed with the wrong key/)
    })
  })

  it('refuses to seal a trail that is already broken', () => {
    const { c, path } = newCase(3)
    c.close()
    tamper(path, `UPDATE audit_log SET target = 'edited' WHERE seq = 2`)
    const again = openCaseDb(path, KEY)
    expect(() => createCheckpoint(again.db, again.id, p12Key(), alice, now)).toThrow(/cannot write a checkpoint: .*entry 2 .*does not match its hash/)
    expect(listCheckpoints(again.db)).toHaveLength(0)
    again.close()
  })

  it('names an edited entry (chain) and a trail rewritten with recomputed hashes (checkpoint)', () => {
    const { c, path } = newCase(4)
    createCheckpoint(c.db, c.id, p12Key(), alice, now)
    add(c, 2)
    c.close()
    tamper(path, `UPDATE audit_log SET details = '{"i":99}' WHERE seq = 2`)
    expect(verifyAt(path).firstBad).toMatchObject({ kind: 'entry', seq: 2, reason: expect.stringMatching(/entry 2 .*does not match its hash/) })

    recomputeChain(path)
    const v = verifyAt(path)
    // The chain now verifies on its own; the signed checkpoint names the first entry that changed.
    expect(v.audit.ok).toBe(true)
    expect(v.ok).toBe(false)
    expect(v.firstBad).toMatchObject({
      kind: 'entry',
      seq: 2,
      reason: expect.stringMatching(/^entry 2 \(test\.step\) is not the entry checkpoint 1 sealed: the audit trail was rewritten from entry 2 on/)
    })
  })

  it('names entries removed after a checkpoint sealed them (truncation)', () => {
    const { c, path } = newCase(5)
    createCheckpoint(c.db, c.id, p12Key(), alice, now)
    c.close()
    // Remove entries 4.. (including the checkpoint's own record): the chain that is left verifies.
    tamper(path, 'DELETE FROM audit_log WHERE seq >= 4')
    const v = verifyAt(path)
    expect(v.audit.ok).toBe(true)
    expect(v.firstBad?.reason).toMatch(/the audit trail ends at entry 3, but checkpoint 1 sealed entries up to 5: entries 4–5 were removed/)
  })

  it('names entries swapped in order', () => {
    const { c, path } = newCase(4)
    createCheckpoint(c.db, c.id, p12Key(), alice, now)
    c.close()
    tamper(path, 'UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = -2;')
    expect(verifyAt(path).firstBad).toMatchObject({ kind: 'entry', seq: 2 })
  })

  it('names a missing checkpoint: removed in the middle, or the last one', () => {
    const { c, path } = newCase(2)
    const key = p12Key()
    for (let i = 0; i < 3; i++) {
      createCheckpoint(c.db, c.id, key, alice, now)
      add(c, 1)
    }
    c.close()
    tamper(path, 'DELETE FROM checkpoints WHERE seq = 2')
    const mid = verifyAt(path)
    expect(mid.firstBad).toMatchObject({ kind: 'checkpoint', seq: 2, reason: 'checkpoint 2 is missing (the checkpoints jump from 1 to 3)' })
    expect(mid.problems.map((p) => p.reason).join('\n')).toMatch(/checkpoint 3: does not link to checkpoint 1/)

    const other = newCase(2)
    createCheckpoint(other.c.db, other.c.id, key, alice, now)
    createCheckpoint(other.c.db, other.c.id, key, alice, now)
    other.c.close()
    tamper(other.path, 'DELETE FROM checkpoints WHERE seq = 2')
    expect(verifyAt(other.path).firstBad?.reason).toMatch(/checkpoint 2 is missing: audit entry 4 records its creation, but the case has no such checkpoint/)
  })

  it('names a checkpoint edited after signing, one signed by another key, and a forged signature', () => {
    const { c, path } = newCase(3)
    const key = p12Key()
    createCheckpoint(c.db, c.id, key, alice, now)
    c.close()
    tamper(path, 'UPDATE checkpoints SET last_seq = 2 WHERE seq = 1')
    expect(verifyAt(path).firstBad?.reason).toMatch(/checkpoint 1: its recorded fields differ from what was signed/)

    // A forger re-signs the body with their own key but leaves the signer it names.
    const second = newCase(3)
    createCheckpoint(second.c.db, second.c.id, key, alice, now)
    const row = second.c.db.prepare('SELECT body FROM checkpoints WHERE seq = 1').get() as { body: string }
    second.c.close()
    const forger = loadPkcs12(testP12({ cn: 'Mallory' }).path, testP12({ cn: 'Mallory' }).passphrase)
    const body = JSON.parse(row.body) as CheckpointBody
    const forged = forger.sign(checkpointSigningBytes(body)).toString('base64')
    tamper(second.path, `UPDATE checkpoints SET signature = '${forged}' WHERE seq = 1`)
    expect(verifyAt(second.path).firstBad?.reason).toMatch(/checkpoint 1: bad signature: the signature does not verify with the key it names/)

    // ... or names their own key as the signer: the signature verifies, the key is the wrong one.
    const third = newCase(3)
    createCheckpoint(third.c.db, third.c.id, key, alice, now)
    const row3 = third.c.db.prepare('SELECT body FROM checkpoints WHERE seq = 1').get() as { body: string }
    third.c.close()
    const body3 = { ...(JSON.parse(row3.body) as CheckpointBody), signer: forger.descriptor }
    const sig3 = forger.sign(checkpointSigningBytes(body3)).toString('base64')
    tamper(third.path, `UPDATE checkpoints SET body = '${canonicalJson(body3)}', signature = '${sig3}' WHERE seq = 1`)
    // The audit entry that recorded checkpoint 1 still holds the real signature.
    expect(verifyAt(third.path).firstBad?.reason).toMatch(/checkpoint 1 is not the one audit entry 4 recorded \(it was replaced\)/)
    // A thorough forger rewrites that entry too and recomputes the chain: everything is
    // self-consistent, and only the signer's identity gives it away.
    const c3 = openCaseDb(third.path, KEY)
    const d = JSON.parse((c3.db.prepare('SELECT details FROM audit_log WHERE seq = 4').get() as { details: string }).details)
    c3.close()
    tamper(third.path, `UPDATE audit_log SET details = '${canonicalJson({ ...d, signature: sig3 })}' WHERE seq = 4`)
    recomputeChain(third.path)
    const v = verifyAt(third.path)
    expect(v.ok).toBe(true)
    expect(v.checkpoints.signers.map((x) => x.subject).join()).toMatch(/CN=Mallory/)
    expect(verifyAt(third.path, { expectSigner: key.descriptor.fingerprint }).firstBad?.reason).toMatch(/checkpoint 1: signed with the wrong key: .*CN=Mallory.*not the expected/)
  })

  it('an untouched chain still verifies with the plain chain check', () => {
    const { c } = newCase(2)
    createCheckpoint(c.db, c.id, p12Key(), alice, now)
    expect(verifyAudit(c.db, c.id).ok).toBe(true)
    c.close()
  })
})
