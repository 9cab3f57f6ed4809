// The renderer can name only what the user chose (issue 13): every path-taking channel refuses a
// typed path, a token of the wrong kind and a token from another run, and accepts a token its own
// dialog issued, handing the handler the chosen path. Run through the real dispatcher with the
// real dialog handlers issuing the tokens; the path-taking handlers are replaced by recorders, so
// what is tested is the IPC layer itself, not what each service then does with the file.
import { join } from 'node:path'
import type { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { CHANNELS, contract, OPEN_KIND, SAVE_KIND, type Channel, type OpenPurpose, type PathKind, type SavePurpose } from '../../shared/contract'
import { NO_DIALOGS } from '../platform/ports'
import { PathGrants } from '../services/path-grants'
import { testServices } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { createDispatcher } from './dispatch'
import { createHandlers, type Handlers } from './handlers'
import { pathFields } from './path-fields'

type Fill = (field: string) => string

/** A valid input for each path-taking channel, its path fields filled by `t(field)`. */
const VALID: Record<string, (t: Fill) => unknown> = {
  'case.create': (t) => ({ path: t('path'), passphrase: 'correct horse battery' }),
  'case.open': (t) => ({ path: t('path') }),
  'evaluate.bundle': (t) => ({ path: t('path') }),
  'checkpoint.create': (t) => ({ sign: { p12Path: t('sign.p12Path'), passphrase: 'p' } }),
  'export.pdf': (t) => ({ out: t('out'), sign: { p12Path: t('sign.p12Path'), passphrase: 'p' } }),
  'export.caseFile': (t) => ({ out: t('out'), exportPassphrase: 'auditor passphrase', sign: { p12Path: t('sign.p12Path'), passphrase: 'p' } }),
  'export.verifyFile': (t) => ({ path: t('path') }),
  'case.openForReview': (t) => ({ path: t('path'), exportPassphrase: 'auditor passphrase' }),
  'signing.setCertificate': (t) => ({ path: t('path') }),
  'signing.inspect': (t) => ({ p12Path: t('p12Path'), passphrase: 'p' }),
  'evidence.add': (t) => ({ path: t('path') }),
  'evidence.collect': (t) => ({ out: t('out'), provider: 'aws' }),
  'ingest.import': (t) => ({ paths: [t('paths[]'), t('paths[]')] }),
  'investigate.run': (t) => ({ playbooksDir: t('playbooksDir') }),
  'playbooks.list': (t) => ({ playbooksDir: t('playbooksDir') }),
  'workflow.route': (t) => ({ refs: ['F-1'], groupBy: 'initiative', out: t('out') }),
  'workflow.recordExecution': (t) => ({ plan: 'P-1', outcome: 'executed', outputPath: t('outputPath') }),
  'workflow.validate': (t) => ({ ref: 'P-1', method: 'evidence', bundle: t('bundle') }),
  'guardrails.export': (t) => ({ out: t('out') })
}

/** The dialog that issues each kind of token, and the path it answers. */
const DIALOG: Record<PathKind, { open?: OpenPurpose; save?: SavePurpose; path: string }> = {
  'open-file': { open: 'import', path: '/home/ana/exports/securityhub.json' },
  'open-folder': { open: 'evidence', path: '/home/ana/bundles/acme-2026-11' },
  'save-file': { save: 'report', path: '/home/ana/reports/acme.pdf' },
  'save-folder': { save: 'guardrails', path: '/home/ana/out/guardrails' }
}
const KINDS = Object.keys(DIALOG) as PathKind[]
const WRONG: Record<PathKind, PathKind> = { 'open-file': 'save-file', 'save-file': 'open-file', 'open-folder': 'open-file', 'save-folder': 'open-folder' }

async function setup() {
  const app = testServices(join(tempDir(), 'data'), {
    dialogs: {
      ...NO_DIALOGS,
      open: async (purpose) => [KINDS.map((k) => DIALOG[k]).find((d) => d.open === purpose)!.path],
      save: async (purpose) => KINDS.map((k) => DIALOG[k]).find((d) => d.save === purpose)!.path
    }
  })
  const real = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => false })
  // the dialogs answer through the real handlers: main issues the tokens
  const issued = {} as Record<PathKind, string>
  for (const k of KINDS) {
    const d = DIALOG[k]
    const r = d.open ? await real('dialog.open', { purpose: d.open }) : await real('dialog.save', { purpose: d.save })
    if (!r.ok) throw new Error(r.error.message)
    const chosen = (Array.isArray(r.value) ? r.value[0] : r.value) as { token: string; path: string }
    expect(chosen.path).toBe(d.path)
    issued[k] = chosen.token
  }
  const received: Array<{ channel: string; input: unknown }> = []
  const recorders = Object.fromEntries(CHANNELS.map((c) => [c, (input: unknown) => (received.push({ channel: c, input }), null)])) as unknown as Handlers
  const dispatch = createDispatcher(recorders, { paths: app.paths, isReadOnly: () => false })
  return { app, issued, received, dispatch }
}

