// What an auditor's `verify` says about people: every decision's signature is checked against the
// key bound in the chain itself (an `identity.bound` entry carries the public key or certificate),
// and the rules are replayed from the signed entries, not read from the tables:
// - a person's decision without a valid signature by the key it names fails;
// - a plan approved by the key that requested it (while four-eyes was on) fails;
// - in a case with an owner, a role grant, a four-eyes change, or a decision in a role the owner
//   never granted fails.
// The result lists who signed what, and every time the four-eyes rule was switched.
import type { FourEyesChange, PeopleVerification, SignedDecision } from '../../shared/contract'
import type { Actor, Role } from '../../shared/model'
import { verifySigned, type SignerDescriptor } from '../audit/checkpoint-signer'
import type { Db } from '../db/case-db'
import { decisionSigningBytes, isDecision } from './decisions'

export type PersonVerification = PeopleVerification

type Row = { seq: number; time: string; actor: string; action: string; target: string; details: string; hash: string; key_id: string | null; signature: string | null }

const ROLE_NEEDED: Record<string, readonly Role[]> = {
  'plan.approve': ['approver', 'admin'],
  'plan.reject': ['approver', 'admin'],
  'finding.risk-accepted': ['approver', 'admin'],
  'finding.suppressed': ['approver', 'admin'],
  'finding.decision-cleared': ['approver', 'admin'],
  'execution.record': ['operator', 'admin']
}

