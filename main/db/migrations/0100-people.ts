// 0100: people and their signatures (issue #13). A person acting on a case is a key: each
// decision's audit entry is signed by the acting person's key, the signature kept beside the entry
// (it cannot be inside what it signs). `people` and `role_grants` are what the audit entries
// `identity.bound` and `identity.role-granted` say, kept as tables so a role check needs no scan;
// verification rebuilds them from the signed entries and does not trust these rows.
export const version = 100
export const name = 'people'
export const sql = `
CREATE TABLE audit_signatures (
  seq       INTEGER PRIMARY KEY,
  key_id    TEXT NOT NULL,
  signature TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_signatures_no_update BEFORE UPDATE ON audit_signatures
BEGIN SELECT RAISE(ABORT, 'audit signatures are append-only'); END;
CREATE TRIGGER audit_signatures_no_delete BEFORE DELETE ON audit_signatures
BEGIN SELECT RAISE(ABORT, 'audit signatures are append-only'); END;

CREATE TABLE people (
  key_id    TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  os_user   TEXT NOT NULL,
  signer    TEXT NOT NULL,
  bound_seq INTEGER NOT NULL,
  owner     INTEGER NOT NULL DEFAULT 0 CHECK (owner IN (0, 1))
) STRICT;
CREATE UNIQUE INDEX people_one_owner ON people (owner) WHERE owner = 1;

CREATE TABLE role_grants (
  key_id      TEXT NOT NULL REFERENCES people (key_id),
  role        TEXT NOT NULL CHECK (role IN ('analyst', 'approver', 'auditor', 'operator', 'admin')),
  granted_seq INTEGER NOT NULL,
  PRIMARY KEY (key_id, role)
) STRICT;
`
