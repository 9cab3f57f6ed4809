import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

let cached: string | null = null

/**
 * The folder holding the app's data files (playbooks/, resources/, package.json): the checkout,
 * or the root of app.asar when packaged. Found by walking up from this module, because the same
 * code runs from main/<area>/ (sources), out/main/ and out/main/chunks/ (the build).
 */
export function appRoot(): string {
  if (cached) return cached
  for (let d = __dirname, i = 0; i < 6; i++, d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'playbooks'))) return (cached = d)
  }
  throw new Error(`cannot find the app's folder (playbooks/ beside package.json) above ${__dirname}`)
}
