// 0030: stage 2, evidence — bundles and their files (bytes kept in the case), what each source
// covered, the facts drawn per resource, dependency links, and the evidence timeline.
//
// Everything drawn from a bundle is immutable once added (triggers refuse UPDATE and DELETE): a
// later bundle adds rows, it never rewrites what an earlier one proved. Resources are referenced
// by their canonical id string, not by a foreign key to the ingest tables: evidence may well
// describe resources no scanner has reported.
export const version = 30
export const name = 'evidence'
export const sql = `
CREATE TABLE evidence_bundles (
  id              TEXT PRIMARY KEY,
  seq             INTEGER NOT NULL UNIQUE,
  manifest_sha256 TEXT NOT NULL UNIQUE CHECK (length(manifest_sha256) = 64),
  manifest        TEXT NOT NULL,
  source_path     TEXT NOT NULL,
  collected_at    TEXT NOT NULL,
  collector       TEXT NOT NULL,
  window_from     TEXT,
  window_to       TEXT,
  scopes          TEXT NOT NULL,
  files           INTEGER NOT NULL CHECK (files >= 0),
  bytes           INTEGER NOT NULL CHECK (bytes >= 0),
  stored_bytes    INTEGER NOT NULL CHECK (stored_bytes >= 0),
  notes           TEXT NOT NULL,
  added_at        TEXT NOT NULL,
  added_by        TEXT NOT NULL
) STRICT;

CREATE TABLE evidence_files (
  id          TEXT PRIMARY KEY,
  bundle_id   TEXT NOT NULL REFERENCES evidence_bundles (id),
  path        TEXT NOT NULL,
  kind        TEXT NOT NULL,
  provider    TEXT,
  scope       TEXT,
  sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
  bytes       INTEGER NOT NULL CHECK (bytes >= 0),
  -- blob: the bytes are in evidence_blobs; hash-only: too large to keep, kept as hash + facts;
  -- duplicate: the same bytes were already added with an earlier bundle (duplicate_of)
  stored      TEXT NOT NULL CHECK (stored IN ('blob', 'hash-only', 'duplicate')),
  duplicate_of TEXT REFERENCES evidence_files (id),
  -- read: facts drawn; problem: unreadable in part or whole (a coverage gap); ignored: not a known kind
  status      TEXT NOT NULL CHECK (status IN ('read', 'problem', 'ignored')),
  place       TEXT,
  problem     TEXT,
  records     INTEGER NOT NULL CHECK (records >= 0),
  first_time  TEXT,
  last_time   TEXT,
  UNIQUE (bundle_id, path)
) STRICT;
CREATE INDEX evidence_files_sha256 ON evidence_files (sha256);

CREATE TABLE evidence_blobs (
  file_id TEXT NOT NULL REFERENCES evidence_files (id),
  seq     INTEGER NOT NULL CHECK (seq >= 0),
  data    BLOB NOT NULL,
  PRIMARY KEY (file_id, seq)
) STRICT;

-- What one source covered for one resource in one bundle (detail: hour runs, gaps, problems).
CREATE TABLE evidence_coverage (
  id          INTEGER PRIMARY KEY,
  bundle_id   TEXT NOT NULL REFERENCES evidence_bundles (id),
  source      TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  first_time  TEXT,
  last_time   TEXT,
  records     INTEGER NOT NULL CHECK (records >= 0),
  detail      TEXT NOT NULL,
  UNIQUE (bundle_id, source, resource_id)
) STRICT;
CREATE INDEX evidence_coverage_resource ON evidence_coverage (resource_id, source);

-- One facet of what the evidence says about a resource (configuration, activity, creator…),
-- with the evidence file ids it was drawn from.
CREATE TABLE evidence_facts (
  id          INTEGER PRIMARY KEY,
  bundle_id   TEXT NOT NULL REFERENCES evidence_bundles (id),
  resource_id TEXT NOT NULL,
  facet       TEXT NOT NULL,
  value       TEXT NOT NULL,
  evidence    TEXT NOT NULL,
  UNIQUE (bundle_id, resource_id, facet)
) STRICT;
CREATE INDEX evidence_facts_resource ON evidence_facts (resource_id, facet);
CREATE INDEX evidence_facts_facet ON evidence_facts (facet);

-- Dependencies: an instance uses a security group, a task runs an image, CloudFront fronts a bucket…
CREATE TABLE evidence_links (
  id        INTEGER PRIMARY KEY,
  bundle_id TEXT NOT NULL REFERENCES evidence_bundles (id),
  kind      TEXT NOT NULL,
  from_id   TEXT NOT NULL,
  to_id     TEXT NOT NULL,
  detail    TEXT NOT NULL,
  evidence  TEXT NOT NULL,
  UNIQUE (bundle_id, kind, from_id, to_id)
) STRICT;
CREATE INDEX evidence_links_from ON evidence_links (from_id);
CREATE INDEX evidence_links_to ON evidence_links (to_id);

CREATE TABLE evidence_timeline (
  id          INTEGER PRIMARY KEY,
  bundle_id   TEXT NOT NULL REFERENCES evidence_bundles (id),
  time        TEXT NOT NULL,
  source      TEXT NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  summary     TEXT NOT NULL,
  file_id     TEXT NOT NULL REFERENCES evidence_files (id),
  place       TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('event', 'daily-summary')),
  raw         TEXT
) STRICT;
CREATE INDEX evidence_timeline_resource ON evidence_timeline (resource_id, time);

-- The user's account-to-environment map (enrichment): the one evidence table people edit, so it
-- is not immutable; every change goes through the audited service.
CREATE TABLE evidence_account_environments (
  account     TEXT PRIMARY KEY,
  environment TEXT NOT NULL,
  set_at      TEXT NOT NULL,
  set_by      TEXT NOT NULL
) STRICT;

CREATE TRIGGER evidence_bundles_immutable_u BEFORE UPDATE ON evidence_bundles BEGIN SELECT RAISE(ABORT, 'an evidence bundle is immutable once added'); END;
CREATE TRIGGER evidence_bundles_immutable_d BEFORE DELETE ON evidence_bundles BEGIN SELECT RAISE(ABORT, 'an evidence bundle is immutable once added'); END;
CREATE TRIGGER evidence_files_immutable_u BEFORE UPDATE ON evidence_files BEGIN SELECT RAISE(ABORT, 'evidence files are immutable once added'); END;
CREATE TRIGGER evidence_files_immutable_d BEFORE DELETE ON evidence_files BEGIN SELECT RAISE(ABORT, 'evidence files are immutable once added'); END;
CREATE TRIGGER evidence_blobs_immutable_u BEFORE UPDATE ON evidence_blobs BEGIN SELECT RAISE(ABORT, 'evidence bytes are immutable once added'); END;
CREATE TRIGGER evidence_blobs_immutable_d BEFORE DELETE ON evidence_blobs BEGIN SELECT RAISE(ABORT, 'evidence bytes are immutable once added'); END;
CREATE TRIGGER evidence_coverage_immutable_u BEFORE UPDATE ON evidence_coverage BEGIN SELECT RAISE(ABORT, 'evidence coverage is immutable once added'); END;
CREATE TRIGGER evidence_coverage_immutable_d BEFORE DELETE ON evidence_coverage BEGIN SELECT RAISE(ABORT, 'evidence coverage is immutable once added'); END;
CREATE TRIGGER evidence_facts_immutable_u BEFORE UPDATE ON evidence_facts BEGIN SELECT RAISE(ABORT, 'evidence facts are immutable once added'); END;
CREATE TRIGGER evidence_facts_immutable_d BEFORE DELETE ON evidence_facts BEGIN SELECT RAISE(ABORT, 'evidence facts are immutable once added'); END;
CREATE TRIGGER evidence_links_immutable_u BEFORE UPDATE ON evidence_links BEGIN SELECT RAISE(ABORT, 'evidence links are immutable once added'); END;
CREATE TRIGGER evidence_links_immutable_d BEFORE DELETE ON evidence_links BEGIN SELECT RAISE(ABORT, 'evidence links are immutable once added'); END;
CREATE TRIGGER evidence_timeline_immutable_u BEFORE UPDATE ON evidence_timeline BEGIN SELECT RAISE(ABORT, 'the evidence timeline is immutable once added'); END;
CREATE TRIGGER evidence_timeline_immutable_d BEFORE DELETE ON evidence_timeline BEGIN SELECT RAISE(ABORT, 'the evidence timeline is immutable once added'); END;
`
