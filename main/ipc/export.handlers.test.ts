import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHANNELS, contract, type Channel } from '../../shared/contract'
import type { Progress } from '../../shared/model'
import { testP12 } from '../../test/fixtures/export/p12'
import { NO_DIALOGS } from '../platform/ports'
import { chooser, testKeyStore, testServices } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { createDispatcher } from './dispatch'
import { createHandlers } from './handlers'

const PASS = 'correct horse battery'
const EXPORT_PASS = 'auditor export passphrase'

function setup(keystore = testKeyStore()) {
  const dir = tempDir()
  const app = testServices(join(dir, 'data'), { keystore })
  const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => app.session.current()?.readOnly ?? false })
  return { dir, app, dispatch, c: chooser(app) }
}

describe('checkpoints and exports through the contract', () => {
  it('checkpoints with the device key, lists and verifies them; refuses a device key without a secure keystore', async () => {
    const { dir, dispatch, c } = setup()
    await dispatch('case.create', { path: c.save(join(dir, 'a.lmcase')), passphrase: PASS })
    const cp = await dispatch('checkpoint.create', {})
    expect(cp).toMatchObject({ ok: true, value: { number: 1, firstSeq: 1, lastSeq: 1, signer: { kind: 'device', algorithm: 'ed25519' } } })
    expect(await dispatch('checkpoint.list', {})).toMatchObject({ ok: true, value: [{ number: 1 }] })
    expect(await dispatch('checkpoint.verify', {})).toMatchObject({ ok: true, value: { ok: true, checkpoints: { count: 1 } } })
    expect(await dispatch('checkpoint.verify', { expectSigner: 'nope' })).toMatchObject({ ok: false, error: { code: 'bad-input' } })

    const insecure = setup(testKeyStore({ secure: false, backend: 'basic_text' }))
    await insecure.dispatch('case.create', { path: insecure.c.save(join(insecure.dir, 'b.lmcase')), passphrase: PASS })
    expect(await insecure.dispatch('checkpoint.create', {})).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringMatching(/basic_text.*choose a PKCS#12 signing certificate/) }
    })
    const p = testP12()
    expect(await insecure.dispatch('checkpoint.create', { sign: { p12Path: insecure.c.open(p.path), passphrase: p.passphrase } })).toMatchObject({
      ok: true,
      value: { signer: { kind: 'pkcs12', fingerprint: p.fingerprint } }
    })
  })

  it('exports a signed PDF with progress events', async () => {
    const { dir, app, dispatch, c } = setup()
    await dispatch('case.create', { path: c.save(join(dir, 'a.lmcase')), passphrase: PASS })
    const events: Progress[] = []
    app.events.on('progress', (p) => events.push(p))
    const p = testP12()
    const out = join(dir, 'report.pdf')
    const r = await dispatch('export.pdf', { out: c.save(out), sign: { p12Path: c.open(p.path), passphrase: p.passphrase }, classification: 'INTERNAL' })
    expect(r).toMatchObject({ ok: true, value: { path: out, checkpoint: { number: 1 } } })
    expect(events.some((e) => e.operation === 'export.pdf')).toBe(true)
    expect(await dispatch('export.verifyFile', { path: c.open(out) })).toMatchObject({ ok: true, value: { kind: 'pdf', ok: true } })
    // An existing file is replaced only when the person confirmed it in the save dialog.
    const again = await dispatch('export.pdf', { out: c.save(out), sign: { p12Path: c.open(p.path), passphrase: p.passphrase } })
    expect(again).toMatchObject({ ok: false, error: { code: 'exists', message: expect.stringMatching(/report\.pdf: already exists/) } })
    const wrong = await dispatch('export.pdf', { out: c.save(out, { replaceConfirmed: true }), overwrite: true, sign: { p12Path: c.open(p.path), passphrase: 'wrong' } })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/passphrase of the signing certificate is wrong/) } })
  })
  it('replaces an existing file only when the person confirmed it in the save dialog, not because the page says overwrite', async () => {
    const dir = tempDir()
    const out = join(dir, 'report.pdf')
    const app = testServices(join(dir, 'data'), { dialogs: { ...NO_DIALOGS, save: async () => out } })
    const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => false })
    const c = chooser(app)
    await dispatch('case.create', { path: c.save(join(dir, 'a.lmcase')), passphrase: PASS })
    const p = testP12()
    const sign = { p12Path: c.open(p.path), passphrase: p.passphrase }
    // chosen while not there: nothing to confirm
    const fresh = await dispatch('dialog.save', { purpose: 'report' })
    expect(fresh).toEqual({ ok: true, value: { token: expect.any(String), path: out, name: 'report.pdf' } })
    const token = (fresh as { value: { token: string } }).value.token
    expect(await dispatch('export.pdf', { out: token, sign })).toMatchObject({ ok: true })
    const first = readFileSync(out)
    // the page asks to overwrite, but the person never confirmed replacing it: refused, untouched
    expect(await dispatch('export.pdf', { out: token, overwrite: true, sign })).toMatchObject({ ok: false, error: { code: 'exists' } })
    expect(readFileSync(out).equals(first)).toBe(true)
    // chosen again: the save dialog asked about the existing file, and the person confirmed
    const again = await dispatch('dialog.save', { purpose: 'report' })
    expect(again).toMatchObject({ ok: true, value: { path: out, replaces: true } })
    const replaced = await dispatch('export.pdf', { out: (again as { value: { token: string } }).value.token, overwrite: true, sign })
    expect(replaced).toMatchObject({ ok: true, value: { path: out } })
  })
})

