// main/index.ts (the Electron glue) run against a mocked Electron: the binary cannot run here,
// but the wiring can be checked: what is registered before `ready`, which handlers deny, what the
// window is created with, and that IPC and events go through the bridge.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { CHANNELS, DROP_CHANNEL, ipcChannel } from '../../shared/contract'
import { APP_ENTRY_URL } from './shell-policy'

type Fn = (...args: never[]) => unknown

const m = vi.hoisted(() => {
  const state = {
    lock: true,
    appEvents: new Map<string, Fn>(),
    ipc: new Map<string, Fn>(),
    protocolHandlers: new Map<string, Fn>(),
    sessionEvents: new Map<string, Fn>(),
    windows: [] as Array<{ options: { webPreferences: Record<string, unknown> }; loaded: string[]; sent: unknown[][]; url: string }>,
    permissionRequest: null as Fn | null,
    permissionCheck: null as Fn | null,
    devicePermission: null as Fn | null,
    beforeRequest: null as Fn | null,
    paths: new Map<string, string>(),
    calls: [] as string[]
  }
  class BrowserWindow {
    static getAllWindows = () => state.windows
    loaded: string[] = []
    sent: unknown[][] = []
    url = ''
    webContents = {
      getURL: () => this.url,
      send: (...args: unknown[]) => this.sent.push(args)
    }
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      state.windows.push(this)
    }
    once() {}
    on() {}
    isDestroyed = () => false
    isMinimized = () => false
    restore() {}
    focus() {}
    show() {}
    loadURL(url: string) {
      this.loaded.push(url)
      this.url = url
      return Promise.resolve()
    }
  }
  const electron = {
    app: {
      isPackaged: false,
      enableSandbox: () => state.calls.push('enableSandbox'),
      requestSingleInstanceLock: () => state.lock,
      quit: () => state.calls.push('quit'),
      exit: (code: number) => state.calls.push(`exit ${code}`),
      on: (event: string, fn: Fn) => state.appEvents.set(event, fn),
      whenReady: () => Promise.resolve(),
      getPath: (name: string) => state.paths.get(name) ?? `/nonexistent/${name}`,
      setPath: (name: string, value: string) => state.paths.set(name, value),
      getVersion: () => '9.9.9',
      getAppPath: () => '/checkout'
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => state.calls.push(`privileged ${JSON.stringify(schemes)}`),
      handle: (scheme: string, fn: Fn) => state.protocolHandlers.set(scheme, fn)
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: Fn) => (state.permissionRequest = fn),
        setPermissionCheckHandler: (fn: Fn) => (state.permissionCheck = fn),
        setDevicePermissionHandler: (fn: Fn) => (state.devicePermission = fn),
        setSpellCheckerEnabled: (on: boolean) => state.calls.push(`spellchecker ${on}`),
        on: (event: string, fn: Fn) => state.sessionEvents.set(event, fn),
        webRequest: { onBeforeRequest: (fn: Fn) => (state.beforeRequest = fn) }
      }
    },
    ipcMain: { handle: (channel: string, fn: Fn) => state.ipc.set(channel, fn) },
    dialog: {
      showErrorBox: (title: string, text: string) => state.calls.push(`error ${title}: ${text}`),
      showSaveDialog: async () => ({ canceled: true, filePath: '' }),
      showOpenDialog: async () => ({ canceled: true, filePaths: [] })
    },
    shell: { showItemInFolder: (path: string) => state.calls.push(`showItemInFolder ${path}`) },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: (s: string) => Buffer.from(s),
      decryptString: (b: Buffer) => b.toString()
    },
    BrowserWindow
  }
  return { state, electron }
})
vi.mock('electron', () => m.electron)

const appData = mkdtempSync(join(tmpdir(), 'lastmile-electron-main-'))
afterAll(() => rmSync(appData, { recursive: true, force: true }))

async function startMain(lock = true) {
  const s = m.state
  s.lock = lock
  s.appEvents.clear()
  s.ipc.clear()
  s.protocolHandlers.clear()
  s.sessionEvents.clear()
  s.windows.length = 0
  s.calls.length = 0
  s.paths.clear()
  s.paths.set('appData', appData)
  vi.resetModules()
  await import('../index')
  // let whenReady().then(onReady) run
  await new Promise((r) => setImmediate(r))
}

const ours = { senderFrame: { url: 'app://lastmile/index.html', parent: null } }

