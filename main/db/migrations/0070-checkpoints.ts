// 0070: signed checkpoints over the audit chain (in the spirit of CloudTrail's digest files).
// Each row seals a contiguous range of audit entries: `body` is the canonical JSON that was
// signed, the other columns repeat its fields so they can be queried, and verification checks the
// two agree. Append-only like the audit log, and numbered without gaps, so a removed checkpoint
// shows as a hole (and, for the last one, as a `checkpoint.create` audit entry with no row).
export const version = 70
export const name = 'checkpoints'
export const sql = `
CREATE TABLE checkpoints (
  seq                INTEGER PRIMARY KEY,
  case_id            TEXT NOT NULL,
  first_seq          INTEGER NOT NULL,
  last_seq           INTEGER NOT NULL,
  head_hash          TEXT NOT NULL,
  from_time          TEXT NOT NULL,
  to_time            TEXT NOT NULL,
  previous_signature TEXT,
  created_at         TEXT NOT NULL,
  signer             TEXT NOT NULL,
  body               TEXT NOT NULL,
  signature          TEXT NOT NULL
) STRICT;

CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_contiguous BEFORE INSERT ON checkpoints
WHEN NEW.seq IS NOT COALESCE((SELECT MAX(seq) FROM checkpoints), 0) + 1
BEGIN SELECT RAISE(ABORT, 'checkpoint numbers must be contiguous'); END;
`
