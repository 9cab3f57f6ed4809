// Times in evidence are kept as epoch seconds while scanning (cheap to compare and bucket) and
// written out as ISO-8601 UTC strings.

const DAY = 86400

/** Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm): no Date object per record. */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function digits(b: ArrayLike<number>, i: number, n: number): number {
  let v = 0
  for (let k = 0; k < n; k++) {
    const c = b[i + k] - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

/**
 * Epoch seconds of an ISO time `YYYY-MM-DDTHH:MM:SS…` whose first byte is at `i` of `b`; the
 * common UTC form (`Z`, or fractions then `Z`) is read directly, anything else (offsets) goes
 * through Date.parse. NaN when it is not a time.
 */
export function isoSecondsAt(b: Buffer, i: number, end: number): number {
  if (end - i >= 20 && b[i + 4] === 45 && b[i + 7] === 45 && (b[i + 10] === 84 || b[i + 10] === 32) && b[i + 13] === 58) {
    const y = digits(b, i, 4)
    const mo = digits(b, i + 5, 2)
    const d = digits(b, i + 8, 2)
    const h = digits(b, i + 11, 2)
    const mi = digits(b, i + 14, 2)
    const s = digits(b, i + 17, 2)
    let j = i + 19
    if (b[j] === 46) {
      j++
      while (j < end && b[j] >= 48 && b[j] <= 57) j++
    }
    if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 && mi >= 0 && s >= 0 && j === end - 1 && b[j] === 90) {
      return daysFromCivil(y, mo, d) * DAY + h * 3600 + mi * 60 + s
    }
  }
  return parseTime(b.toString('utf8', i, end))
}

/** Epoch seconds of an ISO time string (any form Date.parse accepts); NaN when not a time. */
export function parseTime(s: string): number {
  const ms = Date.parse(s)
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : NaN
}

export function iso(sec: number): string {
  return new Date(sec * 1000).toISOString().replace('.000Z', 'Z')
}

export const hourOf = (sec: number): number => Math.floor(sec / 3600)
export const dayOf = (sec: number): number => Math.floor(sec / DAY)
export const isoDay = (day: number): string => iso(day * DAY).slice(0, 10)

export function minTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b)
}
export function maxTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b)
}
