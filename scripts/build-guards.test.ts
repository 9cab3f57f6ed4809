import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY_META } from '../main/platform/shell-policy'
import { cspMetaOf, forbiddenPreloadRequires, injectCspMeta, normalizeCsp, requiredModules, sandboxedPreloadGuard } from './build-guards'

const ROOT = resolve(__dirname, '..')

describe('the sandboxed-preload guard', () => {
  it('lists the modules a CommonJS bundle requires', () => {
    const code = `let e = require("electron"); const z = require('zod'); require(\`fs\`); require(name); x.require2("no")`
    expect(requiredModules(code)).toEqual(['electron', 'zod', 'fs', '<dynamic: name>'])
  })

  it('allows only electron', () => {
    expect(forbiddenPreloadRequires('const { ipcRenderer } = require("electron")')).toEqual([])
    expect(forbiddenPreloadRequires('require("electron"); require("node:path"); require("./chunk.js")')).toEqual(['node:path', './chunk.js'])
  })

  it('fails the build with a message that says what to do', () => {
    const plugin = sandboxedPreloadGuard()
    const context = {
      error(message: string): never {
        throw new Error(message)
      }
    }
    const generate = plugin.generateBundle as unknown as (this: typeof context, o: unknown, b: unknown) => void
    const bundle = { 'index.js': { type: 'chunk', code: 'require("electron"); require("zod")' } }
    expect(() => generate.call(context, {}, bundle)).toThrow(/out\/preload\/index\.js requires "zod", but a sandboxed preload/)
    expect(() => generate.call(context, {}, { 'index.js': { type: 'chunk', code: 'require("electron")' } })).not.toThrow()
  })
})

describe('the CSP meta tag', () => {
  const page = '<!doctype html>\n<html>\n  <head>\n    <title>x</title>\n  </head>\n</html>'

  it('is added right after <head> when the page has none', () => {
    const out = injectCspMeta(page, "default-src 'none'")
    expect(out).toContain(`<head>\n    <meta http-equiv="Content-Security-Policy" content="default-src 'none'">`)
    expect(cspMetaOf(out)).toBe("default-src 'none'")
  })

  it('is kept when the page already declares the same policy', () => {
    const html = `<head><meta\n  http-equiv="Content-Security-Policy"\n  content="script-src 'self';  default-src 'none'" /></head>`
    expect(injectCspMeta(html, "default-src 'none'; script-src 'self'")).toBe(html)
  })

  it('fails the build when the page declares a different policy', () => {
    const html = `<head><meta http-equiv="Content-Security-Policy" content="default-src 'self'"></head>`
    expect(() => injectCspMeta(html, "default-src 'none'")).toThrow(/differs from the shell's policy/)
  })

  it('compares policies by their directives', () => {
    expect(normalizeCsp("Script-Src 'self';default-src  'none';")).toBe(normalizeCsp("default-src 'none'; script-src 'self'"))
    expect(normalizeCsp("default-src 'none'")).not.toBe(normalizeCsp("default-src 'self'"))
  })

  it('matches the policy renderer/index.html declares', () => {
    const html = readFileSync(join(ROOT, 'renderer', 'index.html'), 'utf8')
    const declared = cspMetaOf(html)
    if (declared !== null) expect(normalizeCsp(declared)).toBe(normalizeCsp(CONTENT_SECURITY_POLICY_META))
  })
})

describe('npm run build (electron-vite build)', () => {
  it('produces the three bundles, a preload that requires only electron, and a page with the CSP', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'lastmile-build-'))
    try {
      const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', outDir, '--logLevel', 'error'], {
        cwd: ROOT,
        encoding: 'utf8'
      })
      expect(r.status, r.stderr + r.stdout).toBe(0)
      for (const f of ['main/index.js', 'main/cli.js', 'preload/index.js', 'renderer/index.html']) {
        expect(existsSync(join(outDir, f)), f).toBe(true)
      }
      const preload = readFileSync(join(outDir, 'preload', 'index.js'), 'utf8')
      expect(requiredModules(preload)).toEqual(['electron'])
      const html = readFileSync(join(outDir, 'renderer', 'index.html'), 'utf8')
      expect(normalizeCsp(cspMetaOf(html) ?? '')).toBe(normalizeCsp(CONTENT_SECURITY_POLICY_META))
    } finally {
      rmSync(outDir, { recursive: true, force: true })
    }
  })
})