const pathChannels = CHANNELS.filter((c) => Object.keys(pathFields(contract[c].input)).length > 0)

describe('path-taking channels take only a token main issued for what the user chose', () => {
  it('are exactly the channels with a path in their input', () => {
    expect([...pathChannels].sort()).toEqual(Object.keys(VALID).sort())
  })

  it('no other field of the contract takes a path as a string', () => {
    // every string field whose name says path, file, folder or output is a token field, but for
    // two that read or write no file: the passphrase store's key and the files this run wrote
    const stringFields: string[] = []
    const walk = (schema: z.ZodType, at: string): void => {
      const def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType> } } })._zod.def
      if (def.type === 'string') stringFields.push(at)
      else if (def.innerType) walk(def.innerType, at)
      else if (def.element) walk(def.element, `${at}[]`)
      else if (def.shape) for (const [k, s] of Object.entries(def.shape)) walk(s, at ? `${at}.${k}` : k)
    }
    const suspicious: string[] = []
    for (const c of CHANNELS) {
      stringFields.length = 0
      walk(contract[c].input, '')
      const tokens = pathFields(contract[c].input)
      for (const f of stringFields) if (/path|file|dir|folder|^out$|bundle$/i.test(f) && !(f in tokens)) suspicious.push(`${c}: ${f}`)
    }
    // evidence.list's `bundle` is a bundle id in the case (B-1), evidence.collect's `profile` a credential profile's name
    expect(suspicious.sort()).toEqual(['case.forgetPassphrase: path', 'dialog.showInFolder: path', 'evidence.collect: profile', 'evidence.list: bundle'])
  })

  for (const channel of Object.keys(VALID) as Channel[]) {
    const fields = (): Record<string, PathKind> => pathFields(contract[channel].input)

    it(`${channel}: accepts tokens its dialogs issued and hands the handler the chosen paths`, async () => {
      const { issued, received, dispatch } = await setup()
      const kinds = fields()
      const r = await dispatch(
        channel,
        VALID[channel]!((f) => issued[kinds[f]!])
      )
      expect(r, JSON.stringify(r)).toEqual({ ok: true, value: null })
      expect(received).toHaveLength(1)
      const expected = VALID[channel]!((f) => DIALOG[kinds[f]!].path)
      expect(received[0]).toEqual({ channel, input: expect.objectContaining(expected as object) })
    })

    it(`${channel}: refuses a typed path, a token of the wrong kind, and a token from another run, before the handler runs`, async () => {
      const { issued, received, dispatch } = await setup()
      const kinds = fields()
      const otherRun = new PathGrants()
      for (const [field, kind] of Object.entries(kinds)) {
        const name = field.replace('[]', '')
        const withBad = (bad: string) => VALID[channel]!((f) => (f === field ? bad : issued[kinds[f]!]))

        const typed = await dispatch(channel, withBad(DIALOG[kind].path))
        expect(typed, `${channel} ${field} typed`).toMatchObject({
          ok: false,
          error: { code: 'bad-input', message: expect.stringContaining('a file or folder chosen in a dialog or dropped on the window') }
        })
        expect(typed.ok ? '' : typed.error.message).toMatch(new RegExp(`^${channel.replace('.', '\\.')}: ${name.replace('.', '\\.')}`))

        const wrongKind = await dispatch(channel, withBad(issued[WRONG[kind]]))
        expect(wrongKind, `${channel} ${field} wrong kind`).toMatchObject({
          ok: false,
          error: {
            code: 'bad-input',
            message: expect.stringMatching(new RegExp(`^${channel.replace('.', '\\.')}: ${name.replace('.', '\\.')}.*: ${DIALOG[WRONG[kind]].path} is a .* but this needs a`))
          }
        })

        const earlier = await dispatch(channel, withBad(otherRun.issue(DIALOG[kind].path, kind)))
        expect(earlier, `${channel} ${field} other run`).toMatchObject({
          ok: false,
          error: { code: 'bad-input', message: expect.stringContaining('chosen in an earlier run of Lastmile; choose it again') }
        })

        const forged = await dispatch(channel, withBad(issued[kind].replace(/[0-9a-f]{32}$/, '0'.repeat(32))))
        expect(forged, `${channel} ${field} forged`).toMatchObject({
          ok: false,
          error: { code: 'bad-input', message: expect.stringContaining('not a file or folder Lastmile handed out') }
        })
      }
      expect(received).toEqual([])
    })
  }
})

