// 0090: the case state is sealed into the audit chain, not only the audit table (issue 13).
//
// Lastmile's own connection marks every row it writes to a sealed table (TEMP triggers, installed
// at open: main/audit/state-seal.ts); the audit entry written in the same transaction hashes the
// marked rows into state_rows, folds them into per-bucket and per-table digests, and records the
// digest of the whole state in its own `state` column, which its hash covers. A row changed with
// the key but without an audit entry no longer matches its sealed hash; a row changed together
// with its seal no longer adds up to the state the last entry recorded. The rows of a case that
// already has an audit trail are sealed by one `case.state-sealed` entry when the upgraded case is
// first opened (state_upgrade holds that promise until then).
export const version = 90
export const name = 'state-seal'
export const sql = `
ALTER TABLE audit_log ADD COLUMN state TEXT;
CREATE TABLE state_rows (
  tbl    TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  key    TEXT NOT NULL,
  hash   BLOB NOT NULL,
  -- the audit entry that last wrote the row
  seq    INTEGER NOT NULL,
  PRIMARY KEY (tbl, bucket, key)
) STRICT, WITHOUT ROWID;
CREATE TABLE state_buckets (
  tbl    TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  rows   INTEGER NOT NULL,
  digest BLOB NOT NULL,
  PRIMARY KEY (tbl, bucket)
) STRICT, WITHOUT ROWID;
CREATE TABLE state_tables (
  tbl    TEXT PRIMARY KEY,
  rows   INTEGER NOT NULL,
  digest BLOB NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE state_upgrade (
  pending INTEGER PRIMARY KEY CHECK (pending = 1)
) STRICT;
INSERT INTO state_upgrade (pending) SELECT 1 WHERE EXISTS (SELECT 1 FROM audit_log);
`
