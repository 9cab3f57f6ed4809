// Writes an evidence bundle (EVIDENCE_BUNDLE.md) as `evidence collect` gathers it: each file is
// hashed while it is written, and the manifest lists every file with its SHA-256 and size, plus
// the parts that could not be collected (coverage gaps).
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { LastmileError } from '../errors'
import { prepareOutputFolder, writeOutputFile, writeOutputStream } from '../services/outputs'
import { type CollectionGap, MANIFEST, MANIFEST_FORMAT, type Manifest, unsafePathReason } from '../semantics/bundle'

export class BundleWriter {
  private readonly files: Array<{ path: string; sha256: string; bytes: number }> = []
  private readonly paths = new Set<string>()
  readonly gaps: CollectionGap[] = []

  constructor(readonly dir: string) {
    prepareOutputFolder(dir, { inputs: [], empty: true, emptyHint: 'evidence collect writes a new bundle into an empty or new folder' })
  }

  private target(rel: string): string {
    const why = unsafePathReason(rel)
    // Object keys come from the cloud: a key like "../../x" must not write outside the bundle.
    if (why) throw new LastmileError('bad-input', `${rel}: refused as a bundle path: ${why}`)
    if (this.paths.has(rel)) throw new LastmileError('conflict', `${rel}: written twice`)
    this.paths.add(rel)
    const abs = join(this.dir, rel)
    mkdirSync(dirname(abs), { recursive: true })
    return abs
  }

  writeJson(rel: string, value: unknown): void {
    this.writeBuffer(rel, Buffer.from(`${JSON.stringify(value, (k, v) => (k === '$metadata' ? undefined : v), 2)}\n`))
  }

  writeBuffer(rel: string, buf: Buffer): void {
    const abs = this.target(rel)
    writeOutputFile(abs, buf, { inputs: [] })
    this.files.push({ path: rel, sha256: createHash('sha256').update(buf).digest('hex'), bytes: buf.length })
  }

  /** Stream a body (an S3 object) to the bundle, hashing it on the way: never held in memory. */
  async writeStream(rel: string, body: Readable | AsyncIterable<Uint8Array>): Promise<number> {
    const abs = this.target(rel)
    const h = createHash('sha256')
    let bytes = 0
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        h.update(chunk)
        bytes += chunk.length
        cb(null, chunk)
      }
    })
    await writeOutputStream(abs, body, { inputs: [] }, [tap])
    this.files.push({ path: rel, sha256: h.digest('hex'), bytes })
    return bytes
  }

  has(rel: string): boolean {
    return this.paths.has(rel)
  }

  gap(g: CollectionGap): void {
    this.gaps.push(g)
  }

  /** Write manifest.json last: a bundle without one is visibly unfinished. */
  finish(meta: Pick<Manifest, 'collectedAt' | 'collector' | 'window' | 'scopes'>): Manifest {
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      version: 1,
      collectedAt: meta.collectedAt,
      collector: meta.collector,
      window: meta.window,
      scopes: meta.scopes,
      files: [...this.files].sort((a, b) => a.path.localeCompare(b.path)),
      ...(this.gaps.length ? { gaps: this.gaps } : {})
    }
    writeOutputFile(join(this.dir, MANIFEST), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), { inputs: [] })
    return manifest
  }
}
