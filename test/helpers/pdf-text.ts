// The text of a PDF as poppler's pdftotext reads it, whole. spawnSync keeps only 1 MiB of a child's
// output by default and returns what it got without failing the call: the demo's report (~430 pages)
// passed that size, and a search for text near its end silently looked at a truncated copy.
import { spawnSync } from 'node:child_process'

export function pdfText(path: string, opts: { layout?: boolean } = {}): string {
  const r = spawnSync('pdftotext', [...(opts.layout ? ['-layout'] : []), path, '-'], { encoding: 'utf8', maxBuffer: 1 << 30 })
  if (r.error) throw new Error(`pdftotext ${path}: ${r.error.message}`)
  if (r.status !== 0) throw new Error(`pdftotext ${path}: exit ${r.status}: ${r.stderr.trim()}`)
  return r.stdout
}
