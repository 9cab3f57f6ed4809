// The main window's options. Kept out of main/index.ts so that a test can assert every
// webPreference, and written as one literal `new BrowserWindow({...})` so that Electronegativity's
// static checks (contextIsolation, sandbox, nodeIntegration, webSecurity…) can read them.

/** The options this module passes; Electron's BrowserWindowConstructorOptions accepts them. */
export interface MainWindowOptions {
  width: number
  height: number
  minWidth: number
  minHeight: number
  show: boolean
  title: string
  backgroundColor: string
  webPreferences: {
    preload: string
    contextIsolation: boolean
    sandbox: boolean
    nodeIntegration: boolean
    nodeIntegrationInWorker: boolean
    nodeIntegrationInSubFrames: boolean
    webSecurity: boolean
    allowRunningInsecureContent: boolean
    webviewTag: boolean
    spellcheck: boolean
    experimentalFeatures: boolean
    navigateOnDragDrop: boolean
    safeDialogs: boolean
    enableWebSQL: boolean
    disableBlinkFeatures: string
    devTools: boolean
  }
}

/**
 * Create the main window through the given constructor (Electron's BrowserWindow in the app, a
 * recording fake in tests).
 *
 * @param opts.preload absolute path of the built preload (out/preload/index.js)
 * @param opts.devTools true only when running from a checkout, never in a packaged app
 */
export function createMainWindow<W>(BrowserWindow: new (options: MainWindowOptions) => W, opts: { preload: string; devTools: boolean }): W {
  return new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    // shown on 'ready-to-show', so the user never sees an empty white frame
    show: false,
    title: 'Lastmile',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: opts.preload,
      // The page sees only what the preload hands over with contextBridge.
      contextIsolation: true,
      // The renderer runs in Chromium's OS sandbox; the preload gets no Node either.
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // Chromium's spellchecker downloads dictionaries from Google: no network, and case data
      // (names, ARNs) is not sent to a spelling service.
      spellcheck: false,
      experimentalFeatures: false,
      // Dropping a file on the window must not navigate to file://… (and leave our CSP behind).
      navigateOnDragDrop: false,
      safeDialogs: true,
      enableWebSQL: false,
      // A middle click (auxclick) on a link would ask for a new window; window.open is denied
      // anyway (contents-guard.ts), this removes the event at the source.
      disableBlinkFeatures: 'Auxclick',
      devTools: opts.devTools
    }
  })
}
