// 0110: the head of the audit trail, sealed by this device's key on every write
// (main/audit/head-seal.ts): one row, replaced by each entry in the entry's own transaction, so
// the last entries, which no checkpoint seals yet, cannot be removed unnoticed.
export const version = 110
export const name = 'audit-head'
export const sql = `
CREATE TABLE audit_head (
  one       INTEGER PRIMARY KEY CHECK (one = 1),
  seq       INTEGER NOT NULL,
  hash      TEXT NOT NULL,
  -- canonical JSON of the signer's descriptor (its public key)
  signer    TEXT NOT NULL,
  signature TEXT NOT NULL
) STRICT;
`
