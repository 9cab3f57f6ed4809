import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cacheLocation, defaultCacheRoot, electronStatus, ensureElectron } from './ensure-electron.mjs'

const ROOT = resolve(__dirname, '..')
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A node_modules/electron without its binary, whose install.js runs `installScript`. */
function fakeElectronPackage(installScript: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lastmile-electron-pkg-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.5.0' }))
  writeFileSync(join(dir, 'install.js'), installScript)
  return dir
}

const INSTALLS = `
const fs = require('fs'), path = require('path')
fs.writeFileSync(path.join(__dirname, 'seen-env.json'), JSON.stringify({ mirror: process.env.ELECTRON_MIRROR || null }))
fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true })
fs.writeFileSync(path.join(__dirname, 'dist', 'version'), 'v45.5.0')
fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '')
fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron')
`
const FAILS = `console.error('TypeError: fetch failed'); process.exit(1)`

/** @electron/get's own cache class and env-paths, to check our paths against theirs. */
async function electronGetCache() {
  const { Cache } = await import(pathToFileURL(join(ROOT, 'node_modules/@electron/get/dist/Cache.js')).href)
  const envPaths = (await import(pathToFileURL(join(ROOT, 'node_modules/env-paths/index.js')).href)).default
  return { Cache, envPaths }
}

describe('electronStatus', () => {
  it('says installed only when version, path.txt and the binary all match', () => {
    const dir = fakeElectronPackage('')
    const env = {}
    expect(electronStatus({ electronDir: dir, env, platform: 'linux' })).toMatchObject({ version: '45.5.0', installed: false })
    mkdirSync(join(dir, 'dist'))
    writeFileSync(join(dir, 'dist', 'version'), 'v45.4.0')
    writeFileSync(join(dir, 'dist', 'electron'), '')
    writeFileSync(join(dir, 'path.txt'), 'electron')
    expect(electronStatus({ electronDir: dir, env, platform: 'linux' }).installed).toBe(false)
    writeFileSync(join(dir, 'dist', 'version'), 'v45.5.0')
    expect(electronStatus({ electronDir: dir, env, platform: 'linux' })).toMatchObject({ installed: true, binary: join(dir, 'dist', 'electron') })
  })

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron/index.js does', () => {
    const dir = fakeElectronPackage('')
    const unpacked = mkdtempSync(join(tmpdir(), 'lastmile-unpacked-'))
    dirs.push(unpacked)
    const env = { ELECTRON_OVERRIDE_DIST_PATH: unpacked }
    expect(electronStatus({ electronDir: dir, env, platform: 'linux' })).toMatchObject({ installed: false, override: true })
    writeFileSync(join(unpacked, 'electron'), '')
    expect(electronStatus({ electronDir: dir, env, platform: 'linux' })).toMatchObject({ installed: true, binary: join(unpacked, 'electron') })
  })
})

describe('cacheLocation', () => {
  it('is the file @electron/get reads from its cache, for the official URL and for a mirror', async () => {
    const { Cache } = await electronGetCache()
    for (const env of [
      {},
      { ELECTRON_MIRROR: 'https://mirror.example.internal/electron/' },
      { npm_config_electron_mirror: 'https://npm.example/e/', ELECTRON_CUSTOM_DIR: '{{ version }}' }
    ]) {
      const loc = cacheLocation({ version: '45.5.0', platform: 'linux', arch: 'x64', env: { ...env, electron_config_cache: '/c' } })
      expect(loc.fileName).toBe('electron-v45.5.0-linux-x64.zip')
      expect(loc.file).toBe(new Cache('/c').getCachePath(loc.url, loc.fileName))
    }
    const official = cacheLocation({ version: '45.5.0', platform: 'linux', arch: 'x64', env: {} })
    expect(official.url).toBe('https://github.com/electron/electron/releases/download/v45.5.0/electron-v45.5.0-linux-x64.zip')
    const mirrored = cacheLocation({ version: '45.5.0', platform: 'linux', arch: 'x64', env: { ELECTRON_MIRROR: 'https://m.example/' } })
    expect(mirrored.url).toBe('https://m.example/v45.5.0/electron-v45.5.0-linux-x64.zip')
    expect(mirrored.file).not.toBe(official.file)
  })

  it('defaults to the same cache root as @electron/get (~/.cache/electron on Linux)', async () => {
    const { envPaths } = await electronGetCache()
    expect(defaultCacheRoot(process.env, process.platform, homedir())).toBe(envPaths('electron', { suffix: '' }).cache)
    expect(defaultCacheRoot({}, 'linux', '/home/ana')).toBe('/home/ana/.cache/electron')
  })
})

describe('ensureElectron (prestart)', () => {
  it('does nothing when the binary is there', () => {
    const dir = fakeElectronPackage(FAILS)
    mkdirSync(join(dir, 'dist'))
    writeFileSync(join(dir, 'dist', 'version'), '45.5.0')
    writeFileSync(join(dir, 'dist', 'electron'), '')
    writeFileSync(join(dir, 'path.txt'), 'electron')
    const runInstaller = vi.fn(() => 1)
    expect(ensureElectron({ electronDir: dir, env: {}, platform: 'linux', runInstaller })).toBe(0)
    expect(runInstaller).not.toHaveBeenCalled()
  })

  it('runs electron/install.js with the environment (ELECTRON_MIRROR) and succeeds when it installs', () => {
    const dir = fakeElectronPackage(INSTALLS)
    const log = vi.fn()
    const env = { ...process.env, ELECTRON_MIRROR: 'https://mirror.example.internal/electron/' }
    expect(ensureElectron({ electronDir: dir, env, platform: 'linux', log, error: vi.fn() })).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'seen-env.json'), 'utf8'))).toEqual({ mirror: 'https://mirror.example.internal/electron/' })
    expect(log).toHaveBeenCalledWith(expect.stringContaining('fetching https://mirror.example.internal/electron/v45.5.0/'))
  })

  it('explains the offline ways to install when the download fails, and exits 1', () => {
    const dir = fakeElectronPackage(FAILS)
    const error = vi.fn()
    const env = { ...process.env, electron_config_cache: '/srv/electron-cache' }
    expect(ensureElectron({ electronDir: dir, env, platform: 'linux', arch: 'x64', log: vi.fn(), error })).toBe(1)
    const help = error.mock.calls.map((c) => c[0]).join('\n')
    expect(help).toContain('ELECTRON_MIRROR=')
    expect(help).toContain(cacheLocation({ version: '45.5.0', platform: 'linux', arch: 'x64', env }).file)
    expect(help).toMatch(/^\s+\/srv\/electron-cache\/[0-9a-f]{64}\/electron-v45\.5\.0-linux-x64\.zip$/m)
    expect(help).toContain('ELECTRON_OVERRIDE_DIST_PATH=')
  })

  it('does not download when ELECTRON_OVERRIDE_DIST_PATH points at nothing', () => {
    const dir = fakeElectronPackage(INSTALLS)
    const error = vi.fn()
    const runInstaller = vi.fn(() => 0)
    expect(ensureElectron({ electronDir: dir, env: { ELECTRON_OVERRIDE_DIST_PATH: '/nope' }, platform: 'linux', runInstaller, error, log: vi.fn() })).toBe(1)
    expect(runInstaller).not.toHaveBeenCalled()
    expect(error.mock.calls[0]![0]).toContain('/nope/electron does not exist')
  })
})