describe('main/index.ts', () => {
  beforeEach(async () => startMain())

  it('sandboxes every renderer and registers the app scheme before ready', () => {
    expect(m.state.calls).toContain('enableSandbox')
    expect(m.state.calls).toContain('privileged [{"scheme":"app","privileges":{"standard":true,"secure":true,"codeCache":true}}]')
    expect(m.state.paths.get('userData')).toBe(join(appData, 'lastmile'))
  })

  it('loads the SQLite module built for Electron when started from a checkout', () => {
    // scripts/build-electron-native.mjs puts it there; the Node build stays for the CLI and tests.
    expect(process.env.LASTMILE_SQLITE_BINDING).toBe(
      join('/checkout', '.native', `electron-${process.versions.electron}`, 'better-sqlite3-multiple-ciphers', 'build', 'Release', 'better_sqlite3.node')
    )
    delete process.env.LASTMILE_SQLITE_BINDING
  })

  it('denies every permission request and check', () => {
    const callback = vi.fn()
    m.state.permissionRequest!({} as never, 'media' as never, callback as never)
    expect(callback).toHaveBeenCalledWith(false)
    expect(m.state.permissionCheck!()).toBe(false)
    expect(m.state.devicePermission!()).toBe(false)
    expect(m.state.calls).toContain('spellchecker false')
  })

  it('cancels network requests and downloads', () => {
    const decide = (url: string) => {
      const cb = vi.fn()
      m.state.beforeRequest!({ url } as never, cb as never)
      return cb.mock.calls[0]![0]
    }
    expect(decide('https://example.com/x.js')).toEqual({ cancel: true })
    expect(decide('app://lastmile/assets/index.js')).toEqual({ cancel: false })
    const preventDefault = vi.fn()
    m.state.sessionEvents.get('will-download')!({ preventDefault } as never, { getURL: () => 'https://x/y.exe' } as never)
    expect(preventDefault).toHaveBeenCalled()
  })

  it('serves the renderer on app:// and opens the hardened window on it', () => {
    expect(m.state.protocolHandlers.has('app')).toBe(true)
    expect(m.state.windows).toHaveLength(1)
    const win = m.state.windows[0]!
    expect(win.loaded).toEqual([APP_ENTRY_URL])
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      devTools: true,
      // main/index.ts loads ../preload/index.js: out/preload/index.js in the build
      preload: resolve(__dirname, '..', '..', 'preload', 'index.js')
    })
  })

  it('guards every web contents created, not only the main window', () => {
    const listeners = new Map<string, Fn>()
    let openHandler: Fn | null = null
    const contents = { on: (e: string, fn: Fn) => listeners.set(e, fn), setWindowOpenHandler: (fn: Fn) => (openHandler = fn) }
    m.state.appEvents.get('web-contents-created')!({} as never, contents as never)
    const preventDefault = vi.fn()
    listeners.get('will-navigate')!({ preventDefault } as never, 'https://evil.example/' as never)
    expect(preventDefault).toHaveBeenCalled()
    expect(openHandler!({ url: 'https://evil.example/' } as never)).toEqual({ action: 'deny' })
  })

  it('handles exactly the contract channels and the drop registration, refusing foreign senders', async () => {
    expect([...m.state.ipc.keys()].sort()).toEqual([...CHANNELS.map((c) => ipcChannel(c)), DROP_CHANNEL].sort())
    // a File with no path on disk (made in script) gets no token
    expect(await m.state.ipc.get(DROP_CHANNEL)!(ours as never, { paths: [''] } as never)).toEqual({ ok: true, value: [null] })
    const info = m.state.ipc.get(ipcChannel('app.info'))!
    expect(await info(ours as never, {} as never)).toEqual({
      ok: true,
      value: { version: '9.9.9', canRememberPassphrase: false, keystoreBackend: process.platform === 'linux' ? 'basic_text' : expect.any(String) }
    })
    expect(await info({ senderFrame: { url: 'https://evil.example/', parent: null } } as never, {} as never)).toMatchObject({
      ok: false,
      error: { code: 'unavailable' }
    })
  })

  it('forwards service events to the window', async () => {
    await m.state.ipc.get(ipcChannel('case.close'))!(ours as never, {} as never)
    expect(m.state.windows[0]!.sent).toContainEqual(['lastmile:event:case.changed', null])
  })

  it('quits at once when another instance already runs', async () => {
    await startMain(false)
    expect(m.state.calls).toContain('quit')
    expect(m.state.windows).toHaveLength(0)
    expect(m.state.ipc.size).toBe(0)
  })
})
