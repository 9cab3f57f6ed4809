// Address ranges as bigint intervals, for the questions the evaluators ask: do these CIDR blocks,
// together, admit every address on the internet? How broad is one block?
//
// Security-group rules are additive (an address is admitted if ANY rule admits it), so "open to the
// internet" is a property of the union of the blocks, not of one block: `0.0.0.0/1` + `128.0.0.0/1`
// admits exactly what `0.0.0.0/0` does. Peers test the literal strings: Prowler's port 22/3389
// checks call `_is_cidr_public(cidr, any_address=True)`, true only for "0.0.0.0/0" or "::/0", and
// AWS Config's `restricted-ssh` is documented the same way — both miss a split range.

export type Family = 4 | 6

export interface Cidr {
  family: Family
  /** the block as written */
  text: string
  prefix: number
  /** first and last address, inclusive */
  start: bigint
  end: bigint
}

export type Interval = readonly [bigint, bigint]

const BITS: Record<Family, number> = { 4: 32, 6: 128 }

export function parseIpv4(s: string): bigint | null {
  const parts = s.split('.')
  if (parts.length !== 4) return null
  let v = 0n
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null
    const n = Number(p)
    if (n > 255) return null
    v = (v << 8n) | BigInt(n)
  }
  return v
}

export function parseIpv6(s: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return null
  const halves = s.split('::')
  if (halves.length > 2) return null
  const groups = (h: string): number[] | null => {
    if (h === '') return []
    const out: number[] = []
    const parts = h.split(':')
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k]
      if (k === parts.length - 1 && p.includes('.')) {
        // an embedded IPv4 address (::ffff:192.0.2.1) is the last 32 bits
        const v4 = parseIpv4(p)
        if (v4 === null) return null
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn))
        continue
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null
      out.push(parseInt(p, 16))
    }
    return out
  }
  const head = groups(halves[0])
  const tail = halves.length === 2 ? groups(halves[1]) : []
  if (head === null || tail === null) return null
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail]
  let v = 0n
  for (const g of all) v = (v << 16n) | BigInt(g)
  return v
}

/**
 * Parse `a.b.c.d/n` or an IPv6 `x::/n`. A bare address is a /32 or /128. Host bits set below the
 * prefix (`10.1.2.3/8`) are cleared, as EC2 itself does when it stores the rule.
 */
export function parseCidr(text: string): Cidr | null {
  const t = text.trim()
  const slash = t.indexOf('/')
  const addr = slash < 0 ? t : t.slice(0, slash)
  const family: Family = addr.includes(':') ? 6 : 4
  const bits = BITS[family]
  let prefix = bits
  if (slash >= 0) {
    const p = t.slice(slash + 1)
    if (!/^\d{1,3}$/.test(p)) return null
    prefix = Number(p)
    if (prefix > bits) return null
  }
  const value = family === 4 ? parseIpv4(addr) : parseIpv6(addr)
  if (value === null) return null
  const size = 1n << BigInt(bits - prefix)
  const start = value & ~(size - 1n) & ((1n << BigInt(bits)) - 1n)
  return { family, text: t, prefix, start, end: start + size - 1n }
}

/** Address space no internet client comes from: RFC 1918, CGNAT, loopback, link-local, IPv6 ULA and link-local. */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', 'fc00::/7', 'fe80::/10', '::1/128']
const PRIVATE_BLOCKS = PRIVATE_RANGES.map((c) => parseCidr(c)!)

/** Is this address (not a block) in private space? False for an address that does not parse. */
export function isPrivateAddress(ip: string): boolean {
  const a = parseCidr(ip)
  return !!a && a.start === a.end && PRIVATE_BLOCKS.some((b) => b.family === a.family && b.start <= a.start && a.start <= b.end)
}

/** Merge intervals into a sorted list of disjoint, non-adjacent ones. */
export function union(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const out: Array<[bigint, bigint]> = []
  for (const [s, e] of sorted) {
    const last = out[out.length - 1]
    if (last && s <= last[1] + 1n) {
      if (e > last[1]) last[1] = e
    } else out.push([s, e])
  }
  return out
}

