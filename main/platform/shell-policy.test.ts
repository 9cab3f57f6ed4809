import { describe, expect, it } from 'vitest'
import {
  APP_ENTRY_URL,
  APP_SCHEME_PRIVILEGES,
  CONTENT_SECURITY_POLICY,
  CONTENT_SECURITY_POLICY_META,
  appResponseHeaders,
  isAllowedRequest,
  isAppUrl,
  isTrustedSender
} from './shell-policy'

describe('the content security policy', () => {
  it('is the strict policy of the foundation issue, nothing remote', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|unsafe-|\*/)
  })

  it('leaves frame-ancestors out of the <meta> variant only (browsers ignore it there)', () => {
    expect(CONTENT_SECURITY_POLICY_META).not.toContain('frame-ancestors')
    expect(CONTENT_SECURITY_POLICY).toBe(`${CONTENT_SECURITY_POLICY_META}; frame-ancestors 'none'`)
  })

  it('is sent with every app response, with nosniff', () => {
    const h = appResponseHeaders('text/html; charset=utf-8')
    expect(h['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(h['X-Content-Type-Options']).toBe('nosniff')
    expect(h['Content-Type']).toBe('text/html; charset=utf-8')
  })
})

describe('the app scheme', () => {
  it('is standard and secure, and neither bypasses CSP nor opens itself to other origins', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true })
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP')
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('corsEnabled')
    expect(APP_ENTRY_URL).toBe('app://lastmile/index.html')
  })

  it('recognises only our own origin', () => {
    expect(isAppUrl('app://lastmile/index.html')).toBe(true)
    expect(isAppUrl('app://lastmile/assets/x.js?v=1#top')).toBe(true)
    for (const url of [
      'app://evil/index.html',
      'app://lastmile.evil/index.html',
      'app://user:pw@lastmile/index.html',
      'https://lastmile/index.html',
      'file:///etc/passwd',
      'http://127.0.0.1:5173/',
      'lastmile/index.html',
      '',
      null,
      undefined
    ]) {
      expect(isAppUrl(url), String(url)).toBe(false)
    }
  })
})

describe('the IPC sender check', () => {
  it('accepts the top frame of our page', () => {
    expect(isTrustedSender({ url: 'app://lastmile/index.html#/cases', parent: null })).toBe(true)
  })

  it('refuses a frame that is gone, a sub-frame, or another origin', () => {
    expect(isTrustedSender(null)).toBe(false)
    expect(isTrustedSender(undefined)).toBe(false)
    expect(isTrustedSender({ url: 'app://lastmile/index.html', parent: { url: 'app://lastmile/index.html' } })).toBe(false)
    expect(isTrustedSender({ url: 'https://attacker.example/', parent: null })).toBe(false)
    expect(isTrustedSender({ url: 'about:blank', parent: null })).toBe(false)
    expect(isTrustedSender({ url: 'file:///tmp/x.html', parent: null })).toBe(false)
  })
})

describe('the request filter', () => {
  it('lets through only our scheme and inline data: images', () => {
    expect(isAllowedRequest('app://lastmile/assets/index.js', { devTools: false })).toBe(true)
    expect(isAllowedRequest('data:image/png;base64,AAAA', { devTools: false })).toBe(true)
  })

  it('cancels every network request', () => {
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:8080/',
      'ws://localhost/',
      'wss://example.com/socket',
      'file:///etc/passwd',
      'ftp://example.com/',
      'app://other/index.html',
      'https://clients2.google.com/spellcheck'
    ]) {
      expect(isAllowedRequest(url, { devTools: true }), url).toBe(false)
    }
  })

  it('allows DevTools pages only when DevTools are enabled', () => {
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html', { devTools: true })).toBe(true)
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html', { devTools: false })).toBe(false)
  })
})
