#!/usr/bin/env node
// `prestart`: make sure the Electron binary is there before `npm start` runs it.
//
// The electron npm package (45.x) ships no binary and no install script: it downloads the
// binary on first use, and on a machine without internet access that fails with a message that
// says nothing about how to fix it. Our users are often air-gapped, so this script fetches it
// up front with the package's own installer (node_modules/electron/install.js, which is also what
// `npx install-electron` runs) and, when that fails, explains the three offline ways to install it.
// The installer honours ELECTRON_MIRROR, ELECTRON_CUSTOM_DIR and electron_config_cache (through
// @electron/get), and checks the zip against the checksums shipped in the electron package.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, posix, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const DEFAULT_ELECTRON_DIR = resolve(HERE, '..', 'node_modules', 'electron')
const OFFICIAL_MIRROR = 'https://github.com/electron/electron/releases/download/'

/** The executable inside Electron's dist folder (same table as electron's install.js). */
export function platformPath(platform) {
  switch (platform) {
    case 'darwin':
    case 'mas':
      return 'Electron.app/Contents/MacOS/Electron'
    case 'win32':
      return 'electron.exe'
    case 'linux':
    case 'freebsd':
    case 'openbsd':
      return 'electron'
    default:
      throw new Error(`Electron has no builds for platform "${platform}"`)
  }
}

/**
 * Is the binary installed, as node_modules/electron/index.js will look for it?
 * ELECTRON_OVERRIDE_DIST_PATH (an unpacked Electron somewhere else) wins, like in index.js.
 */
export function electronStatus({ electronDir = DEFAULT_ELECTRON_DIR, env = process.env, platform = process.platform } = {}) {
  const version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version
  const exe = platformPath(platform)
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = join(env.ELECTRON_OVERRIDE_DIST_PATH, exe)
    return { version, binary, installed: existsSync(binary), override: true }
  }
  const binary = join(electronDir, 'dist', exe)
  const read = (f) => {
    try {
      return readFileSync(join(electronDir, f), 'utf8')
    } catch {
      return null
    }
  }
  const installed = read('dist/version')?.trim().replace(/^v/, '') === version && read('path.txt') === exe && existsSync(binary)
  return { version, binary, installed, override: false }
}

/** Where @electron/get caches downloads when electron_config_cache is not set (env-paths). */
export function defaultCacheRoot(env = process.env, platform = process.platform, home = homedir()) {
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'electron')
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'electron', 'Cache')
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'electron')
}

/** An @electron/get setting, looked up in the same places and order as it does. */
function mirrorSetting(env, name, fallback) {
  const snake = name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()
  return (
    env[`npm_config_electron_${name.toLowerCase()}`] ||
    env[`NPM_CONFIG_ELECTRON_${snake.toUpperCase()}`] ||
    env[`npm_config_electron_${snake}`] ||
    env[`npm_package_config_electron_${name}`] ||
    env[`npm_package_config_electron_${snake}`] ||
    env[`ELECTRON_${snake.toUpperCase()}`] ||
    fallback
  )
}

/**
 * The download URL of the Electron zip and the exact file in the cache it is read from, so an
 * offline machine can be pre-seeded. @electron/get keeps each file under a folder named by the
 * SHA-256 of the URL's directory (so a different mirror means a different folder).
 */
export function cacheLocation({ version, platform = process.platform, arch = process.arch, env = process.env, home = homedir() }) {
  const nodeArch = arch === 'arm' ? 'armv7l' : arch
  const fileName = `electron-v${version}-${platform}-${nodeArch}.zip`
  const mirror = mirrorSetting(env, 'mirror', OFFICIAL_MIRROR)
  const dir = mirrorSetting(env, 'customDir', `v${version}`).replace('{{ version }}', version)
  const url = `${mirror}${dir}/${mirrorSetting(env, 'customFilename', fileName)}`
  const parsed = new URL(url)
  parsed.hash = ''
  parsed.search = ''
  parsed.pathname = posix.dirname(parsed.pathname)
  const cacheRoot = env.electron_config_cache || defaultCacheRoot(env, platform, home)
  const folder = createHash('sha256').update(parsed.toString()).digest('hex')
  return { url, fileName, cacheRoot, file: join(cacheRoot, folder, fileName) }
}

export function offlineHelp({ version, location }) {
  return [
    '',
    `Lastmile could not install the Electron ${version} binary (the electron npm package downloads it on first use).`,
    'Without internet access, install it one of these ways, then run `npm start` again:',
    '',
    '  1. From an internal mirror of Electron releases:',
    '       ELECTRON_MIRROR=https://mirror.example.internal/electron/ npm start',
    `     (the mirror serves <ELECTRON_MIRROR>v${version}/${location.fileName}; ELECTRON_CUSTOM_DIR changes "v${version}")`,
    '',
    '  2. From a pre-seeded cache: on a connected machine download',
    `       https://github.com/electron/electron/releases/download/v${version}/${location.fileName}`,
    '     and copy it, unchanged, to exactly this path on this machine:',
    `       ${location.file}`,
    '     (set electron_config_cache=DIR to use another cache root; the folder name is derived from the',
    '     download URL, so re-run this script after changing ELECTRON_MIRROR to see the new path).',
    '     The zip is checked against the checksums shipped in node_modules/electron/checksums.json.',
    '',
    '  3. From an unpacked Electron of the same version (Linux, Windows):',
    `       ELECTRON_OVERRIDE_DIST_PATH=/opt/electron-v${version} npm start`,
    ''
  ].join('\n')
}

/**
 * @returns 0 when the binary is (now) installed, 1 when it is not
 */
export function ensureElectron({
  electronDir = DEFAULT_ELECTRON_DIR,
  env = process.env,
  platform = process.platform,
  arch = process.arch,
  home = homedir(),
  log = (m) => console.log(m),
  error = (m) => console.error(m),
  runInstaller = (script) => spawnSync(process.execPath, [script], { stdio: 'inherit', env }).status
} = {}) {
  const before = electronStatus({ electronDir, env, platform })
  if (before.installed) return 0
  const location = cacheLocation({ version: before.version, platform, arch, env, home })
  if (before.override) {
    error(`ELECTRON_OVERRIDE_DIST_PATH is set, but ${before.binary} does not exist.`)
    error(offlineHelp({ version: before.version, location }))
    return 1
  }
  log(`Electron ${before.version} is not installed yet: fetching ${location.url}`)
  log(`  (a copy already at ${location.file} is used without any download)`)
  const status = runInstaller(join(electronDir, 'install.js'))
  const after = electronStatus({ electronDir, env, platform })
  if (status === 0 && after.installed) {
    log(`Electron ${after.version} installed: ${after.binary}`)
    return 0
  }
  error(offlineHelp({ version: before.version, location }))
  return 1
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = ensureElectron()
}
