import { resolve } from 'node:path'
import type { InvestigationRunResult } from '../../shared/investigate'
import type { Progress } from '../../shared/model'
import { loadPlaybooks, summarise } from '../investigate/loader'
import { initiativeRci, rciView } from '../case/rci'
import { investigateCase, investigateInWorker } from '../investigate/service'
import type { HandlerServices, HandlerSlice } from './handlers'
import { OneJobAtATime } from './one-job'

/** The investigate service (main/investigate) behind investigate.*, rci.get, playbooks.list and initiatives.rci. */
export function investigateHandlers(app: HandlerServices): HandlerSlice<'investigate.run' | 'investigate.cancel' | 'rci.get' | 'playbooks.list' | 'initiatives.rci'> {
  const { session, events } = app
  // one investigation at a time per window: a second start while one runs is refused
  const investigating = new OneJobAtATime('an investigation is already running: wait for it or cancel it')
  return {
    'investigate.run': async ({ findings, initiative, playbooksDir }, cases): Promise<InvestigationRunResult> => {
      const c = cases.writable()
      const customDir = playbooksDir ? resolve(playbooksDir) : null
      const onProgress = (p: Progress): void => events.emit('progress', p)
      const key = session.workerKey(c)
      return investigating.run(() => {
        // load (and check) the playbooks here, so a broken one is reported before any work starts
        loadPlaybooks({ customDir })
        if (key !== null) {
          const run = investigateInWorker({ casePath: c.path, key, actor: session.actor(), customDir, findings, initiative }, onProgress)
          return { stop: () => run.cancel(), done: run.done }
        }
        const signal = { aborted: false }
        return {
          stop: () => void (signal.aborted = true),
          done: investigateCase(c, { actor: session.actor(), now: session.now, customDir, findings, initiative, onProgress, signal })
        }
      })
    },
    'investigate.cancel': () => investigating.cancel(),
    'rci.get': ({ finding }) => rciView(session.require().db, finding),
    'playbooks.list': ({ playbooksDir }) => loadPlaybooks({ customDir: playbooksDir ? resolve(playbooksDir) : null }).playbooks.map(summarise),
    'initiatives.rci': ({ id }) => initiativeRci(session.require().db, id)
  }
}
