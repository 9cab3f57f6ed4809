import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { LastmileError, fsReason } from '../../errors'

/** The report's three faces; each is a TTF shipped in resources/fonts and embedded (subset). */
export type FontFace = 'regular' | 'bold' | 'mono'

const FILES: Record<FontFace, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  mono: 'DejaVuSansMono.ttf'
}

export type FontFiles = Record<FontFace, Buffer>

/**
 * Find resources/fonts from wherever this code runs: the sources (main/export/pdf), the build
 * (out/main) or a packaged app (process.resourcesPath). Never the system's fonts: the report must
 * look the same on every machine and fetch nothing.
 */
function fontsDir(): string {
  const candidates: string[] = []
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath
  if (resourcesPath) candidates.push(join(resourcesPath, 'fonts'), join(resourcesPath, 'resources', 'fonts'))
  for (let d = __dirname, i = 0; i < 6; i++, d = dirname(d)) candidates.push(join(d, 'resources', 'fonts'))
  const found = candidates.find((d) => existsSync(join(d, FILES.regular)))
  if (!found) {
    throw new LastmileError('unavailable', `the report fonts are missing: ${FILES.regular} was not found in resources/fonts (looked in ${candidates.join(', ')})`)
  }
  return found
}

export function loadFonts(dir = fontsDir()): FontFiles {
  const out = {} as FontFiles
  for (const face of Object.keys(FILES) as FontFace[]) {
    const p = join(dir, FILES[face])
    try {
      out[face] = readFileSync(p)
    } catch (e) {
      throw new LastmileError('unavailable', `${p}: cannot read the report font: ${fsReason(e)}`)
    }
  }
  return out
}
