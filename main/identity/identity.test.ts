// People as keys (issue #13): where a personal key lives (a 0600 key file in the command line, the
// OS keystore in the app), what a decision signature covers, and what `verify` says when someone
// with write access to the case forges who decided: the same key requesting and approving, a role
// the owner never granted, four-eyes turned off by someone else, a signature moved or missing.
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Actor } from '../../shared/model'
import { testP12 } from '../../test/fixtures/export/p12'
import { inRole, testPerson } from '../../test/fixtures/people'
import { testKeyStore } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { appendAudit } from '../audit/chain'
import { verifyCase } from '../audit/checkpoint'
import { createCaseDb, type WritableCaseDb } from '../db/case-db'
import { exportPdf } from '../export/export-pdf'
import { setFourEyes } from '../workflow/store'
import { actorFor } from './agent'
import { casePeople, joinCase, rolesOf, setRole } from './case-people'
import { personKeyFromFile, readPersonKeyInfo, sealedPersonKey } from './personal-key'
import { certificateSigner } from './signer'
import { describeDecisions } from './verify'
import { pdfText } from '../../test/helpers/pdf-text'

let t = Date.parse('2026-12-01T09:00:00Z')
const now = (): string => new Date((t += 1000)).toISOString()

/** A new case created (and so owned) by `owner`. */
function ownedCase(owner: Actor): WritableCaseDb {
  const c = createCaseDb(join(tempDir(), 'c.lmcase'), 'identity-test-key', { now: now() })
  appendAudit(c.db, c.id, { actor: owner, action: 'case.create', target: c.id, details: { name: c.name } }, now())
  return c
}

describe('personal keys', () => {
  it('the command line keeps a key file readable only by its owner, made on first use with the name bound for good', () => {
    const file = join(tempDir(), 'people', 'rita.key.json')
    const made = personKeyFromFile(file, { name: 'Rita Reviewer', osUser: 'rita', now })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readPersonKeyInfo(file)).toMatchObject({ name: 'Rita Reviewer', osUser: 'rita', fingerprint: made.id })
    const again = personKeyFromFile(file, { name: null, osUser: 'rita', now })
    expect(again.id).toBe(made.id)
    expect(again.sign(Buffer.from('x'))).toEqual(made.sign(Buffer.from('x'))) // Ed25519 is deterministic: the same key
    expect(() => personKeyFromFile(file, { name: 'Administrator', osUser: 'rita', now })).toThrow(/is bound to "Rita Reviewer"; a name is bound to its key once/)
    chmodSync(file, 0o644)
    expect(() => personKeyFromFile(file, { name: null, osUser: 'rita', now })).toThrow(/can be read by other users \(mode 644\); run chmod 600/)
    chmodSync(file, 0o600)
    // a public key swapped for another: the private key no longer matches it
    const other = join(tempDir(), 'other.key.json')
    personKeyFromFile(other, { name: 'Rita Reviewer', osUser: 'rita', now })
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
    stored.publicKey = (JSON.parse(readFileSync(other, 'utf8')) as Record<string, string>).publicKey
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 })
    expect(() => personKeyFromFile(file, { name: null, osUser: 'rita', now })).toThrow(/does not match the public key beside it/)
  })

  it('the app seals its key with the OS keystore and fails closed when the keystore cannot unseal it or does not protect secrets', () => {
    const file = join(tempDir(), 'person-signing-key.json')
    const ks = testKeyStore()
    expect(sealedPersonKey(file, ks, { name: 'Dana', osUser: 'dana', now, create: false })).toBeNull()
    const made = sealedPersonKey(file, ks, { name: 'Dana', osUser: 'dana', now, create: true })!
    const text = readFileSync(file, 'utf8')
    expect(text).not.toMatch(/PRIVATE KEY/)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(sealedPersonKey(file, ks, { name: 'ignored', osUser: 'dana', now, create: true })!.id).toBe(made.id)
    expect(() => sealedPersonKey(file, testKeyStore(), { name: 'Dana', osUser: 'dana', now, create: true })).toThrow(/could not unseal your personal signing key/)
    expect(() => sealedPersonKey(file, testKeyStore({ secure: false, backend: 'basic_text' }), { name: 'Dana', osUser: 'dana', now, create: true })).toThrow(
      /"basic_text", which does not protect secrets/
    )
  })

  it('an organisation certificate (PKCS#12) is a person too: the name is its common name', () => {
    const p12 = testP12({ cn: 'Olga Auditor' })
    const s = certificateSigner(p12.path, p12.passphrase, 'olga')
    expect(s).toMatchObject({ name: 'Olga Auditor', id: p12.fingerprint, osUser: 'olga' })
    const c = ownedCase(actorFor(s, 'admin'))
    expect(verifyCase(c.db, c.id).people.owner).toMatchObject({ name: 'Olga Auditor', key: p12.fingerprint })
    c.close()
  })
})

