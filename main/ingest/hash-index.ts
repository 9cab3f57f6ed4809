import type { WritableDb } from '../db/case-db'

/**
 * Below this a file is never a bulk import: the index is kept as it is (the reader thread's
 * threshold, READER_THREAD_MIN_BYTES, for the same reason: below it the saving is milliseconds).
 */
export const BULK_MIN_BYTES = 16 * 1024 * 1024

/**
 * What a record of the exports Lastmile reads most often weighs (an ASFF finding ~3.8 KB, a Prowler
 * OCSF one ~4 KB; a Trivy vulnerability or a CSV row weighs less, so their files hold more alerts
 * than this estimates, and the choice errs towards keeping the index).
 */
export const BYTES_PER_ALERT = 4096

/**
 * The alerts' identity index (`alerts_uid_hash`, a 53-bit hash) during an import.
 *
 * The hash is random, so each alert inserted lands on a random page of the index. Building the
 * index once after the rows are written costs less than keeping it row by row when the import
 * brings more alerts than the case holds. Measured on the bench's exports (the import's alert
 * INSERTs, wall time of alternating runs on a 2-core machine whose speed varies ±10%): 200,000
 * ASFF alerts into a new case 5.1–6.7 s with the index, 4.3–5.2 s without it, and 0.3 s to build
 * it after; 175,080 Prowler alerts into that case of 200,000 alerts: 5.4 s, 4.5 s and 0.8 s (about
 * even). So an import whose file, at ~4 KB a record, holds more alerts than the case
 * (`bulk`) drops the index at its start and builds it again, exactly as the schema held it, once
 * its alerts are written (`finish`), inside the import's transaction: a failed import rolls both
 * back with the rest. While the index is missing, a lookup by hash reads a map of every alert's
 * hash instead (built the first time a lookup needs it, from the table, then kept up to date
 * with each alert the import inserts): a first import of a tool never asks, so never builds it.
 */
export class AlertHashIndex {
  private readonly sql: string | null
  /** hash → alert id, or ids when several share the hash (only while the index is dropped) */
  private readonly ids = new Map<number, number | number[]>()
  /** whether `ids` holds every alert's hash (from the first lookup on) */
  private loaded = false

  private constructor(
    private readonly db: WritableDb,
    bulk: boolean
  ) {
    const row = bulk ? (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'alerts_uid_hash'").get() as { sql: string } | undefined) : undefined
    this.sql = row?.sql ?? null
    if (this.sql !== null) db.exec('DROP INDEX main.alerts_uid_hash')
  }

  /** Begin an import of a file of `fileBytes` bytes, inside its transaction (`bulk`: force the choice, for tests). */
  static begin(db: WritableDb, fileBytes: number, bulk?: boolean): AlertHashIndex {
    if (!db.inTransaction) throw new Error('AlertHashIndex: the index is dropped only inside the import’s transaction')
    // the largest id, not a count: the same for a case whose alerts are never deleted, and a lookup rather than a scan
    const max = (db.prepare('SELECT max(id) FROM alerts').pluck().get() as number | null) ?? 0
    return new AlertHashIndex(db, bulk ?? (fileBytes >= BULK_MIN_BYTES && max * BYTES_PER_ALERT < fileBytes))
  }

  /** Whether the index is dropped for this import: lookups must then go through idsOf. */
  get deferred(): boolean {
    return this.sql !== null
  }

  /** The ids of the alerts with this hash, the case's and the import's, in id order as the index gives them (only while deferred). */
  idsOf(h: number): readonly number[] {
    if (!this.loaded) this.load()
    const v = this.ids.get(h)
    return v === undefined ? [] : typeof v === 'number' ? [v] : [...v].sort((a, b) => a - b)
  }

  /** An alert the import inserted. */
  inserted(h: number, id: number): void {
    if (this.loaded) this.put(h, id)
  }

  /** Build the index again, as the schema held it. Call it in the same transaction, before anything reads alerts by hash. */
  finish(): void {
    if (this.sql === null) return
    this.db.exec(this.sql)
    this.ids.clear()
  }

  private put(h: number, id: number): void {
    const v = this.ids.get(h)
    if (v === undefined) this.ids.set(h, id)
    else if (typeof v === 'number') this.ids.set(h, [v, id])
    else v.push(id)
  }

  private load(): void {
    this.loaded = true
    for (const r of this.db.prepare('SELECT uid_hash, id FROM alerts').raw().iterate() as IterableIterator<[number, number]>) this.put(r[0], r[1])
  }
}
