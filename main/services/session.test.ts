import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { testKeyStore, testServices } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { listAudit } from '../audit/chain'

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

  it('refuses to remember when the OS keystore is only basic_text', () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'), { keystore: testKeyStore({ secure: false, backend: 'basic_text' }) })
    expect(app.session.canRemember()).toBe(false)
    expect(() => app.session.create(join(dir, 'b.lmcase'), KEY, { remember: true })).toThrow(/"basic_text", which does not protect secrets/)
    // refused before anything was created
    expect(existsSync(join(dir, 'b.lmcase'))).toBe(false)
  })

  it('changes the passphrase only with the current one, and audits it', () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    const path = join(dir, 'a.lmcase')
    app.session.create(path, KEY)
    expect(() => app.session.changePassphrase('not it at all', 'new passphrase here', false)).toThrow(/current passphrase is not right/)
    app.session.changePassphrase(KEY, 'new passphrase here', false)
    const c = app.session.require()
    expect(listAudit(c.db, 0, 1).entries[0].action).toBe('case.passphrase-changed')
    app.session.close()
    expect(() => app.session.openCase(path, KEY)).toThrow(/passphrase is wrong/)
    expect(app.session.openCase(path, 'new passphrase here').path).toBe(path)
  })

  it('attributes entries to the identity the user set', () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    app.session.setIdentity('Rita Reviewer', 'approver')
    app.session.create(join(dir, 'a.lmcase'), KEY)
    expect(listAudit(app.session.require().db, 0, 1).entries[0].actor).toEqual({ kind: 'person', name: 'Rita Reviewer', role: 'approver' })
  })
})
