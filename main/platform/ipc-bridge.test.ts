import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CHANNELS, DROP_CHANNEL, EVENT_NAMES, ipcChannel, type ChosenPath, type Envelope } from '../../shared/contract'
import type { Progress } from '../../shared/model'
import { createDispatcher } from '../ipc/dispatch'
import { registerDropped } from '../ipc/dropped'
import { createHandlers } from '../ipc/handlers'
import { createAppServices } from '../services/app'
import { EventBus } from '../services/events'
import { NO_DIALOGS, NO_KEYSTORE } from './ports'
import { eventChannel, forwardEvents, registerContractHandlers, UNTRUSTED_SENDER, type InvokeEvent } from './ipc-bridge'

type Listener = (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>

function fakeIpcMain() {
  const handlers = new Map<string, Listener>()
  return {
    handlers,
    handle(channel: string, listener: Listener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, listener)
    }
  }
}

const ours: InvokeEvent = { senderFrame: { url: 'app://lastmile/index.html', parent: null } }
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('registerContractHandlers', () => {
  it('registers exactly one handler per contract channel, and nothing else', () => {
    const ipc = fakeIpcMain()
    registerContractHandlers(ipc, vi.fn(), () => {}, vi.fn())
    expect([...ipc.handlers.keys()].sort()).toEqual([...CHANNELS.map((c) => ipcChannel(c)), DROP_CHANNEL].sort())
  })

  it('registers dropped files from our page only: main answers a token per file on disk, null for the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lastmile-ipc-'))
    dirs.push(dir)
    const file = join(dir, 'securityhub.json')
    writeFileSync(file, '{}')
    const app = createAppServices({ dataDir: join(dir, 'data'), appVersion: '1.0.0', osUser: 'ana', keystore: NO_KEYSTORE, dialogs: NO_DIALOGS })
    const ipc = fakeIpcMain()
    const log = vi.fn()
    registerContractHandlers(ipc, vi.fn(), log, (input) => registerDropped(app.paths, input))
    const handler = ipc.handlers.get(DROP_CHANNEL)!
    const r = (await handler(ours, { paths: [file, dir, '', join(dir, 'gone.json'), 'relative.json'] })) as Envelope<Array<ChosenPath | null>>
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.map((c) => c?.path ?? null)).toEqual([file, dir, null, null, null])
    expect(app.paths.resolve(r.value[0]!.token, 'open-file', 'x')).toBe(file)
    expect(app.paths.resolve(r.value[1]!.token, 'open-folder', 'x')).toBe(dir)
    expect(() => app.paths.resolve(r.value[0]!.token, 'save-file', 'x')).toThrow(/chosen to be read/)
    expect(await handler(ours, { paths: 'not a list' })).toMatchObject({ ok: false, error: { code: 'bad-input' } })
    expect(await handler({ senderFrame: { url: 'https://attacker.example/', parent: null } }, { paths: [file] })).toEqual(UNTRUSTED_SENDER)
    expect(log).toHaveBeenCalledWith('refused dropped files from https://attacker.example/')
  })

  it('passes calls from our page to the dispatcher with their channel and input', async () => {
    const ipc = fakeIpcMain()
    const dispatch = vi.fn(async () => ({ ok: true as const, value: 'v' }))
    registerContractHandlers(ipc, dispatch, () => {}, vi.fn())
    const r = await ipc.handlers.get(ipcChannel('identity.get'))!(ours, { x: 1 })
    expect(dispatch).toHaveBeenCalledWith('identity.get', { x: 1 })
    expect(r).toEqual({ ok: true, value: 'v' })
  })

  it('refuses calls from another origin, a sub-frame or a frame that is gone, without dispatching', async () => {
    const ipc = fakeIpcMain()
    const dispatch = vi.fn()
    const log = vi.fn()
    registerContractHandlers(ipc, dispatch, log, vi.fn())
    const handler = ipc.handlers.get(ipcChannel('case.open'))!
    const strangers: InvokeEvent[] = [
      { senderFrame: { url: 'https://attacker.example/', parent: null } },
      { senderFrame: { url: 'app://lastmile/index.html', parent: {} } },
      { senderFrame: null }
    ]
    for (const event of strangers) expect(await handler(event, { path: '/x.lmcase' })).toEqual(UNTRUSTED_SENDER)
    expect(dispatch).not.toHaveBeenCalled()
    expect(log).toHaveBeenCalledWith('refused case.open from https://attacker.example/')
    expect(log).toHaveBeenCalledWith('refused case.open from a frame that is gone')
  })

  it('answers a bad input from our page with a clear bad-input envelope (real dispatcher)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lastmile-ipc-'))
    dirs.push(dataDir)
    const app = createAppServices({ dataDir, appVersion: '1.0.0', osUser: 'ana', keystore: NO_KEYSTORE, dialogs: NO_DIALOGS })
    const ipc = fakeIpcMain()
    registerContractHandlers(ipc, createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => false }), () => {}, vi.fn())
    const r = await ipc.handlers.get(ipcChannel('case.create'))!(ours, { path: app.paths.issue('/tmp/x.lmcase', 'save-file'), passphrase: 'short' })
    expect(r).toEqual({
      ok: false,
      error: { code: 'bad-input', message: 'case.create: passphrase: a passphrase has at least 8 characters' }
    })
    const ok = await ipc.handlers.get(ipcChannel('identity.get'))!(ours, {})
    // a person is a key; without a keystore that protects secrets there is none, and it says so
    expect(ok).toMatchObject({ ok: true, value: { name: 'ana', role: 'analyst', osUser: 'ana', key: null, problem: expect.stringContaining('does not protect secrets') } })
  })
})

describe('forwardEvents', () => {
  it('sends every contract event on its own channel, until stopped', () => {
    const bus = new EventBus()
    const send = vi.fn()
    const stop = forwardEvents(bus, send)
    const progress: Progress = { operation: 'ingest', done: 1, total: 2, unit: 'files', rate: 1 }
    bus.emit('progress', progress)
    bus.emit('case.changed', null)
    expect(send).toHaveBeenNthCalledWith(1, 'lastmile:event:progress', progress)
    expect(send).toHaveBeenNthCalledWith(2, 'lastmile:event:case.changed', null)
    stop()
    bus.emit('case.changed', null)
    expect(send).toHaveBeenCalledTimes(2)
  })

  it('names event channels apart from call channels', () => {
    for (const e of EVENT_NAMES) {
      expect(CHANNELS.map((c) => ipcChannel(c))).not.toContain(eventChannel(e))
    }
  })
})
