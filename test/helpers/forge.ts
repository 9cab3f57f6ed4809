// What someone holding a case's key can do without Lastmile: open the SQLCipher file with raw SQL,
// and rewrite the audit chain's hashes with the published hash function. The tamper tests use
// these to forge, so that each proves verification catches what such a person could write.
import Database from 'better-sqlite3-multiple-ciphers'
import { entryHash, genesisHash } from '../../main/audit/chain'

/** The case file opened directly (SQLCipher 4, as main/db/case-db.ts opens it), no Lastmile code. */
export function rawCaseDb(path: string, key: string): Database.Database {
  const db = new Database(path)
  db.pragma("cipher='sqlcipher'")
  db.pragma('legacy=4')
  db.key(Buffer.from(key, 'utf8'))
  return db
}

/** Recompute every audit entry's link and hash from the genesis on, as a forger with the code would. */
export function rechainAudit(db: Database.Database, caseId: string): void {
  db.exec('DROP TRIGGER IF EXISTS audit_log_no_update')
  let prev = genesisHash(caseId)
  const upd = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?')
  for (const r of db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Array<Record<string, string | number | null>>) {
    const h = entryHash(prev, {
      seq: r.seq as number,
      time: r.time as string,
      actor: JSON.parse(r.actor as string),
      action: r.action as string,
      target: r.target as string,
      details: JSON.parse(r.details as string),
      state: (r.state as string | null) ?? undefined
    })
    upd.run(prev, h, r.seq)
    prev = h
  }
}
