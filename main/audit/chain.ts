import { createHash } from 'node:crypto'
import type { Actor, AuditEntry, AuditVerification } from '../../shared/model'
import type { Db, WritableDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { signerOf } from '../identity/agent'
import { decisionSigningBytes, isDecision } from '../identity/decisions'
import type { PersonSigner } from '../identity/signer'
import { canonicalJson } from './canonical'
import { sealHead } from './head-seal'
import { sealState } from './state-seal'

/**
 * The audit chain. Each entry's hash covers the previous entry's hash and the entry's own
 * canonical JSON, so changing, removing or reordering any entry breaks every hash after it.
 * The first entry links to a genesis value derived from the case id, which binds the chain to
 * its case: entries copied from another case do not verify here.
 */
export function genesisHash(caseId: string): string {
  return sha256(`lastmile-audit-genesis\n${caseId}`)
}

export interface NewAuditEntry {
  actor: Actor
  action: string
  target: string
  details?: Record<string, unknown>
}

type Row = {
  seq: number
  time: string
  actor: string
  action: string
  target: string
  details: string
  prev_hash: string
  hash: string
  /** the digest of the case state after this entry (state-seal.ts); null before migration 0090 */
  state?: string | null
}

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex')
}

/**
 * An entry's hash. `state` (the sealed case state after the entry) is covered when present; an
 * entry written before the state seal existed has none, and hashes exactly as it always did.
 */
export function entryHash(prevHash: string, e: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  const body = canonicalJson({ seq: e.seq, time: e.time, actor: e.actor, action: e.action, target: e.target, details: e.details, state: e.state ?? undefined })
  return sha256(`${prevHash}\n${body}`)
}

/**
 * Append one entry. Call it inside the same transaction as the change it records (see
 * `audited`); on its own it is still atomic, but then it records nothing else.
 *
 * A person's decision (identity/decisions.ts) is signed by that person's own key, which must be
 * unlocked in this process (identity/agent.ts); the first signed entry of a key in a case is
 * preceded by its `identity.bound` entry, which puts the public key and the bound name in the
 * chain. A decision nobody can sign is refused: four-eyes compares keys, not names.
 */
export function appendAudit(db: WritableDb, caseId: string, entry: NewAuditEntry, time: string): AuditEntry {
  // Its own transaction (a savepoint inside the caller's): the entry, the state it seals, its signature.
  return db.transaction(() => appendSigned(db, caseId, entry, time))()
}

function appendSigned(db: WritableDb, caseId: string, entry: NewAuditEntry, time: string): AuditEntry {
  const actor = entry.actor
  const signer = signerOf(actor)
  const decision = actor.kind === 'person' && isDecision(entry.action)
  if (decision && !signer) {
    throw new LastmileError(
      'bad-input',
      `${entry.action} by ${actor.name}: a decision is signed by the person's own key, and ${
        actor.key ? `the key ${actor.key} is not unlocked here` : 'no personal signing key is set up (the app makes one in Settings; the command line uses --person-key F)'
      }`
    )
  }
  const creates = signer !== null && entry.action === 'case.create'
  const signs = signer !== null && (decision || creates)
  if (signs && actor.kind === 'person') {
    if (actor.name !== signer.name)
      throw new LastmileError('bad-input', `${actor.name}: the key ${signer.id} is bound to "${signer.name}"; a person acts under the name bound to their key`)
    if (entry.action !== 'identity.bound' && !creates) bindPerson(db, caseId, signer, actor.role, time)
  }
  // The creator of a case is its owner: case.create itself binds their key (no entry before it).
  const e = append(db, caseId, creates ? { ...entry, details: { ...entry.details, owner: ownerDetails(signer) } } : entry, time)
  if (creates) {
    db.prepare('INSERT INTO people (key_id, name, os_user, signer, bound_seq, owner) VALUES (?, ?, ?, ?, ?, 1)').run(
      signer.id,
      signer.name,
      signer.osUser,
      canonicalJson(signer.descriptor),
      e.seq
    )
  }
  if (signs) {
    db.prepare('INSERT INTO audit_signatures (seq, key_id, signature) VALUES (?, ?, ?)').run(
      e.seq,
      signer.id,
      signer.sign(decisionSigningBytes(caseId, e.seq, e.hash)).toString('base64')
    )
  }
  return e
}

function ownerDetails(s: PersonSigner): Record<string, unknown> {
  return { key: s.id, name: s.name, osUser: s.osUser, signer: s.descriptor }
}

/**
 * Put a key in the case the first time it signs there: a signed `identity.bound` entry with its
 * public key (or certificate), the name bound to it and the OS user. The creator of a case is its
 * owner, who grants the roles. A key whose bound name changed since says so in a signed
 * `identity.renamed` entry: changing who you are is itself in the trail.
 */
