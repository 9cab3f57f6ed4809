// Package versions as the scanners print them, and how large an upgrade is. Distribution packages
// carry an epoch and a release ("1:1.1.1k-12.el8_9", "2.31-0ubuntu9.9"); application packages are
// (mostly) semantic versions ("2.15.0", "v1.4.0"). Ordering follows rpm's and dpkg's rule for the
// parts both share: the epoch first, then the version compared segment by segment (numbers as
// numbers, letters as text, a longer version after its prefix), then the release.

export interface ParsedVersion {
  epoch: number
  /** the upstream version, without epoch and release */
  version: string
  /** the distribution's release ("12.el8_9", "0ubuntu9.9"); '' when none */
  release: string
}

/** "1:1.1.1k-12.el8_9" → { epoch 1, version "1.1.1k", release "12.el8_9" }; a leading v is dropped. */
export function parseVersion(v: string): ParsedVersion {
  let s = v.trim().replace(/^v(?=\d)/i, '')
  let epoch = 0
  const e = /^(\d+):(.*)$/.exec(s)
  if (e) {
    epoch = Number(e[1])
    s = e[2]
  }
  // the release is after the last hyphen, when what precedes it starts with a digit (semver
  // pre-releases, "1.0.0-rc.1", are read the same way: the part after the hyphen sorts second)
  const dash = s.lastIndexOf('-')
  if (dash > 0 && /^\d/.test(s)) return { epoch, version: s.slice(0, dash), release: s.slice(dash + 1) }
  return { epoch, version: s, release: '' }
}

/** rpm's segment comparison: runs of digits and of letters, other characters separate. */
function compareSegments(a: string, b: string): number {
  const sa = a.match(/\d+|[A-Za-z]+/g) ?? []
  const sb = b.match(/\d+|[A-Za-z]+/g) ?? []
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const x = sa[i]
    const y = sb[i]
    const xn = /^\d/.test(x)
    const yn = /^\d/.test(y)
    if (xn && yn) {
      const d = BigInt(x) - BigInt(y)
      if (d !== 0n) return d > 0n ? 1 : -1
    } else if (xn !== yn) return xn ? 1 : -1
    else if (x !== y) return x < y ? -1 : 1
  }
  return Math.sign(sa.length - sb.length)
}

/** Negative when a is older than b, 0 when the same, positive when newer. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a)
  const y = parseVersion(b)
  if (x.epoch !== y.epoch) return Math.sign(x.epoch - y.epoch)
  return compareSegments(x.version, y.version) || compareSegments(x.release, y.release)
}

/** The major version: the first number of the upstream version; null when it starts with none. */
export function majorOf(v: string): number | null {
  const m = /^(\d+)/.exec(parseVersion(v).version)
  return m ? Number(m[1]) : null
}

/** The API line by semantic versioning: the major version, or "0.minor" below 1.0 (where a minor release may break). */
function apiLine(v: string): string | null {
  const m = /^(\d+)(?:\.(\d+))?/.exec(parseVersion(v).version)
  if (!m) return null
  return m[1] === '0' || /^0+$/.test(m[1]) ? `0.${m[2] ?? ''}` : String(Number(m[1]))
}

/**
 * How large the upgrade from `installed` to the nearest of `fixed` (the scanners may name several)
 * is for an application package: 'minor' when a fixed version is in the installed major line (a
 * patch or a minor release, no API change by semantic versioning), 'major' when every fixed version
 * is a new major version (or a new epoch; below 1.0, a new minor version), 'unknown' when the versions cannot be read as numbers.
 */
export function upgradeSize(installed: string, fixed: readonly string[]): 'minor' | 'major' | 'unknown' {
  const have = parseVersion(installed)
  const line = apiLine(installed)
  const options = fixed.map((f) => ({ p: parseVersion(f), line: apiLine(f) })).filter((o) => o.line !== null)
  if (line === null || options.length === 0) return 'unknown'
  if (options.some((o) => o.p.epoch === have.epoch && o.line === line)) return 'minor'
  return 'major'
}
