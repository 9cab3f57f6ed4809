// The bytes a case keeps of the files it was given — each imported export (import_blocks) and each
// evidence file stored whole (evidence_blobs) — checked against the SHA-256 their sealed rows hold
// (imports.file_sha256 and file_bytes; evidence_files.sha256 and bytes). The rows are in the state
// seal; the bytes are not (sealing every block would double an import's writing), so this is what
// makes them tamper-evident: a stored record rewritten with the case key, which `lastmile alert`
// would show as what the tool said, no longer hashes to what was recorded when it was imported.
import { createHash } from 'node:crypto'
import { brotliDecompressSync } from 'node:zlib'
import type { Db } from '../db/case-db'

export interface StoredBytesProblem {
  table: 'import_blocks' | 'evidence_blobs'
  /** the import's or the evidence file's id */
  key: string
  reason: string
}

type BlockRow = [blockNo: number, offset: number, bytes: number, codec: string, data: Buffer]

/** Every import's stored file and every evidence file kept whole, against their recorded SHA-256 and size. */
export function verifyStoredBytes(db: Db): StoredBytesProblem[] {
  const problems: StoredBytesProblem[] = []
  const blocks = db.prepare('SELECT block_no, byte_offset, bytes, codec, data FROM import_blocks WHERE import_id = ? ORDER BY block_no').raw()
  const imports = db.prepare('SELECT id, file_name, file_sha256, file_bytes FROM imports ORDER BY seq').all() as Array<{
    id: string
    file_name: string
    file_sha256: string
    file_bytes: number
  }>
  for (const imp of imports) {
    const name = `the stored copy of ${imp.file_name} (import ${imp.id})`
    const hash = createHash('sha256')
    let total = 0
    let broken: string | null = null
    for (const [blockNo, offset, bytes, codec, data] of blocks.iterate(imp.id) as IterableIterator<BlockRow>) {
      if (broken) continue
      if (offset !== total) {
        broken = `block ${blockNo} starts at byte ${offset}, not ${total}: blocks were removed, added or moved`
        continue
      }
      let plain: Buffer
      try {
        plain = codec === 'brotli' ? brotliDecompressSync(data) : data
      } catch {
        broken = `block ${blockNo} (bytes ${offset}–${offset + bytes - 1}) does not decompress`
        continue
      }
      if (plain.length !== bytes) {
        broken = `block ${blockNo} holds ${plain.length} bytes, not the ${bytes} it records`
        continue
      }
      hash.update(plain)
      total += plain.length
    }
    if (!broken && total !== imp.file_bytes) broken = `it holds ${total} bytes, not the ${imp.file_bytes} the import recorded`
    if (!broken && hash.digest('hex') !== imp.file_sha256) broken = `its bytes do not hash to the SHA-256 the import recorded (${imp.file_sha256.slice(0, 16)}…)`
    if (broken) problems.push({ table: 'import_blocks', key: imp.id, reason: `${name} was changed outside Lastmile: ${broken}` })
  }

  const pieces = db.prepare('SELECT data FROM evidence_blobs WHERE file_id = ? ORDER BY seq').pluck()
  const files = db.prepare("SELECT id, path, sha256, bytes FROM evidence_files WHERE stored = 'blob' ORDER BY id").all() as Array<{
    id: string
    path: string
    sha256: string
    bytes: number
  }>
  for (const f of files) {
    const hash = createHash('sha256')
    let total = 0
    for (const data of pieces.iterate(f.id) as IterableIterator<Buffer>) {
      hash.update(data)
      total += data.length
    }
    const broken =
      total !== f.bytes
        ? `it holds ${total} bytes, not the ${f.bytes} recorded when it was added`
        : hash.digest('hex') !== f.sha256
          ? `its bytes do not hash to the SHA-256 recorded when it was added (${f.sha256.slice(0, 16)}…)`
          : null
    if (broken) problems.push({ table: 'evidence_blobs', key: f.id, reason: `the stored evidence file ${f.path} (${f.id}) was changed outside Lastmile: ${broken}` })
  }
  return problems
}
