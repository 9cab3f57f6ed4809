// electron-builder `afterPack` hook (electron-builder.yml): flip Electron's fuses in the packaged
// binary, then read them back and fail the packaging if any is not as configured.
//
// Fuses are bits compiled into the Electron binary that switch features off for good, below
// anything JavaScript can change. afterPack runs after the app is copied in and before signing,
// which is when they must be flipped (flipping changes the binary, so it would break a signature).
// The fuse list lives here and nowhere else: electron-builder.yml sets no `electronFuses`.
'use strict'
const path = require('node:path')
const { FuseState } = require('@electron/fuses/dist/constants')
const { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } = require('@electron/fuses')

/** Every fuse @electron/fuses 1.8 knows, set explicitly, with why. */
const FUSES = {
  version: FuseVersion.V1,
  // ELECTRON_RUN_AS_NODE would turn the signed app into a plain Node interpreter for anyone.
  [FuseV1Options.RunAsNode]: false,
  // Chromium's cookie store encrypted with the OS keystore (we set no cookies; costs nothing).
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS could inject code or trust into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect / --inspect-brk / SIGUSR1 would open a debugger on the process holding case keys.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar is checked against the hash electron-builder embeds (macOS and Windows; Electron
  // does not implement the check on Linux).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only app.asar is loaded, never a loose resources/app folder someone dropped next to it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // We ship no custom V8 snapshot.
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The page is served from app://, so file:// needs none of its legacy extra privileges.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false
}

/** The file that holds the fuse wire, for each platform electron-builder packs. */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      // @electron/fuses finds the framework binary inside the .app itself.
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`)
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`)
    case 'linux':
      return path.join(appOutDir, packager.executableName)
    default:
      throw new Error(`after-pack: cannot set fuses for platform "${electronPlatformName}"`)
  }
}

/** Names of the configured fuses whose state in `wire` differs from FUSES. */
function fuseMismatches(wire) {
  const wrong = []
  for (const [key, enabled] of Object.entries(FUSES)) {
    if (key === 'version') continue
    const index = Number(key)
    const actual = wire[index]
    const expected = enabled ? FuseState.ENABLE : FuseState.DISABLE
    // A fuse Electron has removed is a feature that no longer exists: nothing to enforce.
    if (actual === FuseState.REMOVED) continue
    if (actual !== expected) {
      const state = actual === undefined ? 'absent' : String.fromCharCode(actual)
      wrong.push(`${FuseV1Options[index]} is "${state}", expected ${enabled ? 'on' : 'off'}`)
    }
  }
  return wrong
}

async function afterPack(context) {
  const binary = electronBinaryPath(context)
  const darwin = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas'
  // Flipping fuses invalidates the ad-hoc signature Apple Silicon requires; re-sign ad hoc (a
  // configured Developer ID signature replaces it in electron-builder's signing step).
  const arm = context.arch === 3 /* Arch.arm64 */ || context.arch === 4 /* Arch.universal */
  await flipFuses(binary, { ...FUSES, resetAdHocDarwinSignature: darwin && arm })
  const wrong = fuseMismatches(await getCurrentFuseWire(binary))
  if (wrong.length > 0) {
    throw new Error(`after-pack: fuses not set in ${binary}: ${wrong.join('; ')}`)
  }
  console.log(`  • fuses set and verified in ${path.relative(process.cwd(), binary) || binary}`)
}

module.exports = afterPack
module.exports.afterPack = afterPack
module.exports.default = afterPack
module.exports.FUSES = FUSES
module.exports.electronBinaryPath = electronBinaryPath
module.exports.fuseMismatches = fuseMismatches
