// 0050: stages 4 and 5 — remediation plans, the approval gate, execution records, validation,
// routing packages, and where each finding stands in the workflow.
//
// A plan is stored as rendered (its body, hashed), never re-rendered in place: a change in the
// resource or its evidence supersedes it with a new plan, so an approval always points at the
// exact artefacts a person read. Approvals are per (plan, finding) and carry the RCI verdict and
// evidence they were based on; voiding one writes `void_at`, the row itself stays.
// Suppression and risk acceptance stay in the findings table (0020's decision columns, shared
// with `findings decide`); this stage adds who approved them, their expiry and the reopening.
export const version = 50
export const name = 'remediation'
export const sql = `
CREATE TABLE workflow_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE remediation_plans (
  id               INTEGER PRIMARY KEY,
  -- the finding or initiative it was requested for: F-12 / I-3
  target           TEXT NOT NULL,
  verdict          TEXT NOT NULL CHECK (verdict IN ('SAFE', 'RISKY', 'UNSAFE', 'UNSCORED')),
  status           TEXT NOT NULL CHECK (status IN ('active', 'superseded')),
  superseded_by    INTEGER REFERENCES remediation_plans (id),
  supersede_reason TEXT,
  requested_by     TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  four_eyes        INTEGER NOT NULL CHECK (four_eyes IN (0, 1)),
  -- canonical JSON: artefacts, rollback, guardrails, preconditions, validation, excluded, notes
  body             TEXT NOT NULL,
  body_sha256      TEXT NOT NULL CHECK (length(body_sha256) = 64)
) STRICT;
CREATE INDEX remediation_plans_target ON remediation_plans (target, status);

CREATE TABLE plan_findings (
  plan_id     INTEGER NOT NULL REFERENCES remediation_plans (id),
  finding_id  INTEGER NOT NULL REFERENCES findings (id),
  verdict     TEXT NOT NULL CHECK (verdict IN ('SAFE', 'RISKY', 'UNSAFE', 'UNSCORED')),
  -- the evidence the verdict stood on: JSON list of evidence ids, and its hash with the verdict
  evidence    TEXT NOT NULL,
  basis_hash  TEXT NOT NULL,
  -- hash of the configuration the artefacts were computed from (drift detection)
  inputs_hash TEXT NOT NULL,
  PRIMARY KEY (plan_id, finding_id)
) STRICT;
CREATE INDEX plan_findings_finding ON plan_findings (finding_id);

CREATE TABLE workflow_findings (
  finding_id INTEGER PRIMARY KEY REFERENCES findings (id),
  state      TEXT NOT NULL CHECK (state IN ('new', 'planned', 'approved', 'rejected', 'routed', 'failed', 'remediated', 'closed', 'reopened', 'regression')),
  plan_id    INTEGER REFERENCES remediation_plans (id),
  reason     TEXT,
  updated_at TEXT NOT NULL,
  -- when it was last executed and last closed: the rescan and regression checks compare with these
  executed_at TEXT,
  closed_at  TEXT
) STRICT;
CREATE INDEX workflow_findings_state ON workflow_findings (state);

CREATE TABLE workflow_transitions (
  id         INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  event      TEXT NOT NULL,
  plan_id    INTEGER REFERENCES remediation_plans (id),
  reason     TEXT,
  actor      TEXT NOT NULL,
  at         TEXT NOT NULL
) STRICT;
CREATE INDEX workflow_transitions_finding ON workflow_transitions (finding_id, id);

CREATE TABLE approvals (
  id          INTEGER PRIMARY KEY,
  plan_id     INTEGER NOT NULL REFERENCES remediation_plans (id),
  finding_id  INTEGER NOT NULL REFERENCES findings (id),
  decision    TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
  actor       TEXT NOT NULL,
  reason      TEXT NOT NULL CHECK (length(reason) > 0),
  at          TEXT NOT NULL,
  verdict     TEXT NOT NULL CHECK (verdict IN ('SAFE', 'RISKY', 'UNSAFE', 'UNSCORED')),
  evidence    TEXT NOT NULL,
  basis_hash  TEXT NOT NULL,
  batch       TEXT,
  void_at     TEXT,
  void_reason TEXT,
  CHECK ((void_at IS NULL) = (void_reason IS NULL))
) STRICT;
CREATE INDEX approvals_plan ON approvals (plan_id, finding_id);

CREATE TABLE executions (
  id            INTEGER PRIMARY KEY,
  plan_id       INTEGER NOT NULL REFERENCES remediation_plans (id),
  finding_id    INTEGER NOT NULL REFERENCES findings (id),
  approval_id   INTEGER NOT NULL REFERENCES approvals (id),
  outcome       TEXT NOT NULL CHECK (outcome IN ('executed', 'failed')),
  output        BLOB NOT NULL,
  output_name   TEXT,
  output_sha256 TEXT NOT NULL CHECK (length(output_sha256) = 64),
  actor         TEXT NOT NULL,
  at            TEXT NOT NULL
) STRICT;
CREATE INDEX executions_finding ON executions (finding_id);

CREATE TABLE validations (
  id           INTEGER PRIMARY KEY,
  finding_id   INTEGER NOT NULL REFERENCES findings (id),
  plan_id      INTEGER REFERENCES remediation_plans (id),
  method       TEXT NOT NULL CHECK (method IN ('evidence', 'rescan')),
  result       TEXT NOT NULL CHECK (result IN ('passed', 'failed', 'unknown')),
  reason       TEXT NOT NULL,
  -- JSON list: evidence bundle/file references, or the import that decided it
  evidence     TEXT NOT NULL,
  actor        TEXT NOT NULL,
  at           TEXT NOT NULL
) STRICT;
CREATE INDEX validations_finding ON validations (finding_id);

CREATE TABLE routings (
  id        INTEGER PRIMARY KEY,
  group_by  TEXT NOT NULL CHECK (group_by IN ('initiative', 'owner')),
  findings  TEXT NOT NULL,
  files     TEXT NOT NULL,
  actor     TEXT NOT NULL,
  at        TEXT NOT NULL
) STRICT;

-- Who approved a suppression or risk acceptance is the person who recorded it (0020's
-- decision_actor); this keeps the history once a decision ends (cleared, expired).
CREATE TABLE decision_history (
  id         INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  decision   TEXT NOT NULL CHECK (decision IN ('suppressed', 'risk-accepted')),
  reason     TEXT NOT NULL,
  approver   TEXT NOT NULL,
  at         TEXT NOT NULL,
  expires    TEXT,
  ended_at   TEXT,
  end_reason TEXT
) STRICT;
CREATE INDEX decision_history_finding ON decision_history (finding_id);
`
