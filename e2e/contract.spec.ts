// The bridge is the contract, nothing more: exactly its methods, every input checked by main,
// and bad input answered with a `bad-input` envelope whose message names the call and the field.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { listFindings } from '../main/case/findings'
import { CHANNELS, EVENT_NAMES } from '../shared/contract'
import { test, expect } from './fixtures'
import { createCaseInMain } from './flows'

test('window.lastmile has one method per contract channel plus on() and dropped(), and cannot be changed', async ({ page, openApp }) => {
  await openApp()
  const shape = await page.evaluate(() => {
    const g = globalThis as unknown as { lastmile: Record<string, unknown> }
    const l = g.lastmile
    const hijack = (): string => 'hijacked'
    try {
      l['audit.list'] = hijack
    } catch {
      // strict mode throws on a frozen object; sloppy mode ignores the write
    }
    try {
      g.lastmile = { 'audit.list': hijack }
    } catch {
      // non-writable global
    }
    return {
      keys: Object.keys(g.lastmile).sort(),
      frozen: Object.isFrozen(g.lastmile),
      replaced: g.lastmile !== l || l['audit.list'] === hijack
    }
  })
  expect(shape.keys).toEqual([...CHANNELS, 'dropped', 'on'].sort())
  expect(shape.frozen).toBe(true)
  expect(shape.replaced).toBe(false)
  const onUnknown = await page.evaluate(() => {
    try {
      ;(globalThis as unknown as { lastmile: { on(e: string, l: () => void): void } }).lastmile.on('case.deleted', () => undefined)
      return 'accepted'
    } catch (e) {
      return (e as Error).message
    }
  })
  expect(onUnknown).toBe(`lastmile.on: unknown event "case.deleted" (known: ${EVENT_NAMES.join(', ')})`)
})

test('bad input to a contract call is rejected with a clear bad-input error', async ({ page, bridge, openApp }) => {
  await openApp()
  const answers = await page.evaluate(async () => {
    const l = (globalThis as unknown as { lastmile: Record<string, (i?: unknown) => Promise<unknown>> }).lastmile
    const invoke = (globalThis as unknown as { __lastmileInvoke(c: string, i: unknown): Promise<unknown> }).__lastmileInvoke
    return {
      negativeOffset: await l['audit.list']({ offset: -1, limit: 5 }),
      hugeLimit: await l['audit.list']({ offset: 0, limit: 100000 }),
      wrongType: await l['case.create']({ path: 42, passphrase: 'long enough passphrase' }),
      shortPassphrase: await l['case.create']({ path: 'lmpath:000000000000:00000000000000000000000000000000', passphrase: 'short' }),
      extraField: await l['identity.create']({ name: 'Eve', isAdmin: true }),
      badRole: await l['people.setRole']({ person: 'AB:CD:EF:01:23', role: 'root', grant: true }),
      unknownChannel: await invoke('case.delete', {}),
      notAString: await invoke(42 as unknown as string, {})
    }
  })
  expect(answers.negativeOffset).toEqual({
    ok: false,
    error: { code: 'bad-input', message: 'audit.list: offset: Too small: expected number to be >=0' }
  })
  expect(answers.hugeLimit).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/^audit\.list: limit: /) } })
  expect(answers.wrongType).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/^case\.create: path: /) } })
  expect(answers.shortPassphrase).toEqual({
    ok: false,
    error: { code: 'bad-input', message: 'case.create: passphrase: a passphrase has at least 8 characters' }
  })
  expect(answers.extraField).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringContaining('isAdmin') } })
  expect(answers.badRole).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/^people\.setRole: role: /) } })
  expect(answers.unknownChannel).toEqual({ ok: false, error: { code: 'bad-input', message: 'unknown call "case.delete"' } })
  expect(answers.notAString).toEqual({ ok: false, error: { code: 'bad-input', message: 'unknown call "42"' } })
  // Refused before any handler ran: nothing was created, the identity is unchanged.
  expect(bridge.app.session.current()).toBeNull()
  expect(bridge.app.session.identity().name).toBe('Test Analyst')
})

test('a valid call that needs a case says so as a sentence, and a good call answers with its value', async ({ page, openApp }) => {
  await openApp()
  const [list, info] = await page.evaluate(() => {
    const l = (globalThis as unknown as { lastmile: Record<string, (i: unknown) => Promise<unknown>> }).lastmile
    return Promise.all([l['audit.list']({ offset: 0, limit: 5 }), l['app.info']({})])
  })
  expect(list).toEqual({ ok: false, error: { code: 'no-case', message: 'no case is open: create a case or open one first' } })
  expect(info).toEqual({ ok: true, value: { version: expect.any(String), canRememberPassphrase: true, keystoreBackend: 'test-aes-gcm' } })
})

test('events from main reach the page through on(): a case opened and closed by main shows in the window', async ({ page, bridge, openApp }) => {
  await openApp()
  // A case created by main itself (not through this page) is announced with case.changed.
  const path = bridge.casePath('from-main.lmcase')
  const created = await bridge.dispatch('case.create', { path: bridge.grant(path, 'save-file'), passphrase: 'long enough passphrase', name: 'Made in main' })
  expect(created.ok).toBe(true)
  await expect(page.getByTestId('case-name')).toHaveText('Made in main')
  await bridge.dispatch('case.close', {})
  await expect(page.getByRole('heading', { name: 'No case is open' })).toBeVisible()
})

test('script in the page can name no file: typed paths, made-up Files and forged tokens are refused, nothing is read or written', async ({ page, bridge, openApp }) => {
  const secret = join(bridge.root, 'secret.txt')
  writeFileSync(secret, 'do not read me')
  const path = createCaseInMain(bridge)
  await openApp()
  const answers = await page.evaluate(
    async ({ secret, root }) => {
      const l = (
        globalThis as unknown as {
          lastmile: Record<string, (i?: unknown) => Promise<{ ok: boolean; error?: { code: string; message: string } }>> & { dropped(f: object[]): Promise<unknown> }
        }
      ).lastmile
      const File = (globalThis as unknown as { File: new (bits: string[], name: string) => object }).File
      return {
        overwrite: await l['export.pdf']({ out: `${root}/overwritten.txt`, sign: { p12Path: secret, passphrase: 'x' } }),
        readIntoCase: await l['workflow.recordExecution']({ plan: 'P-1', outcome: 'executed', outputPath: secret }),
        importSecret: await l['ingest.import']({ paths: [secret] }),
        listRoot: await l['playbooks.list']({ playbooksDir: '/' }),
        forged: await l['case.open']({ path: 'lmpath:000000000000:00000000000000000000000000000000' }),
        madeUpFile: await l.dropped([new File(['x'], 'secret.txt')])
      }
    },
    { secret, root: bridge.root }
  )
  for (const key of ['overwrite', 'readIntoCase', 'importSecret', 'listRoot'] as const) {
    expect(answers[key], key).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringContaining('a file or folder chosen in a dialog or dropped on the window') }
    })
  }
  expect(answers.forged).toMatchObject({ ok: false, error: { code: 'bad-input', message: 'case.open: path: this file was chosen in an earlier run of Lastmile; choose it again' } })
  expect(answers.madeUpFile).toEqual({ ok: true, value: [null] })
  expect(existsSync(join(bridge.root, 'overwritten.txt'))).toBe(false)
  expect(readFileSync(secret, 'utf8')).toBe('do not read me')
  expect(bridge.app.session.require().path).toBe(path)
  expect(listFindings(bridge.app.session.require().db)).toEqual([])
})