describe('Cancelling the PDF export', () => {
  it('stops the render: no report is written, the export is not recorded, the checkpoint made for it stays', async () => {
    const { dir, app, dispatch, c } = setup()
    await dispatch('case.create', { path: c.save(join(dir, 'a.lmcase')), passphrase: PASS })
    const p = testP12()
    const out = join(dir, 'report.pdf')
    expect(await dispatch('export.cancel', {})).toEqual({ ok: true, value: { cancelled: false } })
    let cancel: Promise<unknown> | null = null
    app.events.on('progress', (e) => {
      if (e.operation === 'export.pdf' && e.message === 'rendering' && !cancel) cancel = dispatch('export.cancel', {})
    })
    const r = await dispatch('export.pdf', { out: c.save(out), sign: { p12Path: c.open(p.path), passphrase: p.passphrase } })
    expect(await cancel).toEqual({ ok: true, value: { cancelled: true } })
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'cancelled', message: `${out}: the PDF export was cancelled and no report was written (the checkpoint made for it stays in the audit trail)` }
    })
    expect(existsSync(out)).toBe(false)
    const actions = (app.session.require().db.prepare('SELECT action FROM audit_log ORDER BY seq').all() as Array<{ action: string }>).map((a) => a.action)
    expect(actions).not.toContain('export.pdf')
    expect(await dispatch('checkpoint.list', {})).toMatchObject({ ok: true, value: [{ number: 1 }] })
    // the next export runs whole
    expect(await dispatch('export.pdf', { out: c.save(out), sign: { p12Path: c.open(p.path), passphrase: p.passphrase } })).toMatchObject({
      ok: true,
      value: { path: out, checkpoint: { number: 2 } }
    })
  })
})

describe('Show in folder', () => {
  it('shows only what this run wrote, while it is still there, and says so when there is no file manager', async () => {
    const shown: string[] = []
    const dir = tempDir()
    const app = testServices(join(dir, 'data'), { dialogs: { ...NO_DIALOGS, showInFolder: (path) => (shown.push(path), true) } })
    const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => app.session.current()?.readOnly ?? false })
    const c = chooser(app)
    await dispatch('case.create', { path: c.save(join(dir, 'a.lmcase')), passphrase: PASS })
    const p = testP12()
    const out = join(dir, 'report.pdf')
    expect(await dispatch('dialog.showInFolder', { path: out })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: `${out} was not written by Lastmile in this session, so it is not shown` }
    })
    await dispatch('export.pdf', { out: c.save(out), sign: { p12Path: c.open(p.path), passphrase: p.passphrase } })
    expect(await dispatch('dialog.showInFolder', { path: `${dir}/./report.pdf` })).toEqual({ ok: true, value: null })
    expect(shown).toEqual([out])
    // the case file itself, the data folder, anything else: refused
    for (const path of [join(dir, 'a.lmcase'), join(dir, 'data'), '/etc/passwd']) {
      expect(await dispatch('dialog.showInFolder', { path })).toMatchObject({ ok: false, error: { code: 'bad-input' } })
    }
    rmSync(out)
    expect(await dispatch('dialog.showInFolder', { path: out })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: `${out} is no longer there (moved or deleted?)` }
    })

    const headless = testServices(join(dir, 'data2'))
    const d2 = createDispatcher(createHandlers(headless), { paths: headless.paths, isReadOnly: () => false })
    const c2 = chooser(headless)
    await d2('case.create', { path: c2.save(join(dir, 'b.lmcase')), passphrase: PASS })
    const out2 = join(dir, 'b.pdf')
    await d2('export.pdf', { out: c2.save(out2), sign: { p12Path: c2.open(p.path), passphrase: p.passphrase } })
    expect(await d2('dialog.showInFolder', { path: out2 })).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: `there is no file manager here; the file is at ${out2}` }
    })
  })
})

