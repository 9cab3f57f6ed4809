// The security policy of the desktop shell, as plain data and pure checks, so that it is unit
// tested without Electron. main/index.ts only wires these into Electron's hooks.
//
// No Electron import here (main/** may not import it, see .dependency-cruiser.cjs), and no
// Node-only API either: electron.vite.config.ts imports the CSP from this file.

/** The app's own scheme. Registered as privileged (standard + secure) before `ready`. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'lastmile'
const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/**
 * Privileges of the app scheme. `standard` gives it an origin and relative URLs (Vite emits
 * `./assets/…`); `secure` makes it a secure context like https. Deliberately NOT set:
 * `bypassCSP`, `corsEnabled` (it would let any other origin read our files),
 * `supportFetchAPI` (the page talks to main only through the preload; CSP has
 * `connect-src 'none'` anyway), `allowServiceWorkers`, `allowExtensions`.
 * `codeCache` only speeds up loading of our own scripts.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, codeCache: true } as const

/**
 * The Content-Security-Policy of every page the app shows. Nothing remote: the app makes no
 * network request of its own. `img-src data:` is for small inline images Vite may inline from CSS.
 * React sets `style` through the CSSOM, which `style-src 'self'` does not block, so no
 * `'unsafe-inline'` is needed.
 */
const CSP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data:"],
  ['font-src', "'self'"],
  ['connect-src', "'none'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"]
]

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([k, v]) => `${k} ${v}`).join('; ')

/**
 * The same policy for a `<meta http-equiv>` tag in the built index.html (defence in depth, and
 * the policy Playwright tests run under). Browsers ignore `frame-ancestors` in a meta tag and log
 * a console error about it, so it is left out there; the response header carries it.
 */
export const CONTENT_SECURITY_POLICY_META = CSP_DIRECTIVES.filter(([k]) => k !== 'frame-ancestors')
  .map(([k, v]) => `${k} ${v}`)
  .join('; ')

/** Headers on every response of the app scheme. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store'
  }
}

/** True for a URL of our own page: `app://lastmile/…`, no credentials, no port. */
export function isAppUrl(url: string | null | undefined): boolean {
  if (typeof url !== 'string') return false
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  // Node's URL gives a non-special scheme the origin "null", so compare the parts instead.
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === ''
}

/** The part of an Electron WebFrameMain the sender check reads. */
export interface SenderFrame {
  url: string
  parent: unknown
}

/**
 * May this frame call the API? Only the top frame of our own page. A frame that is gone (null),
 * a sub-frame (our CSP allows none, so one would be foreign) or any other origin is refused.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  if (!frame) return false
  if (frame.parent !== null && frame.parent !== undefined) return false
  return isAppUrl(frame.url)
}

/**
 * Should the session let this request through? Only our scheme (and inline `data:` images the CSP
 * allows). Everything else (http, https, ws, file, ftp…) is cancelled: the app makes no network
 * request of its own, so any such request is a bug or an attack. DevTools' own pages only when
 * DevTools are enabled (running from a checkout, never in a packaged app).
 */
export function isAllowedRequest(url: string, opts: { devTools: boolean }): boolean {
  if (isAppUrl(url)) return true
  if (url.startsWith('data:')) return true
  if (opts.devTools && (url.startsWith('devtools://') || url.startsWith('chrome-extension://'))) return true
  return false
}
