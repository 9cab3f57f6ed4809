import * as m0010 from './0010-initial'

export interface Migration {
  version: number
  name: string
  sql: string
}

/**
 * The ledger: one file a version, applied in order, each in its own transaction. Never edit
 * a migration once it has shipped — a changed hash is refused when a case is opened.
 */
export const MIGRATIONS: readonly Migration[] = [m0010]

export const LATEST_SCHEMA = MIGRATIONS[MIGRATIONS.length - 1].version
