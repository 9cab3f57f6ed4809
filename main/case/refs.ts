import { LastmileError } from '../errors'

/**
 * Public ids: findings are `F-<n>`, initiatives `I-<n>`, so a command taking "a finding or an
 * initiative" (plan, timeline) can tell which it was given.
 */
export function findingRef(id: number): string {
  return `F-${id}`
}

export function initiativeRef(id: number): string {
  return `I-${id}`
}

export function parseRef(ref: string): { kind: 'finding' | 'initiative'; id: number } {
  const m = /^([FI])-(\d{1,15})$/i.exec(ref.trim())
  if (!m) throw new LastmileError('bad-input', `${ref}: not a finding (F-123) or initiative (I-12) id`)
  return { kind: m[1].toUpperCase() === 'F' ? 'finding' : 'initiative', id: Number(m[2]) }
}

export function parseFindingRef(ref: string): number {
  const r = parseRef(ref)
  if (r.kind !== 'finding') throw new LastmileError('bad-input', `${ref}: an initiative id, where a finding id (F-123) was expected`)
  return r.id
}

export function parseInitiativeRef(ref: string): number {
  const r = parseRef(ref)
  if (r.kind !== 'initiative') throw new LastmileError('bad-input', `${ref}: a finding id, where an initiative id (I-12) was expected`)
  return r.id
}