describe('signed decisions and what verify says', () => {
  it('signs each decision with the acting key; verify lists who signed what', () => {
    const owner = testPerson('Ada Owner', 'admin', 'ada')
    const ana = testPerson('Ana Analyst', 'analyst', 'ana')
    const bob = testPerson('Bob Approver', 'approver', 'bob')
    const c = ownedCase(owner)
    joinCase(c, bob, now)
    setRole(c, 'Bob Approver', 'approver', true, owner, now)
    appendAudit(c.db, c.id, { actor: ana, action: 'plan.create', target: 'P-1', details: { fourEyes: true } }, now())
    appendAudit(c.db, c.id, { actor: bob, action: 'plan.approve', target: 'P-1', details: { reason: 'ok' } }, now())
    const v = verifyCase(c.db, c.id)
    expect(v.ok).toBe(true)
    expect(v.people.owner).toMatchObject({ name: 'Ada Owner', osUser: 'ada' })
    expect(v.people.decisions.map((d) => [d.action, d.name, d.key, d.signed])).toEqual([
      ['identity.bound', 'Bob Approver', bob.key, true],
      ['identity.role-granted', 'Ada Owner', owner.key, true],
      ['identity.bound', 'Ana Analyst', ana.key, true],
      ['plan.create', 'Ana Analyst', ana.key, true],
      ['plan.approve', 'Bob Approver', bob.key, true]
    ])
    expect(describeDecisions(v.people).join('\n')).toMatch(/plan\.approve P-1 — Bob Approver \(approver, OS user bob\) signed by key/)
    c.close()
  })

  it('verify fails a case where the same key requested and approved (written around the service)', () => {
    const owner = testPerson('Ada Owner', 'admin')
    const c = ownedCase(owner)
    appendAudit(c.db, c.id, { actor: inRole(owner, 'analyst'), action: 'plan.create', target: 'P-1', details: { fourEyes: true } }, now())
    // every signature is valid — the forger holds the key — but one key both asked and approved
    appendAudit(c.db, c.id, { actor: { ...owner, role: 'approver' }, action: 'plan.approve', target: 'P-1', details: { reason: 'mine' } }, now())
    const v = verifyCase(c.db, c.id)
    expect(v.ok).toBe(false)
    expect(v.firstBad?.reason).toMatch(/^entry 3 \(plan\.approve by Ada Owner\): four-eyes broken: the same key \([0-9A-F:]+\) requested P-1 \(entry 2\) and approved it/)
    c.close()
  })

  it('verify fails a decision without its signature and a signature moved to another entry', () => {
    const owner = testPerson('Ada Owner', 'admin')
    const c = ownedCase(owner)
    appendAudit(c.db, c.id, { actor: inRole(owner, 'analyst'), action: 'plan.create', target: 'P-1', details: { fourEyes: true } }, now())
    appendAudit(c.db, c.id, { actor: inRole(owner, 'analyst'), action: 'plan.create', target: 'P-2', details: { fourEyes: true } }, now())
    const sig = c.db.prepare('SELECT signature FROM audit_signatures WHERE seq = 2').pluck().get() as string
    c.db.exec('DROP TRIGGER audit_signatures_no_update; DROP TRIGGER audit_signatures_no_delete')
    c.db.prepare('UPDATE audit_signatures SET signature = ? WHERE seq = 3').run(sig)
    expect(verifyCase(c.db, c.id).problems.map((p) => p.reason)).toEqual([expect.stringMatching(/^entry 3 \(plan\.create by Ada Owner\): its signature does not verify/)])
    c.db.prepare('DELETE FROM audit_signatures WHERE seq = 3').run()
    expect(verifyCase(c.db, c.id).firstBad?.reason).toMatch(/^entry 3 \(plan\.create by Ada Owner\): it is not signed by the key it names/)
    c.close()
  })

  it('roles are granted by the owner only; a grant forged by someone else fails verify', () => {
    const owner = testPerson('Ada Owner', 'admin')
    const mallory = testPerson('Mallory', 'analyst')
    const c = ownedCase(owner)
    joinCase(c, mallory, now)
    expect(() => setRole(c, 'Mallory', 'approver', true, { ...mallory, role: 'admin' }, now)).toThrow(/only the case owner Ada Owner .* can grant roles/)
    expect(rolesOf(c.db, mallory.key)).toEqual(['analyst'])
    // claiming a role nobody granted is refused by the service
    expect(() => setFourEyes(c, false, 'no time', { ...mallory, role: 'admin' }, now)).toThrow(/only the case owner Ada Owner/)
    // written around the service: Mallory signs her own grant and approves
    appendAudit(c.db, c.id, { actor: mallory, action: 'identity.role-granted', target: mallory.key!, details: { person: 'Mallory', role: 'approver' } }, now())
    appendAudit(c.db, c.id, { actor: { ...mallory, role: 'approver' }, action: 'plan.approve', target: 'P-9', details: {} }, now())
    const reasons = verifyCase(c.db, c.id).problems.map((p) => p.reason)
    expect(reasons).toEqual([
      expect.stringMatching(/identity\.role-granted by Mallory\): only the case owner Ada Owner may do this/),
      expect.stringMatching(/plan\.approve by Mallory\): Mallory held analyst in this case, not approver or admin: no grant by the owner/)
    ])
    expect(casePeople(c.db).map((p) => [p.name, p.owner])).toEqual([
      ['Ada Owner', true],
      ['Mallory', false]
    ])
    c.close()
  })

  it("four-eyes off is the owner's signed decision, and verify says so prominently", () => {
    const owner = testPerson('Ada Owner', 'admin')
    const c = ownedCase(owner)
    setFourEyes(c, false, 'one-person team during the freeze', owner, now)
    const v = verifyCase(c.db, c.id)
    expect(v.ok).toBe(true)
    expect(v.people.fourEyes).toEqual([expect.objectContaining({ enabled: false, by: 'Ada Owner', key: owner.key, reason: 'one-person team during the freeze' })])
    expect(describeDecisions(v.people).join('\n')).toMatch(/\*\*\* FOUR-EYES TURNED OFF \*\*\* at .* by Ada Owner .*: one-person team during the freeze/)
    c.close()
  })
})

