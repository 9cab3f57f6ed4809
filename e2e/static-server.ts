// Serves the built renderer (out/renderer) over http://127.0.0.1 the way main serves it on the
// app scheme: the same response headers, CSP included, and nothing outside the folder. It is
// mounted under /app/ rather than at the root, which proves the build's relative `base: './'`.
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { appResponseHeaders } from '../main/platform/shell-policy'

export const RENDERER_DIR = resolve(__dirname, '..', 'out', 'renderer')
export const MOUNT = '/app/'
/** Test-only assets (axe-core), same-origin so the page's CSP allows them like any bundled script. */
const TEST_ASSETS: Record<string, string> = {
  '/__e2e__/axe.min.js': require.resolve('axe-core/axe.min.js')
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json'
}

export interface StaticServer {
  /** the page's address, e.g. http://127.0.0.1:41234/app/index.html */
  entry: string
  origin: string
  close(): Promise<void>
}

/** Extra same-origin assets (the UI benchmark's data), by path: type and bytes. */
export type ExtraAssets = Record<string, { type: string; body: Buffer }>

export async function startStaticServer(dir = RENDERER_DIR, extra: ExtraAssets = {}): Promise<StaticServer> {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`${join(dir, 'index.html')} is missing: build the app first (npm run build; npm run test:e2e does it)`)
  }
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    let pathname: string
    try {
      pathname = decodeURIComponent(url.pathname)
    } catch {
      res.writeHead(400, appResponseHeaders('text/plain; charset=utf-8')).end('bad path')
      return
    }
    const asset = extra[pathname]
    if (asset && req.method === 'GET') {
      res.writeHead(200, appResponseHeaders(asset.type)).end(asset.body)
      return
    }
    let file: string | undefined = TEST_ASSETS[pathname]
    if (!file && pathname.startsWith(MOUNT)) {
      const rel = normalize(pathname.slice(MOUNT.length) || 'index.html')
      const candidate = resolve(dir, rel)
      if (candidate.startsWith(dir + sep) && existsSync(candidate) && statSync(candidate).isFile()) file = candidate
    }
    if (req.method !== 'GET' || !file) {
      res.writeHead(404, appResponseHeaders('text/plain; charset=utf-8')).end('not found')
      return
    }
    res.writeHead(200, appResponseHeaders(TYPES[extname(file)] ?? 'application/octet-stream'))
    createReadStream(file).pipe(res)
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  return {
    origin,
    entry: `${origin}${MOUNT}index.html`,
    close: () =>
      new Promise((ok) => {
        server.close(() => ok())
        // close() waits for keep-alive connections the browser still holds; they carry no request
        // once the tests are done, so end them rather than wait out the teardown timeout.
        server.closeAllConnections()
      })
  }
}
