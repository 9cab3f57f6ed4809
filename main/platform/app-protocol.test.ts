import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppProtocolHandler, resolveAppRequest } from './app-protocol'
import { CONTENT_SECURITY_POLICY } from './shell-policy'

let base: string
let root: string
let handler: (r: Request) => Promise<Response>
const logged: string[] = []

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'lastmile-app-protocol-'))
  root = join(base, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Lastmile</title>')
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)')
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}')
  writeFileSync(join(base, 'secret.json'), '{"key":"do not serve"}')
  symlinkSync(join(base, 'secret.json'), join(root, 'assets', 'link.json'))
  handler = createAppProtocolHandler(root, (m) => logged.push(m))
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

const get = (url: string, method = 'GET') => handler(new Request(url, { method }))

describe('the app:// protocol handler', () => {
  it('serves index.html for / with the CSP and nosniff headers', async () => {
    for (const url of ['app://lastmile/', 'app://lastmile/index.html']) {
      const r = await get(url)
      expect(r.status, url).toBe(200)
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await r.text()).toContain('<title>Lastmile</title>')
    }
  })

  it('serves assets with their content type, ignoring query and hash', async () => {
    const js = await get('app://lastmile/assets/index-abc.js?v=2#x')
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await js.text()).toBe('console.log(1)')
    expect((await get('app://lastmile/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8')
  })

  it('answers HEAD without a body', async () => {
    const r = await get('app://lastmile/index.html', 'HEAD')
    expect(r.status).toBe(200)
    expect(await r.text()).toBe('')
  })

  it('refuses paths that climb out of the folder, however they are encoded', async () => {
    const attempts = [
      'app://lastmile/..%2fsecret.json',
      'app://lastmile/assets/..%2f..%2fsecret.json',
      'app://lastmile/%2e%2e%2fsecret.json',
      'app://lastmile/assets%2f..%2f..%2fsecret.json',
      'app://lastmile/..%5csecret.json',
      'app://lastmile/%2e%2e/secret.json',
      'app://lastmile/index.html%00.js'
    ]
    for (const url of attempts) {
      const r = await get(url)
      expect([400, 403, 404], url).toContain(r.status)
      expect(await r.text(), url).not.toContain('do not serve')
    }
  })

  it('refuses a symlink that leads outside the folder', async () => {
    const r = await get('app://lastmile/assets/link.json')
    expect(r.status).toBe(403)
    expect(await r.text()).not.toContain('do not serve')
    expect(logged.some((m) => m.includes('resolves outside the app folder'))).toBe(true)
  })

  it('answers 404 for a missing file, a folder, another host or an unknown file type', async () => {
    expect((await get('app://lastmile/nope.js')).status).toBe(404)
    expect((await get('app://lastmile/assets')).status).toBe(404)
    expect((await get('app://other/index.html')).status).toBe(404)
    expect((await get('app://lastmile/index.exe')).status).toBe(404)
  })

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('app://lastmile/index.html', 'POST')).status).toBe(405)
  })

  it('puts the CSP on refusals too', async () => {
    const r = await get('app://lastmile/nope.js')
    expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
  })
})

describe('resolveAppRequest', () => {
  it('maps URLs to files under the root only', () => {
    expect(resolveAppRequest('app://lastmile/a/b.js', 'GET', '/srv/r')).toEqual({
      ok: true,
      file: '/srv/r/a/b.js',
      contentType: 'text/javascript; charset=utf-8'
    })
    expect(resolveAppRequest('app://lastmile/%E0%A4%A', 'GET', '/srv/r')).toMatchObject({ ok: false, status: 400 })
    expect(resolveAppRequest('not a url', 'GET', '/srv/r')).toMatchObject({ ok: false, status: 400 })
    expect(resolveAppRequest('app://lastmile/a/%2e%2e/%2e%2e/etc/passwd', 'GET', '/srv/r')).toMatchObject({ ok: false })
  })
})
