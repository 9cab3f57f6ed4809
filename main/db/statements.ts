import type { Db, ReadStatement } from './case-db'

/**
 * `db.prepare(source)`, prepared once per connection and kept: a read that runs once per finding
 * (an evidence lookup of an investigation) spent more time having SQLite parse and plan its SQL
 * than running it (~12% of an investigation at 17,580 findings went to prepare()). The statement
 * is handed out as prepared — objects per row — and its caller must not change that (pluck, raw,
 * expand) nor iterate it: a kept statement may be in use by the next caller. For get() and all().
 */
const kept = new WeakMap<Db, Map<string, ReadStatement<unknown[]>>>()

export function keptStatement(db: Db, source: string): ReadStatement<unknown[]> {
  let statements = kept.get(db)
  if (!statements) kept.set(db, (statements = new Map()))
  let s = statements.get(source)
  if (!s) statements.set(source, (s = db.prepare(source)))
  return s
}
