// The Electron main process: the window, its hardening and the IPC registration. Thin glue on
// purpose: every decision (webPreferences, CSP, which requests and senders are ours, how files
// are served, the keystore's backend rule) lives in a tested module under main/platform/.
import { join } from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell } from 'electron'
import { createDispatcher } from './ipc/dispatch'
import { registerDropped } from './ipc/dropped'
import { createHandlers } from './ipc/handlers'
import { createAppProtocolHandler } from './platform/app-protocol'
import { hardenWebContents } from './platform/contents-guard'
import { createElectronDialogs } from './platform/electron-dialogs'
import { createSafeStorageKeyStore } from './platform/electron-keystore'
import { forwardEvents, registerContractHandlers } from './platform/ipc-bridge'
import { createMainWindow } from './platform/main-window'
import { osUser } from './platform/os-user'
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, isAllowedRequest, isAppUrl } from './platform/shell-policy'
import { useNativeBinding } from './db/case-db'
import { createAppServices, type AppServices } from './services/app'

const log = (message: string): void => console.warn(`[lastmile] ${message}`)

/** DevTools only when running from a checkout (`npm start`), never in a packaged app. */
const devTools = !app.isPackaged

// ---- before `ready` -----------------------------------------------------------------------

// Every renderer sandboxed, whatever a BrowserWindow says.
app.enableSandbox()
// Scheme privileges can only be granted before `ready`.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }])
// Pin the data folder to "lastmile" (the CLI's folder on Linux), whatever productName packaging uses.
app.setPath('userData', join(app.getPath('appData'), 'lastmile'))

let mainWindow: BrowserWindow | null = null
let services: AppServices | null = null

if (!app.requestSingleInstanceLock()) {
  // One instance per user: two processes writing the same case and JSON stores would race.
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })
  // Every contents, including ones we did not expect, gets the navigation and pop-up guards.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log))
  app.on('window-all-closed', () => app.quit())
  app.on('will-quit', () => services?.session.close())
  app.whenReady().then(onReady, fail)
}

// ---- after `ready` ------------------------------------------------------------------------

function onReady(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`denied permission request "${permission}"`)
    callback(false)
  })
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
  ses.setSpellCheckerEnabled(false)
  ses.on('will-download', (event, item) => {
    event.preventDefault()
    log(`blocked download of ${item.getURL()}`)
  })
  // The app makes no network request of its own: anything but our scheme is cancelled.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, { devTools })
    if (!allowed) log(`blocked request to ${details.url}`)
    callback({ cancel: !allowed })
  })
  protocol.handle(APP_SCHEME, createAppProtocolHandler(join(__dirname, '../renderer'), log))

  // From a checkout (`npm start`) the SQLite module built for Electron lives beside the Node build
  // (scripts/build-electron-native.mjs); a packaged app's own module is already Electron's.
  if (!app.isPackaged) {
    useNativeBinding(join(app.getAppPath(), '.native', `electron-${process.versions.electron}`, 'better-sqlite3-multiple-ciphers', 'build', 'Release', 'better_sqlite3.node'))
  }
  const appServices = createAppServices({
    dataDir: app.getPath('userData'),
    appVersion: app.getVersion(),
    osUser: osUser(),
    // safeStorage's backend is only known after `ready`, hence built here.
    keystore: createSafeStorageKeyStore(safeStorage, process.platform),
    dialogs: createElectronDialogs(dialog, () => mainWindow, shell)
  })
  services = appServices
  const dispatch = createDispatcher(createHandlers(appServices), {
    paths: appServices.paths,
    isReadOnly: () => appServices.session.current()?.readOnly === true,
    log: (e, channel) => console.error(`[lastmile] ${channel} failed`, e)
  })
  registerContractHandlers(ipcMain, dispatch, log, (input) => registerDropped(appServices.paths, input))
  forwardEvents(appServices.events, (channel, payload) => {
    const win = mainWindow
    if (win && !win.isDestroyed() && isAppUrl(win.webContents.getURL())) win.webContents.send(channel, payload)
  })

  openMainWindow()
}

function openMainWindow(): void {
  const win = createMainWindow(BrowserWindow, { preload: join(__dirname, '../preload/index.js'), devTools })
  mainWindow = win
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  win.loadURL(APP_ENTRY_URL).catch(fail)
}

function fail(e: unknown): void {
  const message = (e as Error)?.message ?? String(e)
  console.error('[lastmile] could not start', e)
  dialog.showErrorBox('Lastmile could not start', message)
  app.exit(1)
}
