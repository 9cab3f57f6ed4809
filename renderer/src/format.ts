import type { Actor } from '../../shared/model'

const pad = (n: number): string => String(n).padStart(2, '0')

/** Local date and time, sortable and unambiguous: 2026-11-27 14:03:09. */
export function formatTime(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export function actorName(a: Actor): string {
  return a.kind === 'person' ? a.name : `${a.name} (engine)`
}

export function actorRole(a: Actor): string {
  return a.kind === 'person' ? a.role : 'engine'
}

/** The first characters of a hash: enough to compare by eye, with the full value kept in the title. */
export function shortHash(hash: string, n = 12): string {
  return hash.slice(0, n)
}

/** `key=value` pairs of an audit entry's details, one line. */
export function summarizeDetails(details: Record<string, unknown>, max = 160): string {
  const parts = Object.keys(details)
    .sort()
    .map((k) => `${k}=${scalar(details[k])}`)
  const text = parts.join(' · ')
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return `[${v.length}]`
  return '{…}'
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}
