import type { z } from 'zod'
import { CHANNELS, contract, type Channel } from '../../shared/contract'
import { caseRefusal } from '../db/case-db'
import { LastmileError } from '../errors'
import type { Dispatch } from '../platform/ipc-bridge'
import type { PathGrants } from '../services/path-grants'
import type { Handlers } from './handlers'
import { pathFields, resolvePathTokens } from './path-fields'

export type { Dispatch }

/**
 * The single entry point for calls from the renderer (IPC, or the test bridge): the channel must
 * be in the contract, the input must pass its schema, a mutating call is refused on a case open
 * for review, and every path field must hold a token `paths` issued in this run for its kind
 * (the handler then gets the path). Whatever happens, the answer is an envelope; only LastmileError messages are
 * shown to people — anything else is logged and reported as an internal error.
 */
export function createDispatcher(handlers: Handlers, opts: { isReadOnly: () => boolean; paths: PathGrants; log?: (e: unknown, channel: string) => void }): Dispatch {
  const withPaths = new Set(CHANNELS.filter((c) => Object.keys(pathFields(contract[c].input)).length > 0))
  return async (channel, input) => {
    if (typeof channel !== 'string' || !Object.prototype.hasOwnProperty.call(contract, channel)) {
      return { ok: false, error: { code: 'bad-input', message: `unknown call "${String(channel)}"` } }
    }
    const name = channel as Channel
    const spec = contract[name]
    const parsed = (spec.input as z.ZodType).safeParse(input ?? {})
    if (!parsed.success) {
      return { ok: false, error: { code: 'bad-input', message: `${name}: ${describeIssues(parsed.error)}` } }
    }
    if (spec.mutates && opts.isReadOnly()) {
      return {
        ok: false,
        error: { code: 'read-only', message: `${name} is refused: this case is open read-only for review` }
      }
    }
    try {
      const data = withPaths.has(name)
        ? resolvePathTokens(spec.input as z.ZodType, parsed.data, (token, kind, field) => opts.paths.resolve(token, kind, `${name}: ${field}`))
        : parsed.data
      const handler = handlers[name] as (i: unknown) => unknown
      const value = await handler(data)
      return { ok: true, value }
    } catch (e) {
      if (e instanceof LastmileError) return { ok: false, error: { code: e.code, message: e.message } }
      const refused = caseRefusal(e)
      if (refused) return { ok: false, error: { code: refused.code, message: refused.message } }
      opts.log?.(e, name)
      return { ok: false, error: { code: 'internal', message: `${name} failed unexpectedly: ${(e as Error)?.message ?? String(e)}` } }
    }
  }
}

function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ')
}
