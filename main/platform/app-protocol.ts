// Serves the built renderer (out/renderer) on `app://lastmile/`, the only origin the window
// loads. A custom scheme instead of file:// gives the page a real origin (so the IPC sender check
// and CSP 'self' mean "our files", not "any file on disk") and lets every response carry our
// security headers. Requests that try to leave the renderer folder are refused.
import { readFile, realpath, stat } from 'node:fs/promises'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'
import { APP_HOST, APP_SCHEME, appResponseHeaders } from './shell-policy'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm'
}

export type AppRequest = { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 403 | 404 | 405; reason: string }

/**
 * Map a request to a file under `rootDir`, or say why not. Pure (no file system access): the
 * handler below also checks, on disk, that symlinks do not lead out of the folder.
 */
export function resolveAppRequest(rawUrl: string, method: string, rootDir: string): AppRequest {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405, reason: `method ${method} is not allowed` }
  let url: URL
  try {
    url = new URL(rawUrl)
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' }
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) {
    return { ok: false, status: 404, reason: `${url.protocol}//${url.host} is not this app` }
  }
  let path: string
  try {
    path = decodeURIComponent(url.pathname)
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding in the path' }
  }
  // After decoding, "%2e%2e%2f" has become "../" and "%5c" a backslash (a separator on Windows):
  // both are refused outright rather than normalised, and so is a NUL byte.
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 400, reason: 'forbidden character in the path' }
  if (path.split('/').some((segment) => segment === '..')) {
    return { ok: false, status: 403, reason: 'the path leaves the app folder' }
  }
  if (path === '' || path === '/') path = '/index.html'
  const root = resolve(rootDir)
  const file = resolve(root, `.${path}`)
  if (!isInside(root, file)) return { ok: false, status: 403, reason: 'the path leaves the app folder' }
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()]
  if (!contentType) return { ok: false, status: 404, reason: `no such app file type "${extname(file)}"` }
  return { ok: true, file, contentType }
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel)
}

/**
 * The `protocol.handle('app', …)` handler. Uses only the fetch API's Request/Response, which
 * Electron's protocol module and Node both provide, so it is tested under Node.
 */
export function createAppProtocolHandler(rootDir: string, log: (message: string) => void = () => {}): (request: Request) => Promise<Response> {
  const root = resolve(rootDir)
  return async (request) => {
    const target = resolveAppRequest(request.url, request.method, root)
    if (!target.ok) {
      log(`app protocol refused ${request.method} ${request.url}: ${target.reason}`)
      return refusal(target.status, target.reason)
    }
    try {
      // A symlink inside out/renderer must not serve a file from elsewhere.
      const [realRoot, realFile] = await Promise.all([realpath(root), realpath(target.file)])
      if (!isInside(realRoot, realFile)) {
        log(`app protocol refused ${request.url}: it resolves outside the app folder`)
        return refusal(403, 'the path leaves the app folder')
      }
      if (!(await stat(realFile)).isFile()) return refusal(404, 'not found')
      const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(realFile))
      return new Response(body, { status: 200, headers: appResponseHeaders(target.contentType) })
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') return refusal(404, 'not found')
      log(`app protocol failed on ${request.url}: ${(e as Error).message}`)
      return refusal(500, 'could not read the file')
    }
  }
}

function refusal(status: number, reason: string): Response {
  return new Response(`${status}: ${reason}`, { status, headers: appResponseHeaders('text/plain; charset=utf-8') })
}
