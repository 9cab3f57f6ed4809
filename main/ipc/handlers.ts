import type { CallOutput, Channel, ParsedInput } from '../../shared/contract'
import type { AppServices } from '../services/app'
import { auditHandlers } from './audit.handlers'
import { caseHandlers } from './case.handlers'
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
/** The handlers of one domain: a slice of the contract. */
export type HandlerSlice<C extends Channel> = { [K in C]: Handler<K> }

/**
 * The complete handler table. Its type is `Handlers`, so a contract entry without a handler, or a
 * handler whose name is not in the contract, is a compile error here.
 */
export function createHandlers(app: AppServices): Handlers {
  const handlers: Handlers = {
    ...caseHandlers(app),
    ...auditHandlers(app),
    ...evaluateHandlers(app),
    ...evidenceHandlers(app),
    ...exportHandlers(app),
    ...ingestHandlers(app),
    ...investigateHandlers(app),
    ...remediationHandlers(app),
    ...signingHandlers(app)
  }
  return handlers
}
