#!/usr/bin/env node
// Build the encrypted-SQLite module for Electron's ABI, BESIDE the Node build.
//
// `npm ci` compiles better-sqlite3-multiple-ciphers for Node: the command line and the tests use
// that build. The desktop app runs inside Electron, whose native ABI differs, so it needs its own
// build. electron-rebuild would replace the Node build in place and break the CLI and the tests
// until the next `npm rebuild`; instead we compile a copy of the package into
// .native/electron-<version>/ and main/index.ts hands that file to the database layer
// (better-sqlite3's `nativeBinding` option). Packaged apps are rebuilt by electron-builder.
//
// Needs the Electron headers: from the internet, from ELECTRON_HEADERS_URL (an internal mirror of
// https://electronjs.org/headers), or from a node-gyp cache (~/.cache/node-gyp/<version>) copied
// from a connected machine.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const PKG = 'better-sqlite3-multiple-ciphers'

export function electronNativePath(root = ROOT) {
  const version = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version
  return { version, file: join(root, '.native', `electron-${version}`, PKG, 'build', 'Release', 'better_sqlite3.node') }
}

export function buildElectronNative({ root = ROOT, env = process.env, log = console.error } = {}) {
  const { version, file } = electronNativePath(root)
  if (existsSync(file)) return 0
  const work = join(root, '.native', `electron-${version}`, PKG)
  rmSync(work, { recursive: true, force: true })
  mkdirSync(dirname(work), { recursive: true })
  cpSync(join(root, 'node_modules', PKG), work, { recursive: true, filter: (src) => !src.includes(`${PKG}/build/`) })
  const gyp = env.npm_config_node_gyp ? [process.execPath, env.npm_config_node_gyp] : ['npx', '--no-install', 'node-gyp']
  const args = ['rebuild', '--release', `--target=${version}`, '--runtime=electron', `--dist-url=${env.ELECTRON_HEADERS_URL ?? 'https://electronjs.org/headers'}`]
  log(`lastmile: building ${PKG} for Electron ${version} in ${work} …`)
  const r = spawnSync(gyp[0], [...gyp.slice(1), ...args], { cwd: work, stdio: 'inherit', env })
  if (r.status !== 0 || !existsSync(file)) {
    log(
      [
        `lastmile: could not build ${PKG} for Electron ${version}.`,
        'The build needs the Electron headers: connect to the internet once, or set ELECTRON_HEADERS_URL to an internal',
        'mirror of https://electronjs.org/headers, or copy the node-gyp cache (~/.cache/node-gyp/' + version + ') from a',
        'machine where this build has run. The command line (npm run cli) works without it.'
      ].join('\n')
    )
    return 1
  }
  log(`lastmile: built ${file}`)
  return 0
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = buildElectronNative()
}
