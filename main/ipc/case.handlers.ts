import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { OPEN_KIND, SAVE_KIND } from '../../shared/contract'
import { LastmileError } from '../errors'
import { openDemoCase } from '../demo/open-demo'
import type { HandlerServices, HandlerSlice } from './handlers'

export function caseHandlers(
  app: HandlerServices
): HandlerSlice<
  | 'app.info'
  | 'case.create'
  | 'case.open'
  | 'case.close'
  | 'case.current'
  | 'case.recent'
  | 'case.changePassphrase'
  | 'case.forgetPassphrase'
  | 'case.openDemo'
  | 'identity.get'
  | 'identity.create'
  | 'people.list'
  | 'people.setRole'
  | 'case.rememberPassphrase'
  | 'dialog.open'
  | 'dialog.save'
  | 'dialog.showInFolder'
> {
  const { session, platform, events, paths } = app
  const changed = (): void => events.emit('case.changed', session.current())
  return {
    'app.info': () => ({
      version: platform.appVersion,
      canRememberPassphrase: session.canRemember(),
      keystoreBackend: platform.keystore.backend()
    }),
    'case.create': ({ path, passphrase, name, remember }) => {
      const c = session.create(path, passphrase, { name, remember })
      changed()
      return c
    },
    'case.open': ({ path, passphrase, remember }) => {
      const c = session.openCase(path, passphrase, { remember })
      changed()
      return c
    },
    'case.close': () => {
      session.close()
      changed()
      return null
    },
    'case.current': () => session.current(),
    // the app's own list: each case it remembers can be opened again without a dialog
    'case.recent': () => session.recentCases().map((r) => ({ ...r, token: paths.offer(r.path, 'open-file').token })),
    'case.changePassphrase': async ({ current, next, remember }, cases) => {
      const c = cases.writable()
      // an import's worker may hold the case for a few seconds after its result (its last
      // checkpoint): wait for it rather than refuse
      await session.settled()
      session.changePassphrase(c, current, next, remember === true)
      return null
    },
    'case.openDemo': async () => {
      const c = await openDemoCase(app)
      changed()
      return c
    },
    'case.rememberPassphrase': ({ passphrase }, cases) => {
      // Not a change to the case, but the case is reopened as the user's own: a case file open for
      // review stays as it is (its working copy is temporary, and its passphrase the auditor's).
      const open = cases.open()
      if (open.readOnly) throw new LastmileError('read-only', `${open.path} is open read-only for review: nothing can be changed`)
      const c = session.openCase(open.path, passphrase, { remember: true })
      changed()
      return c
    },
    'case.forgetPassphrase': ({ path }) => {
      session.forget(path)
      return null
    },
    'identity.get': () => session.identity(),
    'identity.create': ({ name }) => session.createIdentity(name),
    'people.list': () => session.people(),
    'people.setRole': ({ person, role, grant }, cases) => session.setRole(cases.writable(), person, role, grant),
    'dialog.open': async ({ purpose }) => (await platform.dialogs.open(purpose)).map((p) => paths.choose(p, OPEN_KIND[purpose])),
    'dialog.save': async ({ purpose }) => {
      const chosen = await platform.dialogs.save(purpose)
      return chosen === null ? null : paths.choose(chosen, SAVE_KIND[purpose])
    },
    'dialog.showInFolder': ({ path }) => {
      // Only what this run wrote for the user: the renderer cannot make the file manager browse
      // anywhere else on the machine.
      const target = resolve(path)
      if (!app.written.has(target)) throw new LastmileError('bad-input', `${target} was not written by Lastmile in this session, so it is not shown`)
      if (!existsSync(target)) throw new LastmileError('not-found', `${target} is no longer there (moved or deleted?)`)
      if (!platform.dialogs.showInFolder(target)) throw new LastmileError('unavailable', `there is no file manager here; the file is at ${target}`)
      return null
    }
  }
}
