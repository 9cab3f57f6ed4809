// Unit tests never leave this machine: a vitest setup file (vitest.config.mts) that refuses every
// connection and name lookup to anything but the loopback (127.0.0.0/8, ::1, localhost) and fails
// the test that tried, naming the host.
//
// Why: an AWS SDK client a test forgot to mock sends real requests. Offline they fail slowly (DNS,
// then the SDK's retries with back-off), the collector under test records the failures as gaps, and
// the test still passes — four collect test files did that for 20–40 s each before anyone noticed.
// Here such a connection fails at once, before any DNS query or packet, with an error that says what
// to do; and since code under test may catch it (a collector turns it into a gap), the attempt is
// also remembered and the test fails in afterEach whatever the code did with the error.
//
// How: net.Socket.prototype.connect is where every TCP connection starts — net.connect, http(s)
// agents, tls.connect (a TLSSocket is a net.Socket), http2 and fetch (undici) all end there — and
// dns.lookup (callback and promise) is where names are resolved. The error reaches the socket as a
// connection error does (`error` on the next tick), so callers see it where they handle ECONNREFUSED.
// Unix-socket and pipe paths are local and always allowed. Not covered: worker threads and child
// processes (their own module instances) and raw UDP (dgram), which no unit test uses.
import dns from 'node:dns'
import { isIP } from 'node:net'
import net from 'node:net'
import { afterAll, afterEach } from 'vitest'

export const NETWORK_GUARD_CODE = 'ELASTMILE_NETWORK_GUARD'

interface GuardState {
  /** the refused attempts not yet reported (host[:port], what tried) */
  refused: string[]
}

const STATE = Symbol.for('lastmile.networkGuard')
type GuardGlobal = typeof globalThis & { [STATE]?: GuardState }

/** A host a unit test may reach: the loopback, by address or by name. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  if (isIP(h) === 4) return h.startsWith('127.')
  if (isIP(h) === 6) return h === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(h) || /^::ffff:127\./.test(h)
  return false
}

function refusal(what: string, target: string): Error {
  return Object.assign(
    new Error(
      `network guard: a unit test tried to ${what} ${target}; unit tests may reach only 127.0.0.1, ::1 or localhost. ` +
        'Mock the client (aws-sdk-client-mock for AWS SDK clients) or point it at a local server (s3rver, moto on 127.0.0.1).'
    ),
    { code: NETWORK_GUARD_CODE }
  )
}

/** The refused attempts since the last call (and forgets them): for a test that proves the guard. */
export function takeRefusedConnections(): string[] {
  const state = (globalThis as GuardGlobal)[STATE]
  return state ? state.refused.splice(0) : []
}

/** The host and port a Socket#connect call names, or null for a Unix socket / pipe path. */
function targetOf(args: unknown[]): { host: string; port: unknown } | null {
  let first = args[0]
  // net.connect/createConnection pass [options, callback] as one normalized array
  if (Array.isArray(first)) first = first[0]
  if (first !== null && typeof first === 'object') {
    const o = first as { path?: unknown; host?: unknown; port?: unknown }
    if (typeof o.path === 'string') return null
    return { host: typeof o.host === 'string' && o.host !== '' ? o.host : 'localhost', port: o.port }
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return null
  return { host: typeof args[1] === 'string' && args[1] !== '' ? args[1] : 'localhost', port: first }
}

function install(): GuardState {
  const g = globalThis as GuardGlobal
  if (g[STATE]) return g[STATE]
  const state: GuardState = { refused: [] }
  g[STATE] = state

  const connect = net.Socket.prototype.connect
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = targetOf(args)
    if (target && !isLoopback(target.host)) {
      const where = `${target.host}${target.port !== undefined ? `:${String(target.port)}` : ''}`
      state.refused.push(`connect to ${where}`)
      const err = refusal('connect to', where)
      process.nextTick(() => this.destroy(err))
      return this
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args)
  } as typeof connect

  const lookup = dns.lookup
  dns.lookup = function guardedLookup(hostname: string, ...rest: unknown[]) {
    if (typeof hostname === 'string' && hostname !== '' && isIP(hostname) === 0 && !isLoopback(hostname)) {
      state.refused.push(`look up ${hostname}`)
      const callback = rest.at(-1)
      const err = refusal('look up', hostname)
      if (typeof callback === 'function') process.nextTick(() => (callback as (e: Error) => void)(err))
      return undefined
    }
    return (lookup as (...a: unknown[]) => unknown).call(dns, hostname, ...rest)
  } as typeof dns.lookup

  const lookupPromise = dns.promises.lookup
  dns.promises.lookup = function guardedLookupPromise(hostname: string, ...rest: unknown[]) {
    if (typeof hostname === 'string' && hostname !== '' && isIP(hostname) === 0 && !isLoopback(hostname)) {
      state.refused.push(`look up ${hostname}`)
      return Promise.reject(refusal('look up', hostname))
    }
    return (lookupPromise as (...a: unknown[]) => Promise<unknown>).call(dns.promises, hostname, ...rest)
  } as typeof dns.promises.lookup
  return state
}

const state = install()

/** Throws, naming the hosts, when code tried to reach beyond this machine since the last check (and forgets them). */
export function failOnRefused(when: string): void {
  const refused = state.refused.splice(0)
  if (refused.length)
    throw new Error(
      `network guard: ${when} tried to reach beyond this machine (${[...new Set(refused)].join(', ')}). ` +
        'Unit tests may reach only 127.0.0.1, ::1 or localhost: mock the client (aws-sdk-client-mock) or use a local server.'
    )
}

afterEach((ctx) => failOnRefused(`"${ctx.task.name}"`))
afterAll(() => failOnRefused('this file (outside any test)'))
