// The fuse step against synthetic Electron binaries. @electron/fuses finds the fuse wire after a
// fixed 32-byte sentinel: then one byte of wire version (1), one byte of length, then one ASCII
// byte per fuse ('0' off, '1' on, 'r' removed). A file with that layout inside arbitrary bytes is
// what the real binary looks like to it.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { listPackage } from '@electron/asar'
import { afterEach, describe, expect, it } from 'vitest'
import afterPack from './after-pack.cjs'

const ROOT = resolve(__dirname, '..')
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
// Electron 45 as shipped: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on,
// asar integrity off, only-asar off, V8 snapshot off, file:// privileges on, and a ninth fuse
// (WasmTrapHandlers) that @electron/fuses 1.8 does not know.
const SHIPPED = '101100011'

function syntheticElectron(states = SHIPPED): Buffer {
  return Buffer.concat([Buffer.from('\x7fELF'), Buffer.alloc(4096, 0x90), Buffer.from(SENTINEL), Buffer.from([1, states.length]), Buffer.from(states), Buffer.alloc(4096, 0x90)])
}

function wireOf(file: string): string {
  const b = readFileSync(file)
  const at = b.indexOf(SENTINEL) + SENTINEL.length
  return b.subarray(at + 2, at + 2 + b[at + 1]!).toString('latin1')
}

const dirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'lastmile-after-pack-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const linuxContext = (appOutDir: string) => ({
  appOutDir,
  electronPlatformName: 'linux',
  arch: 1,
  packager: { executableName: 'lastmile', appInfo: { productFilename: 'Lastmile' } }
})

describe('after-pack: fuses', () => {
  it('turns RunAsNode, NODE_OPTIONS and --inspect off, asar integrity and only-asar on (Linux)', async () => {
    const out = tmp()
    const before = syntheticElectron()
    writeFileSync(join(out, 'lastmile'), before)
    await afterPack(linuxContext(out))
    //                                 RunAsNode, Cookie, NodeOptions, Inspect, AsarIntegrity, OnlyAsar, V8Snapshot, FileProtocol, (unknown ninth)
    expect(wireOf(join(out, 'lastmile'))).toBe('0' + '1' + '0' + '0' + '1' + '1' + '0' + '0' + '1')
    const after = readFileSync(join(out, 'lastmile'))
    expect(after.length).toBe(before.length)
    expect(after.subarray(0, 4100)).toEqual(before.subarray(0, 4100))
  })

  it('finds the binary on Windows and inside the macOS framework', async () => {
    const win = tmp()
    writeFileSync(join(win, 'Lastmile.exe'), syntheticElectron())
    await afterPack({ ...linuxContext(win), electronPlatformName: 'win32' })
    expect(wireOf(join(win, 'Lastmile.exe')).slice(0, 8)).toBe('01001100')

    const mac = tmp()
    const framework = join(mac, 'Lastmile.app', 'Contents', 'Frameworks', 'Electron Framework.framework')
    mkdirSync(framework, { recursive: true })
    writeFileSync(join(framework, 'Electron Framework'), syntheticElectron())
    // x64: no ad-hoc re-signing (that needs macOS's codesign)
    await afterPack({ ...linuxContext(mac), electronPlatformName: 'darwin', arch: 1 })
    expect(wireOf(join(framework, 'Electron Framework')).slice(0, 8)).toBe('01001100')
  })

  it('fails the packaging when the binary has no fuse wire', async () => {
    const out = tmp()
    writeFileSync(join(out, 'lastmile'), Buffer.alloc(1024, 1))
    await expect(afterPack(linuxContext(out))).rejects.toThrow(/Could not find sentinel/)
  })

  it('fails the packaging when the wire is too short for the fuses we set', async () => {
    const out = tmp()
    writeFileSync(join(out, 'lastmile'), syntheticElectron('1011'))
    await expect(afterPack(linuxContext(out))).rejects.toThrow(/not long enough/)
  })

  it('reports every fuse that is not as configured, and tolerates removed ones', () => {
    const ok = '01001100'.split('').map((c) => c.charCodeAt(0))
    expect(afterPack.fuseMismatches({ ...ok })).toEqual([])
    const runAsNodeOn = [...ok]
    runAsNodeOn[0] = '1'.charCodeAt(0)
    expect(afterPack.fuseMismatches({ ...runAsNodeOn })).toEqual(['RunAsNode is "1", expected off'])
    const removed = [...ok]
    removed[7] = 'r'.charCodeAt(0)
    expect(afterPack.fuseMismatches({ ...removed })).toEqual([])
    expect(afterPack.fuseMismatches({})).toHaveLength(8)
  })

  it('configures every fuse @electron/fuses knows, explicitly', () => {
    expect(
      Object.keys(afterPack.FUSES)
        .filter((k) => k !== 'version')
        .sort()
    ).toEqual(['0', '1', '2', '3', '4', '5', '6', '7'])
  })
})

describe('electron-builder.yml with the after-pack hook', () => {
  it('packs the app into app.asar and flips the fuses of the packaged binary', () => {
    const project = tmp()
    // a tiny app with the real packaging config and hook
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'lastmile', version: '0.1.0', description: 'test', author: 'test', main: 'out/main/index.js', devDependencies: { electron: '45.5.0' } })
    )
    cpSync(join(ROOT, 'electron-builder.yml'), join(project, 'electron-builder.yml'))
    mkdirSync(join(project, 'scripts'))
    cpSync(join(ROOT, 'scripts', 'after-pack.cjs'), join(project, 'scripts', 'after-pack.cjs'))
    for (const f of ['out/main/index.js', 'out/main/index.js.map', 'out/preload/index.js', 'out/renderer/index.html', 'playbooks/s3.yaml']) {
      mkdirSync(join(project, f, '..'), { recursive: true })
      writeFileSync(join(project, f), `// ${f}\n`)
    }
    symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir')
    // an "unpacked Electron" to package, so nothing is downloaded
    const electronDist = tmp()
    writeFileSync(join(electronDist, 'electron'), syntheticElectron(), { mode: 0o755 })
    writeFileSync(join(electronDist, 'version'), '45.5.0')
    const output = join(project, 'dist')

    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'electron-builder', 'cli.js'),
        '--linux',
        '--dir',
        '--config',
        'electron-builder.yml',
        '-c.npmRebuild=false',
        `-c.electronDist=${electronDist}`,
        `-c.directories.output=${output}`
      ],
      { cwd: project, encoding: 'utf8', env: { ...process.env, CI: '1' } }
    )
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toContain('fuses set and verified')
    const unpacked = join(output, 'linux-unpacked')
    expect(wireOf(join(unpacked, 'lastmile')).slice(0, 8)).toBe('01001100')
    const files = listPackage(join(unpacked, 'resources', 'app.asar'), { isPack: false }).map((f) => f.replace(/\\/g, '/'))
    expect(files).toEqual(expect.arrayContaining(['/out/main/index.js', '/out/preload/index.js', '/out/renderer/index.html', '/playbooks/s3.yaml', '/package.json']))
    expect(files).not.toContain('/out/main/index.js.map')
  }, 120_000)
})
