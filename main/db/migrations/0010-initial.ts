// 0010: the case itself and its append-only, hash-chained audit log.
export const version = 10
export const name = 'initial'
export const sql = `
CREATE TABLE case_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  time      TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  details   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
) STRICT;

-- Append-only: rows are never changed or removed, and sequence numbers have no gaps.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_contiguous BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT COALESCE((SELECT MAX(seq) FROM audit_log), 0) + 1
BEGIN SELECT RAISE(ABORT, 'audit sequence numbers must be contiguous'); END;
`
