// Types for scripts/ensure-electron.mjs (plain Node, run by `prestart`); used by its tests.
export interface ElectronStatus {
  version: string
  binary: string
  installed: boolean
  override: boolean
}
export interface CacheLocation {
  url: string
  fileName: string
  cacheRoot: string
  file: string
}
export function platformPath(platform: string): string
export function electronStatus(opts?: { electronDir?: string; env?: NodeJS.ProcessEnv; platform?: string }): ElectronStatus
export function defaultCacheRoot(env?: NodeJS.ProcessEnv, platform?: string, home?: string): string
export function cacheLocation(opts: { version: string; platform?: string; arch?: string; env?: NodeJS.ProcessEnv; home?: string }): CacheLocation
export function offlineHelp(opts: { version: string; location: CacheLocation }): string
export function ensureElectron(opts?: {
  electronDir?: string
  env?: NodeJS.ProcessEnv
  platform?: string
  arch?: string
  home?: string
  log?: (message: string) => void
  error?: (message: string) => void
  runInstaller?: (script: string) => number | null
}): number
