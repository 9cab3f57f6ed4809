// The people of a case and their roles. The case's creator (the key that signed `case.create`) is
// its owner and holds every role; anyone else holds `analyst` until the owner grants more, in a
// signed `identity.role-granted` entry. Roles are granted, not picked from a list.
//
// A case made before people had keys (or built by a tool without one) has no owner: there a role
// is what the person declared, as it always was, and verification says so.
import { ROLES, type Actor, type Role } from '../../shared/model'
import { appendAudit, bindPerson } from '../audit/chain'
import type { Db, WritableCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { signerOf } from './agent'

export interface CasePerson {
  key: string
  name: string
  osUser: string
  owner: boolean
  roles: Role[]
  /** the audit entry that bound the key to this case */
  boundSeq: number
}

type Person = Extract<Actor, { kind: 'person' }>

const ORDER: readonly Role[] = ['admin', 'approver', 'operator', 'auditor', 'analyst']

export function caseOwner(db: Db): { key: string; name: string } | null {
  const r = db.prepare('SELECT key_id, name FROM people WHERE owner = 1').get() as { key_id: string; name: string } | undefined
  return r ? { key: r.key_id, name: r.name } : null
}

export function casePeople(db: Db): CasePerson[] {
  const rows = db.prepare('SELECT key_id, name, os_user, owner, bound_seq FROM people ORDER BY bound_seq').all() as Array<{
    key_id: string
    name: string
    os_user: string
    owner: number
    bound_seq: number
  }>
  return rows.map((r) => ({ key: r.key_id, name: r.name, osUser: r.os_user, owner: r.owner === 1, roles: rolesOf(db, r.key_id), boundSeq: r.bound_seq }))
}

/** The roles a key holds in this case (the owner: all of them; everyone: analyst). */
export function rolesOf(db: Db, key: string | undefined): Role[] {
  if (!key) return ['analyst']
  const owner = caseOwner(db)
  if (owner?.key === key) return [...ORDER]
  const granted = new Set((db.prepare('SELECT role FROM role_grants WHERE key_id = ?').pluck().all(key) as Role[]) ?? [])
  granted.add('analyst')
  return ORDER.filter((r) => granted.has(r))
}

/** The role a person acts in by default: the strongest they hold. */
export function strongestRole(roles: readonly Role[]): Role {
  return ORDER.find((r) => roles.includes(r)) ?? 'analyst'
}

/**
 * Refuse `what` unless the actor may do it: a person, acting in one of `roles` — and, in a case
 * with an owner, acting with their key in a role the owner granted them.
 */
export function requireCaseRole(db: Db, actor: Actor, roles: readonly string[], what: string): asserts actor is Person {
  if (actor.kind !== 'person') throw new LastmileError('bad-input', `only a person can ${what}`)
  const owner = caseOwner(db)
  if (owner) {
    if (!actor.key) throw new LastmileError('bad-input', `${actor.name}: this case has an owner (${owner.name}); to ${what} you act with your own signing key`)
    const held = rolesOf(db, actor.key)
    if (!held.includes(actor.role)) {
      throw new LastmileError(
        'bad-input',
        `${actor.name} holds ${held.join(', ')} in this case, not ${actor.role}: roles are granted by the case owner ${owner.name} (lastmile grant CASE --person ${actor.key} --role ${actor.role})`
      )
    }
    if (!roles.includes(actor.role) && held.some((r) => roles.includes(r))) return
  }
  if (!roles.includes(actor.role)) {
    throw new LastmileError('bad-input', `${actor.name} acts as ${actor.role}; to ${what} you need the ${roles.join(' or ')} role (--role ${roles[0]})`)
  }
}

/** The owner's key, or a refusal naming who may do `what`. */
export function requireOwner(db: Db, actor: Actor, what: string): void {
  const owner = caseOwner(db)
  if (!owner) return
  if (actor.kind !== 'person' || actor.key !== owner.key) {
    throw new LastmileError(
      'bad-input',
      `only the case owner ${owner.name} (key ${owner.key}) can ${what}; ${actor.kind === 'person' ? `${actor.name} is not the owner` : 'the engine cannot'}`
    )
  }
}

/** Find a person of the case by key id (or a unique prefix of it) or by name. */
function findPerson(db: Db, ref: string): CasePerson {
  const t = ref.trim()
  const all = casePeople(db)
  const norm = (s: string): string => s.replace(/:/g, '').toUpperCase()
  const byKey = all.filter((p) => norm(p.key).startsWith(norm(t)) && norm(t).length >= 8)
  const byName = all.filter((p) => p.name.toLowerCase() === t.toLowerCase())
  const hits = byKey.length ? byKey : byName
  if (hits.length === 1) return hits[0]
  if (hits.length > 1)
    throw new LastmileError('conflict', `${ref}: ${hits.length} people of this case match (${hits.map((p) => `${p.name} ${p.key.slice(0, 23)}`).join('; ')}); name the key instead`)
  throw new LastmileError(
    'not-found',
    `${ref}: nobody of this case has that name or key; a person joins a case when they first act on it (lastmile join CASE)${all.length ? ` — known: ${all.map((p) => p.name).join(', ')}` : ''}`
  )
}

/** Grant (or revoke) a role: the owner's signed decision. */
export function setRole(c: WritableCaseDb, personRef: string, role: Role, grant: boolean, actor: Actor, now: () => string): CasePerson {
  if (!ROLES.includes(role)) throw new LastmileError('bad-input', `${role}: not a role (one of ${ROLES.join(', ')})`)
  if (!caseOwner(c.db)) throw new LastmileError('conflict', 'this case has no owner (it was made before people had signing keys): roles here are declared, not granted')
  requireOwner(c.db, actor, `${grant ? 'grant' : 'revoke'} roles`)
  const p = findPerson(c.db, personRef)
  if (p.owner) throw new LastmileError('conflict', `${p.name} owns this case and holds every role`)
  if (role === 'analyst') throw new LastmileError('conflict', 'everyone of a case holds the analyst role')
  const has = p.roles.includes(role)
  if (grant === has) throw new LastmileError('conflict', `${p.name} ${has ? 'already holds' : 'does not hold'} the ${role} role`)
  c.db.transaction(() => {
    const e = appendAudit(c.db, c.id, { actor, action: grant ? 'identity.role-granted' : 'identity.role-revoked', target: p.key, details: { person: p.name, role } }, now())
    if (grant) c.db.prepare('INSERT INTO role_grants (key_id, role, granted_seq) VALUES (?, ?, ?)').run(p.key, role, e.seq)
    else c.db.prepare('DELETE FROM role_grants WHERE key_id = ? AND role = ?').run(p.key, role)
  })()
  return findPerson(c.db, p.key)
}

/** Bind the acting person's key to the case (a signed `identity.bound` entry), if it is not yet. */
export function joinCase(c: WritableCaseDb, actor: Actor, now: () => string): CasePerson {
  const signer = signerOf(actor)
  if (actor.kind !== 'person' || !signer) throw new LastmileError('bad-input', 'joining a case needs your personal signing key')
  const known = c.db.prepare('SELECT name FROM people WHERE key_id = ?').get(signer.id) as { name: string } | undefined
  if (!known || known.name !== signer.name) {
    c.db.transaction(() => bindPerson(c.db, c.id, signer, actor.role, now()))()
  }
  return findPerson(c.db, signer.id)
}
