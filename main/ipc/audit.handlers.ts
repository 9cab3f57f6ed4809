import { listAudit, verifyAudit } from '../audit/chain'
import type { HandlerServices, HandlerSlice } from './handlers'

export function auditHandlers({ session }: HandlerServices): HandlerSlice<'audit.list' | 'audit.verify'> {
  return {
    'audit.list': ({ offset, limit }) => listAudit(session.require().db, offset, limit),
    'audit.verify': () => {
      const c = session.require()
      return verifyAudit(c.db, c.id)
    }
  }
}
