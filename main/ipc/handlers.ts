import { CHANNELS, contract, type CallOutput, type Channel, type Mutates, type ParsedInput } from '../../shared/contract'
import type { OpenCaseDb, WritableCaseDb } from '../db/case-db'
import type { AppServices } from '../services/app'
import type { CaseSession } from '../services/session'
import { auditHandlers } from './audit.handlers'
import { caseHandlers } from './case.handlers'
import { controlsHandlers } from './controls.handlers'
import { evaluateHandlers } from './evaluate.handlers'
import { evidenceHandlers } from './evidence.handlers'
import { exportHandlers } from './export.handlers'
import { ingestHandlers } from './ingest.handlers'
import { investigateHandlers } from './investigate.handlers'
import { remediationHandlers } from './remediation.handlers'
import { signingHandlers } from './signing.handlers'

/** One handler per contract entry. The input has already been validated by its schema. */
type Handler<C extends Channel> = (input: ParsedInput<C>) => Promise<CallOutput<C>> | CallOutput<C>
export type Handlers = { [C in Channel]: Handler<C> }

/**
 * What a handler may reach of the open case. The case as it is open — perhaps an auditor's case file
 * under review, whose handle no writer takes — for every call; its writable handle only for a call
 * the contract marks `mutates: true`, which the dispatcher refuses on a case open for review. So a
 * handler that writes for a call not marked as mutating does not compile, and neither does one that
 * hands a writer the case as it is open.
 */
export type CaseAccess<C extends Channel> = Mutates<C> extends true ? { open(): OpenCaseDb; writable(): WritableCaseDb } : { open(): OpenCaseDb }
type SliceHandler<C extends Channel> = (input: ParsedInput<C>, cases: CaseAccess<C>) => Promise<CallOutput<C>> | CallOutput<C>
/** The handlers of one domain: a slice of the contract. */
export type HandlerSlice<C extends Channel> = { [K in C]: SliceHandler<K> }

/**
 * The services as a handler slice sees them: the session without requireWritable, so that the
 * writable case comes only through CaseAccess — to the calls that mutate — and without caseKey, so
 * that a worker that writes gets the key only for that writable case (session.workerKey).
 */
export type HandlerServices = Omit<AppServices, 'session'> & { session: Omit<CaseSession, 'requireWritable' | 'caseKey'> }

/**
 * The complete handler table. Its type is `Handlers`, so a contract entry without a handler, or a
 * handler whose name is not in the contract, is a compile error here.
 */
export function createHandlers(app: AppServices): Handlers {
  const slices: { [C in Channel]: SliceHandler<C> } = {
    ...caseHandlers(app),
    ...controlsHandlers(app),
    ...auditHandlers(app),
    ...evaluateHandlers(app),
    ...evidenceHandlers(app),
    ...exportHandlers(app),
    ...ingestHandlers(app),
    ...investigateHandlers(app),
    ...remediationHandlers(app),
    ...signingHandlers(app)
  }
  const open = (): OpenCaseDb => app.session.require()
  const reading = { open }
  const writing = { open, writable: (): WritableCaseDb => app.session.requireWritable() }
  const handlers = {} as Record<Channel, (input: unknown) => unknown>
  for (const channel of CHANNELS) {
    const handler = slices[channel] as (input: unknown, cases: CaseAccess<Channel>) => unknown
    // at run time too, a call that does not mutate is given no writable case
    const cases = contract[channel].mutates ? writing : reading
    handlers[channel] = (input) => handler(input, cases)
  }
  return handlers as Handlers
}
