import * as m0010 from './0010-initial'
import * as m0020 from './0020-ingest'
import * as m0030 from './0030-evidence'
import * as m0040 from './0040-investigate'
import * as m0050 from './0050-remediation'
import * as m0070 from './0070-checkpoints'
import * as m0090 from './0090-state-seal'
import * as m0100 from './0100-people'
import * as m0110 from './0110-audit-head'
import * as m0120 from './0120-read-models'
import * as m0130 from './0130-alerts-finding-tool'
import * as m0140 from './0140-rci-playbook'
import * as m0150 from './0150-findings-table'

export interface Migration {
  version: number
  name: string
  sql: string
}

/**
 * The ledger: one file a version, applied in order, each in its own transaction. Never edit
 * a migration once it has shipped — a changed hash is refused when a case is opened.
 */
export const MIGRATIONS: readonly Migration[] = [m0010, m0020, m0030, m0040, m0050, m0070, m0090, m0100, m0110, m0120, m0130, m0140, m0150]

export const LATEST_SCHEMA = MIGRATIONS[MIGRATIONS.length - 1].version
