import { resolve } from 'node:path'
import type { InvestigationRunResult } from '../../shared/investigate'
import type { Progress } from '../../shared/model'
import { LastmileError } from '../errors'
import { loadPlaybooks, summarise } from '../investigate/loader'
import { initiativeRci, rciView } from '../investigate/rci-read'
import { investigateCase, investigateInWorker } from '../investigate/service'
import type { AppServices } from '../services/app'
import type { HandlerSlice } from './handlers'

/** The investigate service (main/investigate) behind investigate.*, rci.get, playbooks.list and initiatives.rci. */
export function investigateHandlers(app: AppServices): HandlerSlice<'investigate.run' | 'investigate.cancel' | 'rci.get' | 'playbooks.list' | 'initiatives.rci'> {
  const { session, events } = app
  // one investigation at a time per window: a second start while one runs is refused
  let running: { cancel: () => void } | null = null
  return {
    'investigate.run': async ({ findings, initiative, playbooksDir }): Promise<InvestigationRunResult> => {
      const c = session.requireWritable()
      if (running) throw new LastmileError('conflict', 'an investigation is already running: wait for it or cancel it')
      const customDir = playbooksDir ? resolve(playbooksDir) : null
      // load (and check) the playbooks here, so a broken one is reported before any work starts
      loadPlaybooks({ customDir })
      const onProgress = (p: Progress): void => events.emit('progress', p)
      const key = session.caseKey()
      try {
        if (key !== null) {
          const run = investigateInWorker({ casePath: c.path, key, actor: session.actor(), customDir, findings, initiative }, onProgress)
          running = run
          return await run.done
        }
        const signal = { aborted: false }
        running = { cancel: () => (signal.aborted = true) }
        return await investigateCase(c, { actor: session.actor(), now: session.now, customDir, findings, initiative, onProgress, signal })
      } finally {
        running = null
      }
    },
    'investigate.cancel': () => {
      if (!running) return { cancelled: false }
      running.cancel()
      return { cancelled: true }
    },
    'rci.get': ({ finding }) => rciView(session.require().db, finding),
    'playbooks.list': ({ playbooksDir }) => loadPlaybooks({ customDir: playbooksDir ? resolve(playbooksDir) : null }).playbooks.map(summarise),
    'initiatives.rci': ({ id }) => initiativeRci(session.require().db, id)
  }
}
