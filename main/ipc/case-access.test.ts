// A handler reaches the open case only through CaseAccess: the case as it is open (perhaps for
// review) for every call, its writable handle only for a call the contract marks as mutating —
// which the dispatcher refuses on a case open for review. The `@ts-expect-error` lines are the
// type-level half of this test (`npm run typecheck` fails on a directive with nothing under it);
// the rest runs the real handler table on a case open read-only.
import { join } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { testServices } from '../../test/helpers/services'
import { tempDir } from '../../test/helpers/tmp'
import { listBundles } from '../case/evidence'
import { addEvidenceBundle, setAccountEnvironment } from '../evidence/service'
import { createDispatcher } from './dispatch'
import { createHandlers, type CaseAccess, type HandlerServices } from './handlers'

const PASS = 'correct horse battery'
const ROOT = join(__dirname, '..', '..')

describe('what a handler may reach of the open case', () => {
  it('gives a call that does not mutate no writable case, and a handler no other way to one (nor to the key of a worker that writes)', () => {
    // Compiled, never run: the handlers of a read (evidence.list) and of a write (evidence.add).
    const handlerBodies = (
      app: HandlerServices,
      list: CaseAccess<'evidence.list'>,
      add: CaseAccess<'evidence.add'>,
      account: CaseAccess<'evidence.setAccountEnvironment'>
    ): void => {
      const opts = { actor: app.session.actor(), now: app.session.now }
      listBundles(list.open().db)
      void addEvidenceBundle(add.writable(), '/bundle', opts)
      setAccountEnvironment(account.writable(), '111122223333', 'prod', opts)
      // @ts-expect-error evidence.list does not mutate: it has no writable case
      void addEvidenceBundle(list.writable(), '/bundle', opts)
      // @ts-expect-error the case as it is open may be under review: no writer takes it
      void addEvidenceBundle(add.open(), '/bundle', opts)
      // @ts-expect-error the case as it is open may be under review: no writer takes it
      setAccountEnvironment(app.session.require(), '111122223333', 'prod', opts)
      // @ts-expect-error a handler has no session.requireWritable: the writable case comes through CaseAccess
      void addEvidenceBundle(app.session.requireWritable(), '/bundle', opts)
      // the session's own writes and a writing worker's key want the writable case too
      app.session.setRole(add.writable(), 'rita', 'approver', true)
      // @ts-expect-error setRole wants the writable case
      app.session.setRole(list.open(), 'rita', 'approver', true)
      // @ts-expect-error workerKey wants the writable case
      app.session.workerKey(list.open())
      // @ts-expect-error a handler has no session.caseKey: a worker's key is for the writable case
      app.session.caseKey()
    }
    expect(handlerBodies).toBeTypeOf('function')
  })

  it('lets no handler open a case of its own, and no code cast to a writable one (npm run lint)', async () => {
    const eslint = new ESLint({ cwd: ROOT })
    const restricted = async (code: string): Promise<string[]> => {
      const [result] = await eslint.lintText(code, { filePath: join(ROOT, 'main/ipc/x.handlers.ts') })
      return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
    }
    expect(await restricted("import { openCaseDb } from '../db/case-db'\nexport const x = openCaseDb\n")).toEqual([expect.stringContaining('through CaseAccess')])
    expect(await restricted("import { createCaseDb } from '../db/case-db'\nexport const x = createCaseDb\n")).toHaveLength(1)
    expect(await restricted("import { caseRefusal, type OpenCaseDb } from '../db/case-db'\nexport const x: [typeof caseRefusal, OpenCaseDb?] = [caseRefusal]\n")).toEqual([])

    // nor does any code outside case-db.ts make a writable handle by casting
    const cast = "import type { Db, WritableDb } from '../db/case-db'\nexport const w = (db: Db): WritableDb => db as WritableDb\n"
    const syntax = async (file: string): Promise<number> => {
      const [result] = await eslint.lintText(cast, { filePath: join(ROOT, file) })
      return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').length
    }
    expect(await syntax('main/ipc/x.handlers.ts')).toBe(1)
    expect(await syntax('main/workflow/x.ts')).toBe(1)
    expect(await syntax('main/db/case-db.ts')).toBe(0)
  }, 60_000)

  it('on a case open for review, reads answer, mutating calls are refused, and a non-mutating call that would reopen it is too', async () => {
    const dir = tempDir()
    const app = testServices(join(dir, 'data'))
    const path = join(dir, 'a.lmcase')
    app.session.create(path, PASS)
    app.session.openCase(path, PASS, { readOnly: true })
    const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => app.session.current()?.readOnly ?? false })

    expect(await dispatch('evidence.list', {})).toMatchObject({ ok: true, value: { bundles: [] } })
    expect(await dispatch('evidence.setAccountEnvironment', { account: '111122223333', environment: 'prod' })).toMatchObject({ ok: false, error: { code: 'read-only' } })
    // case.rememberPassphrase does not mutate the case, but would reopen it as the user's own
    expect(await dispatch('case.rememberPassphrase', { passphrase: PASS })).toMatchObject({
      ok: false,
      error: { code: 'read-only', message: `${path} is open read-only for review: nothing can be changed` }
    })
    expect(app.session.current()?.readOnly).toBe(true)
    app.session.close()
  })
})
