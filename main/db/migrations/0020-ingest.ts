// 0020: stage 1, ingest — imports and their source files, resources, alerts, findings, initiatives.
//
// Sizes drive the layout. An export of 200,000 alerts is ~400 MB of JSON: each alert row stays
// small (its record is a byte range into the import's stored file, kept compressed in
// import_blocks), so scans over alerts never touch record text. Findings are keyed by
// (control, resource); initiatives own findings through selectors, so a person's split or merge
// keeps applying to findings that arrive in later imports.
export const version = 20
export const name = 'ingest'
export const sql = `
CREATE TABLE imports (
  id                TEXT PRIMARY KEY,
  seq               INTEGER NOT NULL UNIQUE,
  file_name         TEXT NOT NULL,
  file_sha256       TEXT NOT NULL CHECK (length(file_sha256) = 64),
  file_bytes        INTEGER NOT NULL CHECK (file_bytes >= 0),
  format            TEXT NOT NULL,
  -- scope of the scan: the source (a family of formats from one product) and JSON arrays of strings
  source            TEXT NOT NULL,
  tools             TEXT NOT NULL,
  accounts          TEXT NOT NULL,
  regions           TEXT NOT NULL,
  artifacts         TEXT NOT NULL,
  scanned_at        TEXT,
  imported_at       TEXT NOT NULL,
  actor             TEXT NOT NULL,
  records           INTEGER NOT NULL DEFAULT 0,
  alerts            INTEGER NOT NULL DEFAULT 0,
  new_alerts        INTEGER NOT NULL DEFAULT 0,
  updated_alerts    INTEGER NOT NULL DEFAULT 0,
  unchanged_alerts  INTEGER NOT NULL DEFAULT 0,
  closed_alerts     INTEGER NOT NULL DEFAULT 0,
  reopened_alerts   INTEGER NOT NULL DEFAULT 0,
  new_findings      INTEGER NOT NULL DEFAULT 0,
  resolved_findings INTEGER NOT NULL DEFAULT 0,
  reopened_findings INTEGER NOT NULL DEFAULT 0,
  -- a CSV export's header line, verbatim; NULL for JSON
  header            TEXT
) STRICT;
CREATE INDEX imports_sha256 ON imports (file_sha256);

-- The imported file itself, byte for byte, in compressed blocks of block_bytes each (the last
-- may be shorter): every alert's verbatim record is a byte range of it.
CREATE TABLE import_blocks (
  id          INTEGER PRIMARY KEY,
  import_id   TEXT NOT NULL REFERENCES imports (id),
  block_no    INTEGER NOT NULL CHECK (block_no >= 0),
  byte_offset INTEGER NOT NULL CHECK (byte_offset >= 0),
  bytes       INTEGER NOT NULL CHECK (bytes > 0),
  codec       TEXT NOT NULL CHECK (codec IN ('brotli', 'none')),
  data        BLOB NOT NULL,
  UNIQUE (import_id, block_no)
) STRICT;

CREATE TABLE resources (
  id           INTEGER PRIMARY KEY,
  -- identity: the canonical id, qualified by region for account-wide settings
  key          TEXT NOT NULL UNIQUE,
  canonical_id TEXT NOT NULL,
  -- 1 when the id was made canonical (ARN, lower-cased Azure id, digest, file#address);
  -- 0 when it could not be and is kept exactly as the tool gave it
  canonical    INTEGER NOT NULL CHECK (canonical IN (0, 1)),
  type         TEXT NOT NULL,
  provider     TEXT NOT NULL CHECK (provider IN ('aws', 'azure', 'gcp', 'kubernetes', 'container', 'iac', 'unknown')),
  account      TEXT,
  region       TEXT,
  name         TEXT,
  environment  TEXT
) STRICT;
CREATE INDEX resources_account ON resources (account);

-- What surrounds a record in its file (a Trivy result's target, a SARIF run's rules, a CSV
-- header): needed to read the record, shared by every record under it.
CREATE TABLE alert_contexts (
  id        INTEGER PRIMARY KEY,
  import_id TEXT NOT NULL REFERENCES imports (id),
  json      TEXT NOT NULL
) STRICT;

CREATE TABLE alerts (
  id               INTEGER PRIMARY KEY,
  -- a 53-bit hash of (tool, tool_finding_id), the alert's identity, for lookups
  uid_hash         INTEGER NOT NULL,
  -- the family of exports it came from: a rescan closes only alerts of its own source
  source           TEXT NOT NULL,
  tool             TEXT NOT NULL,
  tool_finding_id  TEXT NOT NULL,
  rule_id          TEXT NOT NULL,
  rule_kind        TEXT NOT NULL,
  control          TEXT NOT NULL,
  resource_id      INTEGER NOT NULL REFERENCES resources (id),
  title            TEXT NOT NULL,
  severity         INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 4),
  outcome          TEXT NOT NULL CHECK (outcome IN ('FAIL', 'PASS', 'INFO')),
  tool_status      TEXT NOT NULL,
  -- muted, suppressed or ignored in the tool itself (not a Lastmile decision)
  muted            INTEGER NOT NULL CHECK (muted IN (0, 1)),
  account          TEXT,
  region           TEXT,
  artifact         TEXT,
  first_seen       TEXT NOT NULL,
  last_seen        TEXT NOT NULL,
  closed_at        TEXT,
  first_import     TEXT NOT NULL REFERENCES imports (id),
  last_import      TEXT NOT NULL REFERENCES imports (id),
  closed_by_import TEXT REFERENCES imports (id),
  -- the latest record: record_no-th record of last_import's file, at [raw_offset, raw_offset + raw_length)
  record_no        INTEGER NOT NULL,
  raw_offset       INTEGER NOT NULL CHECK (raw_offset >= 0),
  raw_length       INTEGER NOT NULL CHECK (raw_length > 0),
  context_id       INTEGER REFERENCES alert_contexts (id)
) STRICT;
CREATE INDEX alerts_uid_hash ON alerts (uid_hash);
CREATE INDEX alerts_finding ON alerts (control, resource_id);
CREATE INDEX alerts_open_scope ON alerts (source, account) WHERE closed_at IS NULL;

CREATE TABLE initiatives (
  id          INTEGER PRIMARY KEY,
  title       TEXT NOT NULL,
  origin      TEXT NOT NULL CHECK (origin IN ('auto', 'split')),
  parent_id   INTEGER REFERENCES initiatives (id),
  merged_into INTEGER REFERENCES initiatives (id),
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL
) STRICT;

-- Which findings an initiative holds: a control, narrowed by account and/or environment.
-- NULL means any; '' means "none known". The most specific selector wins.
CREATE TABLE initiative_selectors (
  id            INTEGER PRIMARY KEY,
  initiative_id INTEGER NOT NULL REFERENCES initiatives (id),
  control       TEXT NOT NULL,
  account       TEXT,
  environment   TEXT
) STRICT;
CREATE UNIQUE INDEX initiative_selectors_unique
  ON initiative_selectors (control, ifnull(account, char(1)), ifnull(environment, char(1)));
CREATE INDEX initiative_selectors_initiative ON initiative_selectors (initiative_id);

CREATE TABLE findings (
  id                 INTEGER PRIMARY KEY,
  control            TEXT NOT NULL,
  resource_id        INTEGER NOT NULL REFERENCES resources (id),
  -- what the scans say; a person's decision is kept apart and never written by an import
  status             TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
  -- every alert still failing is muted in its tool
  muted              INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
  severity           INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 4),
  title              TEXT NOT NULL,
  regression         INTEGER NOT NULL DEFAULT 0 CHECK (regression IN (0, 1)),
  reopen_count       INTEGER NOT NULL DEFAULT 0,
  first_seen         TEXT NOT NULL,
  last_seen          TEXT NOT NULL,
  opened_by_import   TEXT NOT NULL REFERENCES imports (id),
  resolved_at        TEXT,
  resolved_by_import TEXT REFERENCES imports (id),
  reopened_at        TEXT,
  reopened_by_import TEXT REFERENCES imports (id),
  decision           TEXT CHECK (decision IN ('suppressed', 'risk-accepted')),
  decision_reason    TEXT,
  decision_actor     TEXT,
  decision_at        TEXT,
  decision_expires   TEXT,
  initiative_id      INTEGER REFERENCES initiatives (id),
  rci_verdict        TEXT NOT NULL DEFAULT 'UNSCORED' CHECK (rci_verdict IN ('SAFE', 'RISKY', 'UNSAFE', 'UNSCORED')),
  UNIQUE (control, resource_id),
  CHECK ((decision IS NULL) = (decision_at IS NULL))
) STRICT;
CREATE INDEX findings_initiative ON findings (initiative_id);
CREATE INDEX findings_resource ON findings (resource_id);
`