describe('what the dialogs and main offer', () => {
  it('scopes each dialog purpose to its kind: open dialogs read, save dialogs write, folders apart from files', async () => {
    const { app } = await setup()
    for (const [purpose, kind] of Object.entries(OPEN_KIND)) expect(kind, purpose).toMatch(/^open-/)
    for (const [purpose, kind] of Object.entries(SAVE_KIND)) expect(kind, purpose).toMatch(/^save-/)
    expect(OPEN_KIND.evidence).toBe('open-folder')
    expect(SAVE_KIND.bundle).toBe('save-folder')
    // cancelled: no token
    const quiet = createDispatcher(createHandlers(testServices(join(tempDir(), 'data'))), { paths: app.paths, isReadOnly: () => false })
    expect(await quiet('dialog.open', { purpose: 'case' })).toEqual({ ok: true, value: [] })
    expect(await quiet('dialog.save', { purpose: 'case' })).toEqual({ ok: true, value: null })
  })

  it('tokens are random per choice and per run', () => {
    const a = new PathGrants()
    const b = new PathGrants()
    expect(a.run).not.toBe(b.run)
    const t1 = a.issue('/x', 'open-file')
    const t2 = a.issue('/x', 'open-file')
    expect(t1).not.toBe(t2)
    expect(a.resolve(t1, 'open-file', 'f')).toBe('/x')
    expect(() => b.resolve(t1, 'open-file', 'f')).toThrow('f: this file was chosen in an earlier run of Lastmile; choose it again')
  })

  it('offers the recent cases to open again, and remembers a passphrase by reopening the open case, naming no path', async () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => app.session.current()?.readOnly ?? false })
    const path = join(dir, 'acme.lmcase')
    expect(await dispatch('case.create', { path: app.paths.issue(path, 'save-file'), passphrase: 'correct horse battery' })).toMatchObject({ ok: true })
    await dispatch('case.close', {})
    const recent = await dispatch('case.recent', {})
    if (!recent.ok) throw new Error(recent.error.message)
    const [entry] = recent.value as Array<{ path: string; token: string }>
    expect(entry!.path).toBe(path)
    expect(await dispatch('case.open', { path: entry!.token, passphrase: 'correct horse battery' })).toMatchObject({ ok: true, value: { path } })
    // asked again, main offers the same token: a page polling the list does not grow the table
    const again = await dispatch('case.recent', {})
    expect((again as { value: Array<{ token: string }> }).value[0]!.token).toBe(entry!.token)
    // remembering reopens the open case itself: no path is given
    expect(await dispatch('case.rememberPassphrase', { passphrase: 'correct horse battery' })).toMatchObject({ ok: true, value: { path } })
  })
})
