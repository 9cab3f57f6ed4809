// The keys unlocked in this process, by key id — like an ssh-agent. A person's Actor carries only
// the key id (it is stored as JSON everywhere); when an audit entry is appended for that actor,
// the chain finds the key here and signs. A key that is not unlocked here cannot sign, so a
// decision claimed in its name is refused (see chain.ts).
import type { Actor } from '../../shared/model'
import type { PersonSigner } from './signer'

const unlocked = new Map<string, PersonSigner>()

/** Make `signer` available to sign in this process, and return the actor it acts as. */
export function unlock(signer: PersonSigner): PersonSigner {
  unlocked.set(signer.id, signer)
  return signer
}

export function signerOf(actor: Actor): PersonSigner | null {
  if (actor.kind !== 'person' || !actor.key) return null
  return unlocked.get(actor.key) ?? null
}

/** The actor a person acts as: their bound name, the role they act in, and their key id. */
export function actorFor(signer: PersonSigner, role: Extract<Actor, { kind: 'person' }>['role']): Extract<Actor, { kind: 'person' }> {
  unlock(signer)
  return { kind: 'person', name: signer.name, role, key: signer.id }
}
