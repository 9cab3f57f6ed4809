// Builds small evidence bundles in a temporary folder for the evaluator tests: files plus a
// manifest.json whose `files` list carries their real SHA-256 (unless told to leave some out).
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

export interface BundleSpec {
  files: Record<string, string | Buffer | object>
  /** paths to leave out of manifest.json's list */
  unlisted?: string[]
  manifest?: Record<string, unknown>
}

export function writeBundle(dir: string, spec: BundleSpec): string {
  const listed: Array<{ path: string; sha256: string; bytes: number }> = []
  for (const [path, content] of Object.entries(spec.files)) {
    const buf = Buffer.isBuffer(content) ? content : Buffer.from(typeof content === 'string' ? content : JSON.stringify(content, null, 2))
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), buf)
    if (!spec.unlisted?.includes(path)) listed.push({ path, sha256: createHash('sha256').update(buf).digest('hex'), bytes: buf.length })
  }
  const manifest = {
    format: 'lastmile-evidence-bundle',
    version: 1,
    collectedAt: '2026-11-20T10:00:00Z',
    collector: { tool: 'manual', version: '1', operator: 'test' },
    window: { from: '2026-08-22T00:00:00Z', to: '2026-11-20T00:00:00Z' },
    scopes: [{ provider: 'aws', account: '111122223333', regions: ['us-east-1'] }],
    files: listed,
    ...spec.manifest
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2))
  return dir
}
