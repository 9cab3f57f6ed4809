import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { testKeyStore, testServices } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { listAudit } from '../audit/chain'
import { verifyCase } from '../audit/checkpoint'
import { openCaseDb } from '../db/case-db'
import { LARGE_LOG_BYTES, PERSON_KEY_FILE } from './session'

const KEY = 'correct horse battery staple'

describe('the case session', () => {
  it('remembers a passphrase through a secure keystore and reopens without it', () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    const path = join(dir, 'a.lmcase')
    app.session.create(path, KEY, { remember: true })
    app.session.close()
    expect(app.session.recentCases()[0]).toMatchObject({ path, remembered: true })
    expect(app.session.openCase(path, undefined).path).toBe(path)
    // the sealed passphrase on disk is not the passphrase
    app.session.forget(path)
    app.session.close()
    expect(() => app.session.openCase(path, undefined)).toThrow(/a passphrase is needed/)
  })

  it('has a large log found at open checkpointed on a thread of its own, and starts none for a small one', async () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    const path = join(dir, 'a.lmcase')
    app.session.create(path, KEY)
    app.session.close()
    // a small log: nothing started
    app.session.openCase(path, KEY)
    await expect(app.session.logCheckpoint()).resolves.toBeNull()
    app.session.close()
    // Committed but not checkpointed, as an import's worker leaves the log when the app quits during
    // the checkpoint it runs after reporting: written with the auto-checkpoint off, and closed while
    // another connection holds the case (the last connection to close would checkpoint it).
    const holder = openCaseDb(path, KEY)
    const writer = openCaseDb(path, KEY)
    writer.db.pragma('wal_autocheckpoint = 0')
    writer.db.exec('CREATE TABLE probe (b BLOB NOT NULL) STRICT')
    writer.db.prepare('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 24) INSERT INTO probe (b) SELECT randomblob(1048576) FROM n').run()
    writer.db.exec('DROP TABLE probe')
    writer.close()
    expect(statSync(`${path}-wal`).size).toBeGreaterThanOrEqual(LARGE_LOG_BYTES)
    app.session.openCase(path, KEY)
    const report = await app.session.logCheckpoint()
    // every frame of the log copied into the case file by the thread, with the app's connection open
    expect(report).toMatchObject({ ok: true, checkpoints: 1, last: { busy: 0 } })
    expect(report?.last?.log).toBeGreaterThanOrEqual(LARGE_LOG_BYTES / 4096)
    expect(report?.last?.checkpointed).toBe(report?.last?.log)
    expect(verifyCase(app.session.require().db, app.session.require().id).ok).toBe(true)
    holder.close()
    app.session.close()
  })

  it('refuses to remember when the OS keystore is only basic_text', () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'), { keystore: testKeyStore({ secure: false, backend: 'basic_text' }) })
    expect(app.session.canRemember()).toBe(false)
    expect(() => app.session.create(join(dir, 'b.lmcase'), KEY, { remember: true })).toThrow(/"basic_text", which does not protect secrets/)
    // refused before anything was created
    expect(existsSync(join(dir, 'b.lmcase'))).toBe(false)
  })

  it('is settled once every piece of work another thread does on the case has ended, whatever it ended in', async () => {
    const app = testServices(join(tempDir(), 'data'))
    await app.session.settled()
    const ends: Array<() => void> = []
    const order: string[] = []
    app.session.holdWhile(new Promise<void>((resolve) => ends.push(resolve)).then(() => order.push('checkpoint')))
    app.session.holdWhile(new Promise<void>((_, reject) => ends.push(() => reject(new Error('disk full')))).finally(() => order.push('failed')))
    const settled = app.session.settled().then(() => order.push('settled'))
    ends[1]()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(order).toEqual(['failed'])
    ends[0]()
    await settled
    expect(order).toEqual(['failed', 'checkpoint', 'settled'])
  })

  it('changes the passphrase only with the current one, and audits it', () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    const path = join(dir, 'a.lmcase')
    app.session.create(path, KEY)
    expect(() => app.session.changePassphrase(app.session.requireWritable(), 'not it at all', 'new passphrase here', false)).toThrow(/current passphrase is not right/)
    app.session.changePassphrase(app.session.requireWritable(), KEY, 'new passphrase here', false)
    const c = app.session.require()
    expect(listAudit(c.db, 0, 1).entries[0].action).toBe('case.passphrase-changed')
    app.session.close()
    expect(() => app.session.openCase(path, KEY)).toThrow(/passphrase is wrong/)
    expect(app.session.openCase(path, 'new passphrase here').path).toBe(path)
  })

  it('signs as the person of this app: a key sealed by the OS keystore, its name bound once; the creator owns the case', () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    expect(app.session.identity()).toMatchObject({ key: null, roles: ['analyst'], owner: false, problem: null })
    const me = app.session.createIdentity('Rita Reviewer')
    expect(me.key).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(readFileSync(join(dir, 'data', PERSON_KEY_FILE), 'utf8')).not.toMatch(/PRIVATE KEY/)
    expect(() => app.session.createIdentity('Administrator')).toThrow(/is bound to "Rita Reviewer"; a name is bound to its key once/)
    app.session.create(join(dir, 'a.lmcase'), KEY)
    const entry = listAudit(app.session.require().db, 0, 1).entries[0]
    expect(entry.actor).toEqual({ kind: 'person', name: 'Rita Reviewer', role: 'analyst', key: me.key })
    expect(app.session.identity()).toMatchObject({ owner: true, role: 'admin', roles: ['admin', 'approver', 'operator', 'auditor', 'analyst'] })
  })

  it('a second person joins the case on opening it, holds analyst until the owner grants more, and cannot grant', () => {
    const dir = tempDir()
    const path = join(dir, 'a.lmcase')
    const owner = testServices(join(dir, 'owner'))
    owner.session.create(path, KEY)
    const other = testServices(join(dir, 'other'), { osUser: 'rita' })
    other.session.openCase(path, KEY)
    const rita = other.session.identity()
    expect(rita).toMatchObject({ name: 'rita', owner: false, roles: ['analyst'], role: 'analyst' })
    expect(() => other.session.setRole(other.session.requireWritable(), rita.key!, 'approver', true)).toThrow(/only the case owner/)
    expect(owner.session.setRole(owner.session.requireWritable(), rita.key!, 'approver', true).find((p) => p.key === rita.key)?.roles).toEqual(['approver', 'analyst'])
    expect(other.session.identity()).toMatchObject({ role: 'approver', roles: ['approver', 'analyst'] })
    expect(verifyCase(owner.session.require().db, owner.session.require().id).ok).toBe(true)
    other.session.close()
    owner.session.close()
  })

  it('without a keystore that protects secrets there is no key: decisions cannot be signed, and Settings says why', () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'), { keystore: testKeyStore({ secure: false, backend: 'basic_text' }) })
    expect(app.session.identity().problem).toMatch(/basic_text\) does not protect secrets/)
    expect(app.session.actor()).toEqual({ kind: 'person', name: app.session.identity().name, role: 'analyst' })
  })
})
