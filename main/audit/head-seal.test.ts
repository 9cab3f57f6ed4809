// The head of the audit trail, sealed by the device key on every write: removing the last
// entries, which no checkpoint seals yet, is named (issue 13).
import { join } from 'node:path'
import { rawCaseDb } from '../../test/helpers/forge'
import { describe, expect, it } from 'vitest'
import type { Actor } from '../../shared/model'
import { testKeyStore } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { createCaseDb, openCaseDb } from '../db/case-db'
import { appendAudit } from './chain'
import { verifyCase } from './checkpoint'
import { deviceSigningKey } from './checkpoint-signer'
import { headSigningBytes, sealHeadsWith } from './head-seal'

const KEY = 'head seal test passphrase'
const ana: Actor = { kind: 'person', name: 'Ana Analyst', role: 'analyst' }
let t = Date.parse('2026-12-02T09:00:00Z')
const now = (): string => new Date((t += 1000)).toISOString()

const raw = (path: string): ReturnType<typeof rawCaseDb> => rawCaseDb(path, KEY)

function verifyAt(path: string, expectDevice?: string) {
  const c = openCaseDb(path, KEY, { readOnly: true })
  try {
    return verifyCase(c.db, c.id, { expectDevice })
  } finally {
    c.close()
  }
}

describe('the device-sealed head of the trail', () => {
  it('names the removal of the last entry, and a seal made with another key', () => {
    const path = join(tempDir(), 'case.lmcase')
    const device = deviceSigningKey(tempDir(), testKeyStore(), now)
    const c = createCaseDb(path, KEY, { now: now() })
    sealHeadsWith(c.db, device)
    for (let i = 1; i <= 3; i++) appendAudit(c.db, c.id, { actor: ana, action: 'export.note', target: `n${i}`, details: { i } }, now())
    const caseId = c.id
    c.close()
    const ok = verifyAt(path, device.descriptor.fingerprint)
    expect(ok.problems).toEqual([])
    expect(ok.head).toMatchObject({ sealed: { seq: 3, signer: { fingerprint: device.descriptor.fingerprint } }, after: 0 })

    // An entry written without the device key (the command line) leaves the seal behind: not a break.
    const cli = openCaseDb(path, KEY)
    appendAudit(cli.db, cli.id, { actor: ana, action: 'export.note', target: 'n4', details: {} }, now())
    cli.close()
    expect(verifyAt(path, device.descriptor.fingerprint)).toMatchObject({ ok: true, head: { sealed: { seq: 3 }, after: 1 } })

    // Remove entries 3 and 4: the chain that is left verifies, the head seal does not.
    let db = raw(path)
    db.exec('DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq >= 3')
    db.close()
    const cut = verifyAt(path)
    expect(cut.audit.ok).toBe(true)
    expect(cut.firstBad).toEqual({ kind: 'entry', seq: 3, reason: 'the audit trail ends at entry 2, but the device sealed its head at entry 3: entries 3–3 were removed' })

    // A forger seals the shorter trail with a key of their own: on this device, that is named.
    const other = deviceSigningKey(tempDir(), testKeyStore(), now)
    db = raw(path)
    const head = db.prepare('SELECT hash FROM audit_log WHERE seq = 2').pluck().get() as string
    db.prepare('UPDATE audit_head SET seq = 2, hash = ?, signer = ?, signature = ?').run(
      head,
      JSON.stringify(other.descriptor),
      other.sign(headSigningBytes(caseId, 2, head)).toString('base64')
    )
    db.close()
    expect(verifyAt(path, device.descriptor.fingerprint).firstBad?.reason).toBe(
      `the trail’s head was sealed by the key ${other.descriptor.fingerprint}, not by this device’s key ${device.descriptor.fingerprint}: the seal was replaced`
    )
  })
})
