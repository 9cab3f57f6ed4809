import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import type { Actor } from '../../shared/model'
import { createCaseDb, openCaseDb, type WritableCaseDb } from '../db/case-db'
import { canonicalJson } from './canonical'
import { appendAudit, audited, listAudit, verifyAudit } from './chain'

const KEY = 'correct horse battery staple'
const alice: Actor = { kind: 'person', name: 'Alice Analyst', role: 'analyst' }
let tick = 0
const now = (): string => new Date(Date.UTC(2026, 10, 27, 10, 0, tick++)).toISOString()

function caseWithEntries(n: number): { c: WritableCaseDb; path: string } {
  const path = join(tempDir(), 'case.lmcase')
  const c = createCaseDb(path, KEY, { now: now() })
  for (let i = 1; i <= n; i++) {
    appendAudit(c.db, c.id, { actor: alice, action: 'test.step', target: `t${i}`, details: { i, note: `step ${i}` } }, now())
  }
  return { c, path }
}

/** Open the case the way an attacker with the key would: raw SQL, triggers dropped. */
function behindTheAppsBack(path: string, sql: string): void {
  const c = openCaseDb(path, KEY)
  c.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_contiguous;')
  c.db.exec(sql)
  c.close()
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}')
  })
  it('refuses values JSON would silently change', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/NaN/)
    expect(() => canonicalJson({ x: () => 1 })).toThrow(/function/)
  })
})

describe('the audit chain', () => {
  it('verifies an untouched chain and lists entries newest first', () => {
    const { c } = caseWithEntries(5)
    const v = verifyAudit(c.db, c.id)
    expect(v).toMatchObject({ ok: true, entries: 5, firstBad: null })
    const page = listAudit(c.db, 0, 2)
    expect(page.total).toBe(5)
    expect(page.entries.map((e) => e.seq)).toEqual([5, 4])
    expect(page.entries[0].actor).toEqual(alice)
    expect(page.entries[1].prevHash).toBe(listAudit(c.db, 2, 1).entries[0].hash)
    c.close()
  })

  it('blocks UPDATE and DELETE and gaps through the normal connection', () => {
    const { c } = caseWithEntries(2)
    expect(() => c.db.prepare("UPDATE audit_log SET target = 'x' WHERE seq = 1").run()).toThrow(/append-only/)
    expect(() => c.db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/)
    expect(() => c.db.prepare("INSERT INTO audit_log (seq, time, actor, action, target, details, prev_hash, hash) VALUES (9, 't', '{}', 'a', 't', '{}', 'p', 'h')").run()).toThrow(
      /contiguous/
    )
    c.close()
  })

  it('names the entry whose content was edited behind the app', () => {
    const { c, path } = caseWithEntries(6)
    c.close()
    behindTheAppsBack(path, `UPDATE audit_log SET details = '{"i":4,"note":"nothing to see"}' WHERE seq = 4`)
    const again = openCaseDb(path, KEY)
    const v = verifyAudit(again.db, again.id)
    expect(v.ok).toBe(false)
    expect(v.firstBad?.seq).toBe(4)
    expect(v.firstBad?.reason).toMatch(/entry 4 .* does not match its hash/)
    expect(v.entries).toBe(3)
    again.close()
  })

  it('names a deleted entry and an entry whose hashes were recomputed from a forged one', () => {
    const { c, path } = caseWithEntries(5)
    c.close()
    behindTheAppsBack(path, 'DELETE FROM audit_log WHERE seq = 3')
    let again = openCaseDb(path, KEY)
    expect(verifyAudit(again.db, again.id).firstBad).toMatchObject({ seq: 3, reason: expect.stringMatching(/missing/) })
    again.close()

    const second = caseWithEntries(3)
    second.c.close()
    // The forger rewrites entry 2 AND its hash, but cannot fix the link from entry 3.
    again = openCaseDb(second.path, KEY)
    const row = again.db.prepare('SELECT * FROM audit_log WHERE seq = 2').get() as { prev_hash: string }
    again.close()
    behindTheAppsBack(second.path, `UPDATE audit_log SET target = 'forged', hash = '${'ab'.repeat(32)}' WHERE seq = 2`)
    again = openCaseDb(second.path, KEY)
    const v = verifyAudit(again.db, again.id)
    expect(v.firstBad?.seq).toBe(2)
    expect(row.prev_hash).toHaveLength(64)
    again.close()
  })

  it('names entries swapped in order', () => {
    const { c, path } = caseWithEntries(4)
    c.close()
    behindTheAppsBack(path, `UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = -2;`)
    const again = openCaseDb(path, KEY)
    expect(verifyAudit(again.db, again.id).firstBad?.seq).toBe(2)
    again.close()
  })

  it('records a change and its entry in one transaction: a failed change leaves no entry', () => {
    const { c } = caseWithEntries(1)
    c.db.exec('CREATE TABLE thing (name TEXT NOT NULL) STRICT')
    expect(() =>
      audited(
        c.db,
        c.id,
        now,
        () => {
          c.db.prepare("INSERT INTO thing VALUES ('half')").run()
          throw new Error('disk on fire')
        },
        () => ({ actor: alice, action: 'thing.add', target: 'half' })
      )
    ).toThrow(/disk on fire/)
    expect(c.db.prepare('SELECT count(*) FROM thing').pluck().get()).toBe(0)
    expect(listAudit(c.db, 0, 10).total).toBe(1)

    audited(
      c.db,
      c.id,
      now,
      () => c.db.prepare("INSERT INTO thing VALUES ('whole')").run().changes,
      (changes) => ({ actor: alice, action: 'thing.add', target: 'whole', details: { changes } })
    )
    expect(listAudit(c.db, 0, 1).entries[0]).toMatchObject({ action: 'thing.add', details: { changes: 1 } })
    expect(verifyAudit(c.db, c.id).ok).toBe(true)
    c.close()
  })

  it('does not verify entries copied from another case', () => {
    const a = caseWithEntries(2)
    const b = caseWithEntries(0)
    const rows = a.c.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Array<Record<string, unknown>>
    a.c.close()
    b.c.close()
    behindTheAppsBack(b.path, 'SELECT 1')
    const target = openCaseDb(b.path, KEY)
    const ins = target.db.prepare(
      'INSERT INTO audit_log (seq, time, actor, action, target, details, prev_hash, hash) VALUES (@seq, @time, @actor, @action, @target, @details, @prev_hash, @hash)'
    )
    for (const r of rows) ins.run(r)
    expect(verifyAudit(target.db, target.id).firstBad?.seq).toBe(1)
    target.close()
  })
})
