// Bounds on what a bundle may make Lastmile read or keep. Evidence comes from outside (a USB stick,
// a colleague's machine, a hand-made folder), so every size it can influence is bounded here.

export interface EvidenceLimits {
  /** a compressed file that expands past this many times its size is refused (a decompression bomb) */
  maxRatio: number
  /** ...unless it stays under this many bytes: tiny files compress absurdly well and are harmless */
  ratioFloorBytes: number
  /** no single file may decompress past this, whatever its ratio */
  maxDecompressedBytes: number
  /** one JSON record, one log line */
  maxRecordBytes: number
  /** a whole-document JSON file (inventories, trails.json, metrics) is parsed in memory up to this */
  maxDocumentBytes: number
  /**
   * Raw bytes kept inside the case: files up to this size are stored as blobs (so the case alone
   * can show them); larger ones are kept as their hash plus the facts and timeline events drawn
   * from them.
   */
  maxStoredFileBytes: number
  /** ...and at most this much raw evidence per bundle, after which files are kept as hash + facts */
  maxStoredBundleBytes: number
  /** individual timeline events kept per resource and source (beyond that, daily summaries only) */
  maxEventsPerResource: number
  /** distinct principals listed per resource and source (the count stays exact up to this) */
  maxPrincipals: number
}

export const DEFAULT_LIMITS: EvidenceLimits = {
  maxRatio: 200,
  ratioFloorBytes: 16 * 1024 * 1024,
  maxDecompressedBytes: 4 * 1024 * 1024 * 1024,
  maxRecordBytes: 32 * 1024 * 1024,
  maxDocumentBytes: 256 * 1024 * 1024,
  maxStoredFileBytes: 16 * 1024 * 1024,
  maxStoredBundleBytes: 1024 * 1024 * 1024,
  maxEventsPerResource: 500,
  maxPrincipals: 200
}

export function withLimits(partial?: Partial<EvidenceLimits>): EvidenceLimits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) }
}
