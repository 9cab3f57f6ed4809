import { resolve } from 'node:path'
import type { IngestResult } from '../../shared/ingest'
import { exposureOverTime } from '../ingest/exposure'
import { alertRecord, getFinding, listFindings } from '../case/findings'
import { listInitiatives, mergeInitiatives, renameInitiative, splitInitiative } from '../ingest/initiatives'
import { caseTotals, ingestInProcess, ingestInWorker, toModelProgress } from '../ingest/service'
import { decideFinding } from '../workflow/decisions'
import { findingsTable, findingsTableInWorker } from '../workflow/findings-table'
import type { HandlerServices, HandlerSlice } from './handlers'
import { OneJobAtATime } from './one-job'

/** The ingest service (main/ingest) behind the contract's ingest.*, findings.*, alerts.* and initiatives.* calls. */
export function ingestHandlers(
  app: HandlerServices
): HandlerSlice<
  | 'ingest.import'
  | 'ingest.cancel'
  | 'findings.list'
  | 'findings.table'
  | 'findings.exposure'
  | 'findings.get'
  | 'findings.decide'
  | 'alerts.record'
  | 'initiatives.list'
  | 'initiatives.split'
  | 'initiatives.merge'
  | 'initiatives.rename'
> {
  const { session, events } = app
  // one import at a time: the worker holds the case's write lock while it runs
  const importing = new OneJobAtATime('an import is already running: wait for it or cancel it')
  return {
    'ingest.import': async ({ paths, format, partial, cluster }, cases): Promise<IngestResult> => {
      const c = cases.writable()
      const files = paths.map((p) => resolve(p))
      const onProgress = (p: Parameters<typeof toModelProgress>[0]): void => events.emit('progress', toModelProgress(p))
      const key = session.workerKey(c)
      if (key === null) return ingestInProcess(c, files, { actor: session.actor(), format, partial, cluster, now: session.now, onProgress })
      const result = await importing.run(() => {
        const run = ingestInWorker({ casePath: c.path, key, files, actor: session.actor(), format, partial, cluster }, onProgress)
        // its last checkpoint runs after the result, on the worker's connection
        session.holdWhile(run.finished)
        return { stop: () => run.cancel(() => caseTotals(c.db)), done: run.done }
      })
      // the counts as this connection now sees them (the worker committed on its own)
      return { ...result, ...caseTotals(c.db) }
    },
    'ingest.cancel': () => importing.cancel(),
    'findings.list': (filter) => listFindings(session.require().db, filter),
    'findings.table': () => {
      // read off the main thread when the key is at hand (a case open in this session)
      const c = session.require()
      const key = session.readerKey(c)
      if (key === null) return findingsTable(c.db)
      // its thread opens the case with a connection of its own: a passphrase change waits for it
      const reading = findingsTableInWorker(c, key)
      session.holdWhile(reading)
      return reading
    },
    'findings.exposure': () => exposureOverTime(session.require().db),
    'findings.get': ({ id }) => getFinding(session.require().db, id),
    'findings.decide': ({ id, decision, reason, expires }, cases) => {
      const c = cases.writable()
      const f = decideFinding(c, id, decision, { actor: session.actor(), now: session.now, reason, expires: expires ?? null })
      return getFinding(c.db, f.ref)
    },
    'alerts.record': ({ id }) => alertRecord(session.require().db, id),
    'initiatives.list': () => listInitiatives(session.require().db),
    'initiatives.split': ({ id, by }, cases) => splitInitiative(cases.writable(), id, by, session.actor(), session.now),
    'initiatives.merge': ({ into, from }, cases) => mergeInitiatives(cases.writable(), into, from, session.actor(), session.now),
    'initiatives.rename': ({ id, title }, cases) => {
      renameInitiative(cases.writable(), id, title, session.actor(), session.now)
      return null
    }
  }
}
