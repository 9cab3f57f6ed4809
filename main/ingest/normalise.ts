import type { Severity } from '../../shared/model'

/** Small, allocation-free readers for records whose shape we do not control. */

export function str(v: unknown): string | null {
  if (typeof v === 'string') {
    const t = v.trim()
    return t.length > 0 ? t : null
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return null
}

export function obj(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : []
}

/** Own property only: a record's keys must never reach Object.prototype. */
export function get(o: Record<string, unknown> | null, key: string): unknown {
  return o !== null && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined
}

export function path(o: unknown, ...keys: string[]): unknown {
  let cur: unknown = o
  for (const k of keys) {
    const x = obj(cur)
    if (!x || !Object.prototype.hasOwnProperty.call(x, k)) return undefined
    cur = x[k]
  }
  return cur
}

const SEVERITY_WORDS: Record<string, Severity> = {
  informational: 'informational',
  information: 'informational',
  info: 'informational',
  none: 'informational',
  unknown: 'informational',
  negligible: 'informational',
  note: 'informational',
  low: 'low',
  medium: 'medium',
  moderate: 'medium',
  warning: 'medium',
  high: 'high',
  error: 'high',
  important: 'high',
  critical: 'critical',
  fatal: 'critical'
}

/** A tool's severity word (any case) as ours; unknown words are informational, never guessed up. */
export function severityOf(v: unknown): Severity | null {
  const s = str(v)
  if (!s) return null
  return SEVERITY_WORDS[s.toLowerCase()] ?? null
}

/** ASFF Normalized (0-100) per the ASFF documentation's label bands. */
export function severityFromNormalized(n: number): Severity {
  if (n >= 90) return 'critical'
  if (n >= 70) return 'high'
  if (n >= 40) return 'medium'
  if (n >= 1) return 'low'
  return 'informational'
}

/** CVSS-like 0-10 score (SARIF security-severity, Orca score), per the CVSS v3 bands. */
export function severityFromScore(n: number): Severity {
  if (n >= 9) return 'critical'
  if (n >= 7) return 'high'
  if (n >= 4) return 'medium'
  if (n > 0) return 'low'
  return 'informational'
}

/** OCSF severity_id: 1 Informational … 5 Critical, 6 Fatal. */
export function severityFromOcsfId(n: unknown): Severity | null {
  switch (n) {
    case 1:
      return 'informational'
    case 2:
      return 'low'
    case 3:
      return 'medium'
    case 4:
      return 'high'
    case 5:
    case 6:
      return 'critical'
    default:
      return null
  }
}

const GO_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ([+-]\d{4})(?: [A-Z]{2,5})?$/
const NAIVE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/

/**
 * A timestamp as ISO 8601 UTC, or null when it cannot be read for certain. Accepts ISO 8601,
 * epoch seconds/milliseconds, Go's `2006-01-02 15:04:05.999 -0700 MST` (Wiz), and zone-less
 * `2025-02-14 14:27:03.913874` (Prowler writes UTC).
 */
export function isoTime(v: unknown): string | null {
  // the records of one scan mostly share their times: the last string read is read once
  if (typeof v !== 'string') return readTime(v)
  if (v !== lastTimeIn) {
    lastTimeOut = readTime(v)
    lastTimeIn = v
  }
  return lastTimeOut
}

let lastTimeIn: string | null = null
let lastTimeOut: string | null = null

function readTime(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
    const ms = v < 1e11 ? v * 1000 : v
    const d = new Date(ms)
    return Number.isNaN(d.getTime()) ? null : d.toISOString()
  }
  const s = str(v)
  if (!s) return null
  if (/^\d{9,13}$/.test(s)) return isoTime(Number(s))
  let m = GO_TIME.exec(s)
  if (m) {
    const zone = `${m[3].slice(0, 3)}:${m[3].slice(3)}`
    return toIso(`${m[1]}T${m[2]}${zone}`)
  }
  m = NAIVE.exec(s)
  if (m) return toIso(`${m[1]}T${m[2]}Z`)
  return toIso(s)
}

function toIso(s: string): string | null {
  const t = Date.parse(s)
  if (Number.isNaN(t)) return null
  return new Date(t).toISOString()
}

const ENV_KEYS = new Set(['environment', 'env', 'stage', 'environment-name', 'environment_name', 'tier'])
const ENV_WORDS: Record<string, string> = {
  prod: 'prod',
  production: 'prod',
  prd: 'prod',
  live: 'prod',
  staging: 'staging',
  stage: 'staging',
  stg: 'staging',
  preprod: 'staging',
  'pre-prod': 'staging',
  uat: 'staging',
  dev: 'dev',
  development: 'dev',
  test: 'test',
  testing: 'test',
  qa: 'test',
  sandbox: 'dev'
}

/** The environment a resource's tags name, normalised when the word is a known one. */
export function environmentOf(tags: Record<string, string> | null | undefined): string | null {
  if (!tags) return null
  for (const k of Object.keys(tags)) {
    if (ENV_KEYS.has(k.toLowerCase())) {
      const w = tags[k].trim().toLowerCase()
      if (!w) continue
      return ENV_WORDS[w] ?? w
    }
  }
  return null
}

/** Tags given as `{k: v}`, `[{Key, Value}]`, `["k:v"]` or `"k=v | k2=v2"`. */
export function tagsOf(v: unknown): Record<string, string> | null {
  if (v === null || v === undefined) return null
  const out: Record<string, string> = Object.create(null) as Record<string, string>
  let any = false
  if (typeof v === 'string') {
    const s = v.trim()
    if (!s) return null
    if (s.startsWith('{')) {
      try {
        return tagsOf(JSON.parse(s))
      } catch {
        return null
      }
    }
    for (const part of s.split(/\s*[|,]\s*/)) {
      const m = /^([^=:]+)[=:](.*)$/.exec(part)
      if (m) any = putTag(out, m[1].trim(), m[2].trim()) || any
    }
  } else if (Array.isArray(v)) {
    for (const t of v) {
      if (typeof t === 'string') {
        const m = /^([^=:]+)[=:](.*)$/.exec(t)
        if (m) any = putTag(out, m[1].trim(), m[2].trim()) || any
      } else {
        const o = obj(t)
        if (o) any = putTag(out, o.Key ?? o.key ?? o.name, o.Value ?? o.value) || any
      }
    }
  } else {
    const o = obj(v)
    if (o) for (const k of Object.keys(o)) any = putTag(out, k, o[k]) || any
  }
  return any ? out : null
}

/**
 * One tag into `out`; false when its key is not one. A function of the module rather than a
 * closure in tagsOf: tsx (which runs `npm run cli` and the bench) names each closure as it is
 * created, a defineProperty per call, which was a fifth of normalising a Prowler record.
 */
function putTag(out: Record<string, string>, k: unknown, val: unknown): boolean {
  const ks = str(k)
  if (ks === null || ks === '__proto__') return false
  out[ks] = typeof val === 'string' ? val : val === null || val === undefined ? '' : String(val)
  return true
}
