import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHANNELS, contract } from '../../shared/contract'
import { testServices } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { openCaseDb } from '../db/case-db'
import { createDispatcher } from './dispatch'
import { createHandlers, type Handlers } from './handlers'

function setup() {
  const dir = tempDir()
  const app = testServices(join(dir, 'data'))
  const handlers = createHandlers(app)
  const dispatch = createDispatcher(handlers, { paths: app.paths, isReadOnly: () => app.session.current()?.readOnly ?? false })
  return { dir, app, handlers, dispatch }
}

describe('the contract dispatcher', () => {
  it('has exactly one handler per contract entry', () => {
    const { handlers } = setup()
    expect(Object.keys(handlers).sort()).toEqual([...CHANNELS].sort())
  })

  it('rejects bad input with a clear error naming the call and the field', async () => {
    const { dispatch, app } = setup()
    expect(await dispatch('audit.list', { offset: -1, limit: 5 })).toEqual({
      ok: false,
      error: { code: 'bad-input', message: expect.stringMatching(/^audit\.list: offset: .*>=\s?0/) }
    })
    expect(await dispatch('case.create', { path: app.paths.issue('/tmp/x.lmcase', 'save-file'), passphrase: 'short' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: 'case.create: passphrase: a passphrase has at least 8 characters' }
    })
    expect(await dispatch('case.open', { path: '/tmp/x', extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad-input' } })
    expect(await dispatch('shell.exec', { cmd: 'rm -rf /' })).toEqual({
      ok: false,
      error: { code: 'bad-input', message: 'unknown call "shell.exec"' }
    })
    expect(await dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'bad-input' } })
  })

  it('answers in the envelope: values, people-facing errors, and no case open', async () => {
    const { dispatch, dir, app } = setup()
    expect(await dispatch('audit.list', { offset: 0, limit: 5 })).toMatchObject({ ok: false, error: { code: 'no-case' } })
    const created = await dispatch('case.create', { path: app.paths.issue(join(dir, 'a.lmcase'), 'save-file'), passphrase: 'correct horse battery' })
    expect(created).toMatchObject({ ok: true, value: { name: 'a', readOnly: false } })
    const page = await dispatch('audit.list', { offset: 0, limit: 5 })
    expect(page).toMatchObject({ ok: true, value: { total: 1, entries: [{ action: 'case.create', actor: { name: 'tester' } }] } })
    expect(await dispatch('audit.verify', {})).toMatchObject({ ok: true, value: { ok: true, entries: 1 } })
    expect(await dispatch('case.open', { path: app.paths.issue(join(dir, 'a.lmcase'), 'open-file'), passphrase: 'wrong passphrase' })).toMatchObject({
      ok: false,
      error: { code: 'wrong-key' }
    })
  })

  it('changes the passphrase once another thread lets go of the case (an import finishing after its result), rather than refusing', async () => {
    const { app, dir, dispatch } = setup()
    const path = join(dir, 'a.lmcase')
    app.session.create(path, 'correct horse battery')
    // the import worker's connection, still open for its last checkpoint after the result
    const worker = openCaseDb(path, 'correct horse battery')
    let letGo = (): void => undefined
    app.session.holdWhile(new Promise<void>((resolve) => (letGo = resolve)).then(() => worker.close()))
    const changing = dispatch('case.changePassphrase', { current: 'correct horse battery', next: 'another passphrase' })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(app.session.require().db.pragma('journal_mode', { simple: true })).toBe('wal') // not begun
    letGo()
    expect(await changing).toEqual({ ok: true, value: null })
    app.session.close()
    expect(() => openCaseDb(path, 'correct horse battery').close()).toThrow(/passphrase is wrong/)
    openCaseDb(path, 'another passphrase').close()
  })

  it('refuses mutating calls on a case open for review', async () => {
    const { app, dir, handlers } = setup()
    const path = join(dir, 'a.lmcase')
    app.session.create(path, 'correct horse battery')
    app.session.openCase(path, 'correct horse battery', { readOnly: true })
    const dispatch = createDispatcher(handlers, { paths: app.paths, isReadOnly: () => app.session.current()?.readOnly ?? false })
    const mutating = CHANNELS.filter((c) => contract[c].mutates)
    expect(mutating.length).toBeGreaterThan(0)
    for (const c of mutating) {
      const r = await dispatch(c, {})
      // Input is validated first; a valid input would then be refused as read-only.
      expect(r.ok).toBe(false)
    }
    const r = await dispatch('case.changePassphrase', { current: 'correct horse battery', next: 'another passphrase' })
    expect(r).toMatchObject({ ok: false, error: { code: 'read-only' } })
  })
})

describe('the compiler enforces one handler per contract entry', () => {
  // Each `@ts-expect-error` below is the test: `npm run typecheck` checks test files and fails on a
  // directive with no error under it, so a Handlers type that let a table miss an entry or carry a
  // misspelt one would stop this file compiling (it ran tsc on three generated files, ~45 s of the
  // unit stage). The tables are then checked at run time for what the compiler was asked.
  it('accepts the real table, and neither a table with a handler missing nor one with a handler renamed', () => {
    const { app, handlers } = setup()
    const complete: Handlers = { ...createHandlers(app) }
    const { ['audit.verify']: verify, ...rest } = handlers
    // @ts-expect-error a table without audit.verify is not Handlers
    const missing: Handlers = rest
    // @ts-expect-error audit.verfy is no contract entry, and audit.verify is missing
    const renamed: Handlers = { ...rest, 'audit.verfy': verify }
    expect(Object.keys(complete).sort()).toEqual([...CHANNELS].sort())
    expect(CHANNELS.filter((c) => !(c in missing))).toEqual(['audit.verify'])
    expect(Object.keys(renamed).filter((c) => !(CHANNELS as readonly string[]).includes(c))).toEqual(['audit.verfy'])
  })
})
