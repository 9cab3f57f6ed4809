import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib'
import type Database from 'better-sqlite3-multiple-ciphers'
import type { Db, WritableDb } from '../db/case-db'
import { LastmileError } from '../errors'

/**
 * The imported file is kept in the case byte for byte, in compressed blocks: every alert's
 * record is a byte range of it, so "the original record verbatim" is exactly what the tool
 * wrote (no re-encoding), and the whole export can be recovered for an auditor. Compressing is
 * far cheaper than encrypting the uncompressed text into the case (every page is encrypted
 * three times: into the WAL, and decrypted and encrypted again by the checkpoint).
 *
 * Brotli quality 1, measured by CPU time (best of 5, 1 MiB blocks, this machine): on 18 MB of
 * CloudTrail-like JSON 723 MB/s for 9.6× against 260 MB/s for 10.3× at quality 3; on the
 * benchmark's ASFF export 2.3 GB/s for 45× against 0.6 GB/s for 50×. The few percent more
 * bytes cost far less to encrypt than quality 3's time (2 s of the 400,000-alert benchmark).
 * Quality 2 is slower than both. (Another codec, deflate or zstd, is not one the schema allows.)
 */
const BLOCK_BYTES = 1 << 20

/** One stored block of the file, compressed or (when brotli does not shrink it) as it was. */
export interface PackedBlock {
  blockNo: number
  byteOffset: number
  /** raw bytes behind it */
  bytes: number
  codec: 'brotli' | 'none'
  data: Uint8Array
}

/**
 * Cuts the file's bytes into BLOCK_BYTES blocks and compresses each. Pure computation, no
 * database: it runs wherever the file is read (the reader thread for large files), and the
 * writer only inserts what it hands out.
 */
export class BlockPacker {
  private readonly buf = Buffer.allocUnsafe(BLOCK_BYTES)
  private fill = 0
  private blockNo = 0
  private offset = 0

  constructor(private readonly emit: (b: PackedBlock) => void) {}

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
      params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length }
    })
    const keep = packed.length < raw.length
    // a copy of exactly its own size: it may cross to another thread as a transferred buffer
    this.emit({ blockNo: this.blockNo, byteOffset: this.offset, bytes: raw.length, codec: keep ? 'brotli' : 'none', data: new Uint8Array(keep ? packed : raw) })
    this.blockNo++
    this.offset += this.fill
    this.fill = 0
  }
}

/** The statement that stores a PackedBlock of an import. */
export function blockInserter(db: WritableDb, importId: string): (b: PackedBlock) => void {
  const insert: Database.Statement = db.prepare('INSERT INTO import_blocks (import_id, block_no, byte_offset, bytes, codec, data) VALUES (?, ?, ?, ?, ?, ?)')
  return (b) => {
    insert.run(importId, b.blockNo, b.byteOffset, b.bytes, b.codec, Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength))
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
