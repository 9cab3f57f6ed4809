// Navigation, pop-up and <webview> guards for every WebContents the app ever creates (main
// window, DevTools, anything unexpected). main/index.ts applies them from `web-contents-created`,
// so no code path can create a contents that is not guarded.

/** The part of an Electron event these guards use. */
export interface PreventableEvent {
  preventDefault(): void
  url?: string
}

/** The part of Electron's WebContents the guards use. */
export interface GuardableContents {
  on(event: string, listener: (event: PreventableEvent, ...args: unknown[]) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

/**
 * Deny everything that would take a contents away from our page: navigation of the main frame
 * or of any frame, server redirects, <webview> attachment and window.open. The app is a single
 * page whose routes change only the URL hash, which emits none of these events.
 *
 * The event names are written out as literals (not looped over) so that Electronegativity's
 * static navigation check can see them.
 */
export function hardenWebContents(contents: GuardableContents, log: (message: string) => void): void {
  const deny =
    (name: string) =>
    (event: PreventableEvent, ...args: unknown[]): void => {
      event.preventDefault()
      log(`blocked ${name} to ${describeTarget(event, args)}`)
    }
  contents.on('will-navigate', deny('will-navigate'))
  contents.on('will-frame-navigate', deny('will-frame-navigate'))
  contents.on('will-redirect', deny('will-redirect'))
  contents.on('will-attach-webview', deny('will-attach-webview'))
  // No pop-ups, and no shell.openExternal either: a link inside imported data must open nothing.
  contents.setWindowOpenHandler(({ url }) => {
    log(`blocked window.open of ${url}`)
    return { action: 'deny' }
  })
}

function describeTarget(event: PreventableEvent, args: unknown[]): string {
  if (typeof event.url === 'string') return event.url
  const first = args.find((a) => typeof a === 'string')
  return typeof first === 'string' ? first : '(unknown URL)'
}
