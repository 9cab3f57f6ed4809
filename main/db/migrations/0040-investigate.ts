// 0040: stage 3, investigate — investigation runs, each finding's current Remediation Confidence
// Indicator (the verdict document the engine derived, canonical JSON) and its verdict history.
//
// The current RCI row is rewritten only when the document changes, so re-running on the same
// evidence leaves it byte for byte as it was. The history is append-only (triggers refuse UPDATE
// and DELETE): one entry per change, with the step answers before and after.
// findings.rci_verdict (0020) mirrors the current verdict so the ingest stage's counts per
// initiative need no join; both are written in the same transaction.
export const version = 40
export const name = 'investigate'
export const sql = `
CREATE TABLE investigation_runs (
  id          INTEGER PRIMARY KEY,
  started_at  TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  actor       TEXT NOT NULL,
  -- JSON: [{id, sha256, custom}] of the playbooks loaded, and the evidence bundles in the case
  playbooks   TEXT NOT NULL,
  bundles     TEXT NOT NULL,
  findings    INTEGER NOT NULL CHECK (findings >= 0),
  changed     INTEGER NOT NULL CHECK (changed >= 0),
  verdicts    TEXT NOT NULL
) STRICT;

CREATE TABLE rci_results (
  finding_id  INTEGER PRIMARY KEY REFERENCES findings (id),
  verdict     TEXT NOT NULL CHECK (verdict IN ('SAFE', 'RISKY', 'UNSAFE', 'UNSCORED')),
  playbook    TEXT,
  document    TEXT NOT NULL,
  digest      TEXT NOT NULL CHECK (length(digest) = 64),
  run_id      INTEGER NOT NULL REFERENCES investigation_runs (id),
  updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE rci_history (
  id          INTEGER PRIMARY KEY,
  finding_id  INTEGER NOT NULL REFERENCES findings (id),
  run_id      INTEGER NOT NULL REFERENCES investigation_runs (id),
  at          TEXT NOT NULL,
  verdict     TEXT NOT NULL CHECK (verdict IN ('SAFE', 'RISKY', 'UNSAFE', 'UNSCORED')),
  previous    TEXT CHECK (previous IN ('SAFE', 'RISKY', 'UNSAFE', 'UNSCORED')),
  reason      TEXT NOT NULL CHECK (reason IN ('first', 'evidence', 'playbook', 'finding')),
  changes     TEXT NOT NULL,
  bundles     TEXT NOT NULL,
  digest      TEXT NOT NULL CHECK (length(digest) = 64)
) STRICT;
CREATE INDEX rci_history_finding ON rci_history (finding_id, id);

CREATE TRIGGER investigation_runs_no_update BEFORE UPDATE ON investigation_runs BEGIN SELECT RAISE(ABORT, 'investigation runs are append-only'); END;
CREATE TRIGGER investigation_runs_no_delete BEFORE DELETE ON investigation_runs BEGIN SELECT RAISE(ABORT, 'investigation runs are append-only'); END;
CREATE TRIGGER rci_history_no_update BEFORE UPDATE ON rci_history BEGIN SELECT RAISE(ABORT, 'the verdict history is append-only'); END;
CREATE TRIGGER rci_history_no_delete BEFORE DELETE ON rci_history BEGIN SELECT RAISE(ABORT, 'the verdict history is append-only'); END;
`
