import type { Activity } from './facets'
import { maxTime, minTime } from './time'

/** Requests seen against one resource in one source (its shape: main/semantics/facets.ts `Activity`). */
export type { Activity }

export function emptyActivity(): Activity {
  return { requests: 0, reads: 0, writes: 0, errors: 0, first: null, last: null, lastRead: null, lastWrite: null, principals: [], principalsTruncated: false }
}

/** Count one request. `read` null: neither (unknown operation kind). */
export function countRequest(a: Activity, t: number, read: boolean | null, error: boolean, principal: string | null, cap: number): void {
  a.requests++
  if (error) a.errors++
  if (Number.isFinite(t)) {
    if (a.first === null || t < a.first) a.first = t
    if (a.last === null || t > a.last) a.last = t
  }
  if (read === true) {
    a.reads++
    if (Number.isFinite(t) && (a.lastRead === null || t > a.lastRead)) a.lastRead = t
  } else if (read === false) {
    a.writes++
    if (Number.isFinite(t) && (a.lastWrite === null || t > a.lastWrite)) a.lastWrite = t
  }
  if (principal !== null) addPrincipal(a, principal, cap)
}

/**
 * The principals already listed, as a set beside the list: non-enumerable, so it is neither
 * serialised nor sent between threads (the receiver rebuilds it from the list).
 */
function seenOf(a: Activity): Set<string> {
  let s = (a as unknown as { _seen?: Set<string> })._seen
  if (!s || s.size !== a.principals.length) {
    s = new Set(a.principals)
    Object.defineProperty(a, '_seen', { value: s, enumerable: false, configurable: true, writable: true })
  }
  return s
}

function addPrincipal(a: Activity, p: string, cap: number): void {
  const ps = a.principals
  if (ps.length && ps[ps.length - 1] === p) return
  const seen = seenOf(a)
  if (seen.has(p)) return
  if (ps.length >= cap) a.principalsTruncated = true
  else {
    ps.push(p)
    seen.add(p)
  }
}

export function mergeActivity(into: Activity, from: Activity, cap: number): Activity {
  into.requests += from.requests
  into.reads += from.reads
  into.writes += from.writes
  into.errors += from.errors
  into.first = minTime(into.first, from.first)
  into.last = maxTime(into.last, from.last)
  into.lastRead = maxTime(into.lastRead, from.lastRead)
  into.lastWrite = maxTime(into.lastWrite, from.lastWrite)
  for (const p of from.principals) addPrincipal(into, p, cap)
  if (from.principalsTruncated) into.principalsTruncated = true
  return into
}