export function bindPerson(db: WritableDb, caseId: string, signer: PersonSigner, role: Extract<Actor, { kind: 'person' }>['role'], time: string): void {
  const known = db.prepare('SELECT name FROM people WHERE key_id = ?').get(signer.id) as { name: string } | undefined
  const actor: Actor = { kind: 'person', name: signer.name, role, key: signer.id }
  if (known) {
    if (known.name !== signer.name) {
      appendAudit(db, caseId, { actor, action: 'identity.renamed', target: signer.id, details: { from: known.name, to: signer.name, osUser: signer.osUser } }, time)
      db.prepare('UPDATE people SET name = ? WHERE key_id = ?').run(signer.name, signer.id)
    }
    return
  }
  const e = appendAudit(db, caseId, { actor, action: 'identity.bound', target: signer.id, details: { name: signer.name, osUser: signer.osUser, signer: signer.descriptor } }, time)
  db.prepare('INSERT INTO people (key_id, name, os_user, signer, bound_seq, owner) VALUES (?, ?, ?, ?, ?, ?)').run(
    signer.id,
    signer.name,
    signer.osUser,
    canonicalJson(signer.descriptor),
    e.seq,
    0
  )
}

function append(db: WritableDb, caseId: string, entry: NewAuditEntry, time: string): AuditEntry {
  const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined
  const seq = (last?.seq ?? 0) + 1
  const prevHash = last?.hash ?? genesisHash(caseId)
  const details = entry.details ?? {}
  // Round-trip through canonical JSON so what is hashed is exactly what is stored.
  const detailsJson = canonicalJson(details)
  // Seal the rows this entry's transaction wrote: the entry's hash then covers the case state.
  const state = sealState(db, seq)
  const stored = { seq, time, actor: entry.actor, action: entry.action, target: entry.target, details: JSON.parse(detailsJson), ...(state ? { state } : {}) }
  const hash = entryHash(prevHash, stored)
  if (state) {
    db.prepare('INSERT INTO audit_log (seq, time, actor, action, target, details, prev_hash, hash, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      seq,
      time,
      canonicalJson(entry.actor),
      entry.action,
      entry.target,
      detailsJson,
      prevHash,
      hash,
      state
    )
  } else {
    db.prepare('INSERT INTO audit_log (seq, time, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      seq,
      time,
      canonicalJson(entry.actor),
      entry.action,
      entry.target,
      detailsJson,
      prevHash,
      hash
    )
  }
  sealHead(db, caseId, seq, hash)
  return { ...stored, prevHash, hash }
}

/**
 * Run `change` and append its audit entry in one transaction: either both are in the case or
 * neither is. `describe` may look at the change's result to fill in the entry's details.
 */
export function audited<T>(
  db: WritableDb,
  caseId: string,
  now: () => string,
  change: () => T,
  describe: (result: T) => NewAuditEntry,
  /** filled with performance.now() when the entry is appended, for a caller that times its commit */
  marks?: { appended?: number }
): T {
  return db
    .transaction(() => {
      const result = change()
      appendAudit(db, caseId, describe(result), now())
      if (marks) marks.appended = performance.now()
      return result
      // IMMEDIATE: take the write lock first, so a second writer waits (busy_timeout) instead of failing
    })
    .immediate()
}

function toEntry(r: Row): AuditEntry {
  return {
    seq: r.seq,
    time: r.time,
    actor: JSON.parse(r.actor) as Actor,
    action: r.action,
    target: r.target,
    details: JSON.parse(r.details) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
    ...(r.state ? { state: r.state } : {})
  }
}

export function listAudit(db: Db, offset: number, limit: number): { total: number; entries: AuditEntry[] } {
  const total = (db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq DESC LIMIT ? OFFSET ?').all(limit, offset) as Row[]
  return { total, entries: rows.map(toEntry) }
}

/** Recompute the whole chain, streaming, and name the first entry that does not match. */
export function verifyAudit(db: Db, caseId: string): AuditVerification {
  let expectedSeq = 1
  let prev = genesisHash(caseId)
  let count = 0
  for (const r of db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<Row>) {
    const bad = (reason: string): AuditVerification => ({ ok: false, entries: count, headHash: prev, firstBad: { seq: r.seq, reason } })
    if (r.seq !== expectedSeq) {
      return {
        ok: false,
        entries: count,
        headHash: prev,
        firstBad: { seq: expectedSeq, reason: `entry ${expectedSeq} is missing (the sequence jumps from ${expectedSeq - 1} to ${r.seq})` }
      }
    }
    if (r.prev_hash !== prev) return bad(`entry ${r.seq} does not link to entry ${r.seq - 1} (its previous-hash field was changed, or an entry before it was replaced)`)
    let entry: AuditEntry
    try {
      entry = toEntry(r)
    } catch {
      return bad(`entry ${r.seq} is not valid JSON (it was edited outside Lastmile)`)
    }
    let recomputed: string
    try {
      recomputed = entryHash(prev, entry)
    } catch {
      return bad(`entry ${r.seq} holds a value that cannot be hashed (it was edited outside Lastmile)`)
    }
    if (recomputed !== r.hash) return bad(`entry ${r.seq} (${r.action}) does not match its hash: its content was changed after it was written`)
    prev = r.hash
    count++
    expectedSeq++
  }
  return { ok: true, entries: count, headHash: prev, firstBad: null }
}
