import { describe, expect, it } from 'vitest'
import { createMainWindow, type MainWindowOptions } from './main-window'

class RecordingWindow {
  static last: MainWindowOptions | null = null
  constructor(readonly options: MainWindowOptions) {
    RecordingWindow.last = options
  }
}

describe('the main window', () => {
  it('is created with the hardened webPreferences', () => {
    const win = createMainWindow(RecordingWindow, { preload: '/app/out/preload/index.js', devTools: false })
    expect(win).toBeInstanceOf(RecordingWindow)
    expect(win.options.webPreferences).toEqual({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      enableWebSQL: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false
    })
  })

  it('enables DevTools only when asked (from a checkout)', () => {
    createMainWindow(RecordingWindow, { preload: '/p.js', devTools: true })
    expect(RecordingWindow.last?.webPreferences.devTools).toBe(true)
  })

  it('stays hidden until its page is ready', () => {
    createMainWindow(RecordingWindow, { preload: '/p.js', devTools: false })
    expect(RecordingWindow.last?.show).toBe(false)
  })
})