describe('Open case file for review', () => {
  it('opens read-only, refuses every mutating call, and removes its temporary copy when closed', async () => {
    const { dir, app, dispatch, c } = setup()
    await dispatch('case.create', { path: c.save(join(dir, 'a.lmcase')), passphrase: PASS })
    const file = join(dir, 'a.lmaudit')
    expect(await dispatch('export.caseFile', { out: c.save(file), exportPassphrase: EXPORT_PASS })).toMatchObject({ ok: true, value: { signer: { kind: 'device' } } })
    expect(await dispatch('export.verifyFile', { path: c.open(file), exportPassphrase: EXPORT_PASS })).toMatchObject({ ok: true, value: { kind: 'case-file', ok: true } })
    expect(await dispatch('export.verifyFile', { path: c.open(file) })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringMatching(/export passphrase is needed/) }
    })

    expect(await dispatch('case.openForReview', { path: c.open(file), exportPassphrase: 'not it at all' })).toMatchObject({
      ok: false,
      error: { code: 'wrong-key', message: expect.stringMatching(/a\.lmaudit: the export passphrase is wrong/) }
    })
    const reviews = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('lastmile-review-'))
    const before = reviews()
    const opened = await dispatch('case.openForReview', { path: c.open(file), exportPassphrase: EXPORT_PASS })
    expect(opened).toMatchObject({ ok: true, value: { readOnly: true, name: 'a' } })
    expect(app.session.current()?.readOnly).toBe(true)
    // Shown under the auditor's file, and not added to the recent cases.
    expect(app.session.current()!.path).toBe(file)
    expect(app.session.recentCases().map((r) => r.path)).toEqual([join(dir, 'a.lmcase')])
    const mine = reviews().filter((n) => !before.includes(n))
    expect(mine).toHaveLength(1)

    // Reading works: the trail, its checkpoints.
    const page = await dispatch('audit.list', { offset: 0, limit: 5 })
    expect(page.ok && (page.value as { entries: Array<{ action: string }> }).entries[0].action).toBe('checkpoint.create')
    expect(await dispatch('checkpoint.verify', {})).toMatchObject({ ok: true, value: { ok: true } })

    // Every mutating call is refused; with a valid input the refusal is the read-only one.
    const p = testP12()
    const valid: Partial<Record<Channel, unknown>> = {
      'case.create': { path: c.save(join(dir, 'new.lmcase')), passphrase: PASS },
      'case.changePassphrase': { current: PASS, next: 'another passphrase' },
      'checkpoint.create': {},
      'export.pdf': { out: c.save(join(dir, 'r.pdf')), sign: { p12Path: c.open(p.path), passphrase: p.passphrase } },
      'export.caseFile': { out: c.save(join(dir, 'again.lmaudit')), exportPassphrase: EXPORT_PASS }
    }
    const mutating = CHANNELS.filter((c) => contract[c].mutates)
    for (const c of mutating) {
      const r = await dispatch(c, valid[c] ?? {})
      expect(r.ok, c).toBe(false)
      if (valid[c]) expect(r, c).toMatchObject({ ok: false, error: { code: 'read-only' } })
    }
    expect(existsSync(join(dir, 'r.pdf'))).toBe(false)

    await dispatch('case.close', {})
    expect(reviews()).not.toContain(mine[0])
  })
})
