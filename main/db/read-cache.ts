import type { Db } from './case-db'

/**
 * Case-wide read models (the board, the initiatives, the findings table) cost a full pass over a
 * case's findings and alerts: seconds of decryption at 200k findings. They are asked for far
 * more often than the case changes (every page visit, every refresh after a decision), so each
 * answer is kept until the case changes. "Changes" is exact, not a guess: SQLite's
 * `PRAGMA data_version` moves when another connection (an import or investigation worker)
 * commits, and `total_changes()` when this connection writes anything, in a trigger too. A
 * write rolled back still moves the counter: that only costs a recomputation.
 *
 * Every caller gets its own copy (structuredClone, or the reader's own `copy` when it knows its
 * answer's shape and can copy it cheaper), so one caller's edits never reach another.
 */
const caches = new WeakMap<Db, Map<string, { version: string; value: unknown }>>()

function versionOf(db: Db): string {
  const other = db.pragma('data_version', { simple: true }) as number
  const own = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n
  return `${other}:${own}`
}

/** A copy of an answer that shares nothing a caller could change with the original. */
export type Copy<T> = (value: T) => T

export function cachedRead<T>(db: Db, name: string, compute: () => T, copy: Copy<T> = structuredClone): T {
  let cache = caches.get(db)
  if (!cache) caches.set(db, (cache = new Map()))
  const version = versionOf(db)
  const hit = cache.get(name)
  if (hit && hit.version === version) return copy(hit.value as T)
  const value = compute()
  // a read that wrote nothing leaves the version as it was; one that wrote is not kept
  if (versionOf(db) === version) cache.set(name, { version, value: copy(value) })
  return value
}

const inFlight = new WeakMap<Db, Map<string, { version: string; answer: Promise<unknown> }>>()

/**
 * `cachedRead` for an answer computed elsewhere (a worker thread reading the case on its own
 * connection, which sees what is committed, as this one does between its transactions): a fresh
 * answer comes from the cache at once; otherwise `compute` runs — once for all who ask while it
 * runs — and its answer is kept when the case did not change meanwhile.
 */
export async function cachedReadAsync<T>(db: Db, name: string, compute: () => Promise<T>, copy: Copy<T> = structuredClone): Promise<T> {
  let cache = caches.get(db)
  if (!cache) caches.set(db, (cache = new Map()))
  const version = versionOf(db)
  const hit = cache.get(name)
  if (hit && hit.version === version) return copy(hit.value as T)
  let running = inFlight.get(db)
  if (!running) inFlight.set(db, (running = new Map()))
  const job = running.get(name)
  if (job && job.version === version) return copy((await job.answer) as T)
  const answer = compute()
  const mine = { version, answer }
  running.set(name, mine)
  try {
    const value = await answer
    // the answer itself is never handed out: every caller gets a copy
    if (db.open && versionOf(db) === version) cache.set(name, { version, value })
    return copy(value)
  } finally {
    if (running.get(name) === mine) running.delete(name)
  }
}