/** Does the union of `have` contain every address of every interval in `need`? */
export function covers(have: readonly Interval[], need: readonly Interval[]): boolean {
  const merged = union(have)
  for (const [s, e] of need) {
    // merged is disjoint and non-adjacent, so one interval must hold all of [s, e]
    if (!merged.some(([ms, me]) => ms <= s && e <= me)) return false
  }
  return true
}

/** How many addresses the union holds. */
export function size(intervals: readonly Interval[]): bigint {
  return union(intervals).reduce((n, [s, e]) => n + (e - s + 1n), 0n)
}

/** `need` minus `minus`, as disjoint intervals. */
export function subtract(need: readonly Interval[], minus: readonly Interval[]): Interval[] {
  let rest: Interval[] = union(need)
  for (const [ms, me] of union(minus)) {
    const next: Interval[] = []
    for (const [s, e] of rest) {
      if (me < s || ms > e) next.push([s, e])
      else {
        if (s < ms) next.push([s, ms - 1n])
        if (me < e) next.push([me + 1n, e])
      }
    }
    rest = next
  }
  return rest
}

function blocks(family: Family, list: string[]): Interval[] {
  return list.map((t) => {
    const c = parseCidr(t)
    if (!c || c.family !== family) throw new Error(`bad built-in block ${t}`)
    return [c.start, c.end] as const
  })
}

export const WHOLE_SPACE: Record<Family, Interval[]> = {
  4: [[0n, (1n << 32n) - 1n]],
  6: [[0n, (1n << 128n) - 1n]]
}

/**
 * IPv4 blocks that no internet host can send from: the IANA special-purpose registry's entries
 * that are not globally reachable (RFC 6890 / RFC 8190), plus multicast, which is never a source.
 */
const NOT_INTERNET_V4 = blocks(4, [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // RFC 1918
  '100.64.0.0/10', // shared address space (carrier-grade NAT)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local
  '172.16.0.0/12', // RFC 1918
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation (TEST-NET-1)
  '192.168.0.0/16', // RFC 1918
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation (TEST-NET-2)
  '203.0.113.0/24', // documentation (TEST-NET-3)
  '224.0.0.0/4', // multicast
  '240.0.0.0/4' // reserved, and the limited broadcast address
])

/**
 * The IPv6 internet: global unicast, the only space IANA allocates to registries (2000::/3),
 * less the documentation prefix. Everything else (ULA fc00::/7, link-local, multicast…) is not
 * routed on the internet.
 */
const INTERNET_V6 = subtract(blocks(6, ['2000::/3']), blocks(6, ['2001:db8::/32']))

export const INTERNET: Record<Family, Interval[]> = {
  4: subtract(WHOLE_SPACE[4], NOT_INTERNET_V4),
  6: INTERNET_V6
}

export type Openness = 'whole-space' | 'every-internet-address' | 'partial'

/**
 * How open a set of blocks of one family is. `whole-space` is the brief's definition of open
 * (`0.0.0.0/0`, or blocks that add up to it); `every-internet-address` is the same exposure reached
 * while leaving out only space no internet host can send from (e.g. every block but RFC 1918): an
 * attacker is on the internet, so that is open too. Stricter than Prowler and AWS Config, which
 * compare the strings.
 */
export function openness(family: Family, cidrs: readonly Cidr[]): Openness {
  const have = cidrs.filter((c) => c.family === family).map((c) => [c.start, c.end] as const)
  if (covers(have, WHOLE_SPACE[family])) return 'whole-space'
  if (covers(have, INTERNET[family])) return 'every-internet-address'
  return 'partial'
}

/** The share of the internet address space of one family that `cidrs` admit, 0..1. */
export function internetShare(family: Family, cidrs: readonly Cidr[]): number {
  const have = cidrs.filter((c) => c.family === family).map((c) => [c.start, c.end] as const)
  const total = size(INTERNET[family])
  const missing = size(subtract(INTERNET[family], have))
  // Number() of a 128-bit count is approximate, but a share needs no more than double precision
  return Number(total - missing) / Number(total)
}
