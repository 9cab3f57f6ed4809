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
 * Every caller gets its own copy (structuredClone), so one caller's edits never reach another.
 */
const caches = new WeakMap<Db, Map<string, { version: string; value: unknown }>>()

function versionOf(db: Db): string {
  const other = db.pragma('data_version', { simple: true }) as number
  const own = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n
  return `${other}:${own}`
}

export function cachedRead<T>(db: Db, name: string, compute: () => T): T {
  let cache = caches.get(db)
  if (!cache) caches.set(db, (cache = new Map()))
  const version = versionOf(db)
  const hit = cache.get(name)
  if (hit && hit.version === version) return structuredClone(hit.value) as T
  const value = compute()
  // a read that wrote nothing leaves the version as it was; one that wrote is not kept
  if (versionOf(db) === version) cache.set(name, { version, value: structuredClone(value) })
  return value
}