export function verifyDecisions(db: Db, caseId: string): PersonVerification {
  const problems: PersonVerification['problems'] = []
  const keys = new Map<string, { name: string; osUser: string; descriptor: SignerDescriptor; boundAt: number; roles: Set<Role> }>()
  const requested = new Map<string, { key: string | null; name: string; seq: number; fourEyes: boolean }>()
  const decisions: SignedDecision[] = []
  const fourEyes: FourEyesChange[] = []
  let owner: PersonVerification['owner'] = null
  let fourEyesOn = true
  const rows = db
    .prepare(
      'SELECT l.seq, l.time, l.actor, l.action, l.target, l.details, l.hash, s.key_id, s.signature FROM audit_log l LEFT JOIN audit_signatures s ON s.seq = l.seq ORDER BY l.seq'
    )
    .iterate() as IterableIterator<Row>
  for (const r of rows) {
    let actor: Actor
    let details: Record<string, unknown>
    try {
      actor = JSON.parse(r.actor) as Actor
      details = JSON.parse(r.details) as Record<string, unknown>
    } catch {
      continue // the chain check names an entry that is not JSON
    }
    const problem = (reason: string): void => {
      problems.push({ seq: r.seq, reason: `entry ${r.seq} (${r.action}${actor.kind === 'person' ? ` by ${actor.name}` : ''}): ${reason}` })
    }
    const person = actor.kind === 'person' ? actor : null
    const decision = person !== null && isDecision(r.action)
    const key = person?.key ?? null

    // identity.bound carries the key it binds: check it before the signature that relies on it
    if (r.action === 'identity.bound') {
      const d = details.signer as SignerDescriptor | undefined
      if (!d || d.fingerprint !== r.target || key !== r.target) problem('binds a key other than the one that signs it')
      else if (!keys.has(r.target))
        keys.set(r.target, { name: String(details.name), osUser: String(details.osUser ?? ''), descriptor: d, boundAt: r.seq, roles: new Set(['analyst']) })
    }

    // case.create binds its creator's key, the case owner
    if (r.action === 'case.create' && details.owner && typeof details.owner === 'object') {
      const o = details.owner as { key?: string; name?: string; osUser?: string; signer?: SignerDescriptor }
      if (!o.signer || o.key !== key || o.signer.fingerprint !== key) problem('names an owner key other than the one that signs it')
      else keys.set(key, { name: String(o.name), osUser: String(o.osUser ?? ''), descriptor: o.signer, boundAt: r.seq, roles: new Set(['analyst']) })
    }

    let signed = false
    if (r.signature !== null) {
      const bound = r.key_id ? keys.get(r.key_id) : undefined
      if (!key || r.key_id !== key) problem(`its signature is by key ${r.key_id}, not the key the entry names (${key ?? 'none'})`)
      else if (!bound) problem(`signed by key ${key}, which no earlier identity.bound entry binds to this case`)
      else {
        const check = verifySigned(bound.descriptor, decisionSigningBytes(caseId, r.seq, r.hash), Buffer.from(r.signature, 'base64'))
        if (!check.ok) problem(`its signature does not verify: ${check.reason}`)
        else signed = true
      }
    } else if (decision) {
      problem(key ? `it is not signed by the key it names (${key})` : 'it is not signed: a decision needs the signature of the person who made it')
    }
    const who = key ? keys.get(key) : undefined
    if (signed && who && person && who.name !== person.name && r.action !== 'identity.renamed') problem(`it names ${person.name}, but key ${key} is bound to ${who.name}`)

    if (r.action === 'identity.renamed' && signed && who) who.name = String(details.to)
    if (r.action === 'case.create' && signed && key && who && !owner) {
      owner = { key, name: who.name, osUser: who.osUser }
      for (const role of ['admin', 'approver', 'operator', 'auditor'] as Role[]) who.roles.add(role)
    }
    const ownerOnly = r.action === 'identity.role-granted' || r.action === 'identity.role-revoked' || r.action === 'workflow.four-eyes'
    if (ownerOnly && owner && key !== owner.key) problem(`only the case owner ${owner.name} may do this; it was signed by ${who?.name ?? key ?? 'nobody'}`)
    if ((r.action === 'identity.role-granted' || r.action === 'identity.role-revoked') && signed && key === owner?.key) {
      const grantee = keys.get(r.target)
      if (!grantee) problem(`grants a role to key ${r.target}, which is not bound to this case`)
      else if (r.action === 'identity.role-granted') grantee.roles.add(details.role as Role)
      else grantee.roles.delete(details.role as Role)
    }
    const needed = ROLE_NEEDED[r.action]
    if (owner && person && needed && who && ![...who.roles].some((x) => needed.includes(x))) {
      problem(`${who.name} held ${[...who.roles].join(', ')} in this case, not ${needed.join(' or ')}: no grant by the owner`)
    }

    if (r.action === 'workflow.four-eyes') {
      fourEyesOn = details.after === true
      fourEyes.push({ seq: r.seq, time: r.time, enabled: fourEyesOn, by: person?.name ?? actor.name, key, reason: String(details.reason ?? '') })
    }
    if (r.action === 'plan.create') {
      requested.set(r.target, { key, name: person?.name ?? actor.name, seq: r.seq, fourEyes: typeof details.fourEyes === 'boolean' ? details.fourEyes : fourEyesOn })
    }
    if (r.action === 'plan.approve' && person) {
      const req = requested.get(r.target)
      const same = req && (req.key && key ? req.key === key : req.name.trim().toLowerCase() === person.name.trim().toLowerCase())
      if (req && req.fourEyes && same) {
        problem(`four-eyes broken: ${req.key && key ? `the same key (${key})` : `the same person (${person.name})`} requested ${r.target} (entry ${req.seq}) and approved it`)
      }
    }
    if (decision && person) {
      decisions.push({ seq: r.seq, time: r.time, action: r.action, target: r.target, name: person.name, role: person.role, key, osUser: who?.osUser ?? null, signed })
    }
  }
  return {
    ok: problems.length === 0,
    owner,
    people: [...keys.entries()].map(([key, p]) => ({ key, name: p.name, osUser: p.osUser, boundAt: p.boundAt, roles: [...p.roles] })),
    decisions,
    fourEyes,
    problems
  }
}

/** One line per decision, for people reading `verify`'s output. */
export function describeDecisions(v: PersonVerification): string[] {
  const lines: string[] = []
  lines.push(
    v.owner
      ? `case owner: ${v.owner.name} (key ${v.owner.key}, OS user ${v.owner.osUser}); roles are granted by the owner`
      : 'case owner: none (the case was made before people had signing keys): roles were declared, not granted'
  )
  for (const f of v.fourEyes) {
    lines.push(
      `${f.enabled ? 'four-eyes turned ON' : '*** FOUR-EYES TURNED OFF ***'} at ${f.time} by ${f.by}${f.key ? ` (key ${f.key.slice(0, 23)}…)` : ''}, entry ${f.seq}: ${f.reason}`
    )
  }
  for (const d of v.decisions) {
    lines.push(
      `  #${d.seq} ${d.time} ${d.action} ${d.target} — ${d.name} (${d.role}${d.osUser ? `, OS user ${d.osUser}` : ''}) ${d.signed ? `signed by key ${d.key?.slice(0, 23)}…` : 'NOT SIGNED'}`
    )
  }
  return lines
}
