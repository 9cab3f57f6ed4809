/**
 * The case tables whose rows are sealed into the audit chain (see state-seal.ts), and how each
 * row is named. A row's key is its primary key as text (`plan:finding` for plan_findings), never
 * its rowid: `VACUUM INTO` (the case-file export) may renumber the rowids of tables without an
 * INTEGER PRIMARY KEY, and a copy must verify like the original.
 *
 * Left out, and why:
 * - audit_log and checkpoints: they are the chain and its signatures, verified on their own;
 *   schema_migrations: the ledger, checked at every open.
 * - import_blocks and evidence_blobs: the bytes of imported files and evidence. Each is named by
 *   a sealed row that holds its SHA-256 and size (imports.file_sha256, evidence_files.sha256),
 *   which verification checks them against (stored-bytes.ts).
 * - evidence_timeline: display rows drawn from the sealed evidence files, one per log event;
 *   sealing it would double the cost of adding a large bundle for nothing a verdict stands on.
 *   The bundle's evidence.add entry records their digest instead (timeline-digest.ts).
 * - the read models (initiative_finding_counts, initiative_open_accounts, initiative_open_alerts;
 *   findings_table_rows, findings_table_shapes): counts and rows drawn from sealed rows by
 *   triggers; verification recomputes them (audit/read-models.ts).
 *
 * Adding a table here (or a column to a sealed table) changes what is sealed: the migration that
 * does it must mark the case for resealing (state_upgrade), as 0090 does.
 */
export interface SealedTable {
  name: string
  /** the primary key columns, in order */
  key: readonly string[]
  /** a single INTEGER PRIMARY KEY: rows are bucketed by id, 256 to a bucket */
  integerKey: boolean
  /** how a person names one row (`F-12`), when the domain has a name for it */
  label?: (key: string) => string
}

const t = (name: string, key: readonly string[], integerKey: boolean, label?: (key: string) => string): SealedTable => ({ name, key, integerKey, label })

export const SEALED_TABLES: readonly SealedTable[] = [
  t('case_meta', ['key'], false),
  // ingest
  t('imports', ['id'], false),
  t('resources', ['id'], true),
  t('alert_contexts', ['id'], true),
  t('alerts', ['id'], true),
  t('initiatives', ['id'], true, (k) => `I-${k}`),
  t('initiative_selectors', ['id'], true),
  t('findings', ['id'], true, (k) => `F-${k}`),
  // evidence: the index and what was drawn from it
  t('evidence_bundles', ['id'], false),
  t('evidence_files', ['id'], false),
  t('evidence_coverage', ['id'], true),
  t('evidence_facts', ['id'], true),
  t('evidence_links', ['id'], true),
  t('evidence_account_environments', ['account'], false),
  // investigation
  t('investigation_runs', ['id'], true),
  t('rci_results', ['finding_id'], true, (k) => `F-${k}`),
  t('rci_history', ['id'], true),
  // remediation and decisions
  t('workflow_settings', ['key'], false),
  t('remediation_plans', ['id'], true, (k) => `P-${k}`),
  t('plan_findings', ['plan_id', 'finding_id'], false, (k) => `P-${k.split(':')[0]} / F-${k.split(':')[1]}`),
  t('workflow_findings', ['finding_id'], true, (k) => `F-${k}`),
  t('workflow_transitions', ['id'], true),
  t('approvals', ['id'], true),
  t('executions', ['id'], true),
  t('validations', ['id'], true),
  t('routings', ['id'], true),
  t('decision_history', ['id'], true)
]

/** The SQL expression giving a row's key as text, over `alias.` columns (NEW., OLD., or none). */
export function keySql(table: SealedTable, alias = ''): string {
  return table.key.map((c) => `CAST(${alias}${c} AS TEXT)`).join(` || ':' || `)
}