describe('the signed PDF report', () => {
  it('shows four-eyes turned off, by whom and why, on its cover and lists each decision with its signer', async () => {
    const owner = testPerson('Ada Owner', 'admin', 'ada')
    const c = ownedCase(owner)
    appendAudit(c.db, c.id, { actor: inRole(owner, 'analyst'), action: 'plan.create', target: 'P-1', details: { fourEyes: true } }, now())
    setFourEyes(c, false, 'one-person team during the freeze', owner, now)
    const p = testP12()
    const out = join(tempDir(), 'report.pdf')
    await exportPdf(c, { out, p12Path: p.path, p12Passphrase: p.passphrase, classification: '', actor: owner, now, inProcess: true })
    const text = pdfText(out).replace(/\s+/g, ' ')
    // the cover (page 1): its labels and values come out of pdftotext in two runs
    const cover = text.slice(0, text.indexOf('page 1 of'))
    expect(cover).toContain('Four-eyes')
    expect(cover).toMatch(/TURNED OFF .* by Ada Owner \(signed, entry \d+\): one-person team during the freeze; STILL OFF/)
    expect(text).toMatch(/FOUR-EYES TURNED OFF at .* by Ada Owner \(entry \d+, signed\): one-person team during the freeze/)
    expect(cover).toMatch(/Ada Owner \(OS user ada\); grants the roles/)
    expect(text).toContain('Decisions and who signed them')
    expect(text).toMatch(/plan\.create P-1 Ada Owner \(analyst, ada\)/)
    c.close()
  }, 60_000)
})
