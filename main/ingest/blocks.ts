import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib'
import type Database from 'better-sqlite3-multiple-ciphers'
import type { Db } from '../db/case-db'
import { LastmileError } from '../errors'

/**
 * The imported file is kept in the case byte for byte, in compressed blocks: every alert's
 * record is a byte range of it, so "the original record verbatim" is exactly what the tool
 * wrote (no re-encoding), and the whole export can be recovered for an auditor. Brotli at
 * quality 3 compresses scanner JSON many times over at several hundred MB/s, which is cheaper
 * than encrypting the uncompressed text into the case. Quality 3 measured faster than 1 on
 * scanner JSON (≈600 MB/s) and smaller.
 */
export const BLOCK_BYTES = 1 << 20

export class BlockWriter {
  private readonly buf = Buffer.allocUnsafe(BLOCK_BYTES)
  private fill = 0
  private blockNo = 0
  private offset = 0
  private readonly insert: Database.Statement

  constructor(
    db: Db,
    private readonly importId: string
  ) {
    this.insert = db.prepare('INSERT INTO import_blocks (import_id, block_no, byte_offset, bytes, codec, data) VALUES (?, ?, ?, ?, ?, ?)')
  }

  write(bytes: Buffer): void {
    let i = 0
    while (i < bytes.length) {
      const n = Math.min(bytes.length - i, BLOCK_BYTES - this.fill)
      bytes.copy(this.buf, this.fill, i, i + n)
      this.fill += n
      i += n
      if (this.fill === BLOCK_BYTES) this.flush()
    }
  }

  flush(): void {
    if (this.fill === 0) return
    const raw = this.buf.subarray(0, this.fill)
    const packed = brotliCompressSync(raw, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 3, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length }
    })
    const keep = packed.length < raw.length
    this.insert.run(this.importId, this.blockNo, this.offset, raw.length, keep ? 'brotli' : 'none', keep ? packed : Buffer.from(raw))
    this.blockNo++
    this.offset += this.fill
    this.fill = 0
  }
}

type BlockRow = { block_no: number; byte_offset: number; bytes: number; codec: string; data: Buffer }

/** Bytes [offset, offset + length) of an import's stored file. */
export function readImportBytes(db: Db, importId: string, offset: number, length: number): Buffer {
  const first = Math.floor(offset / BLOCK_BYTES)
  const last = Math.floor((offset + length - 1) / BLOCK_BYTES)
  const rows = db
    .prepare('SELECT block_no, byte_offset, bytes, codec, data FROM import_blocks WHERE import_id = ? AND block_no BETWEEN ? AND ? ORDER BY block_no')
    .all(importId, first, last) as BlockRow[]
  if (rows.length !== last - first + 1) {
    throw new LastmileError('internal', `import ${importId}: the stored file lacks bytes ${offset}–${offset + length}`)
  }
  const parts = rows.map((r) => (r.codec === 'brotli' ? brotliDecompressSync(r.data) : r.data))
  const all = parts.length === 1 ? parts[0] : Buffer.concat(parts)
  const start = offset - rows[0].byte_offset
  return all.subarray(start, start + length)
}

/** The whole stored file, for an auditor or a re-import. */
export function* importFileChunks(db: Db, importId: string): Generator<Buffer> {
  for (const r of db.prepare('SELECT codec, data FROM import_blocks WHERE import_id = ? ORDER BY block_no').iterate(importId) as IterableIterator<BlockRow>) {
    yield r.codec === 'brotli' ? brotliDecompressSync(r.data) : r.data
  }
}
