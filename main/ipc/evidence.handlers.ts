import { resolve } from 'node:path'
import { listAccountEnvironments } from '../evidence/account-environments'
import { collectEvidence } from '../evidence/collect'
import { listAwsProfiles, listAzureProfiles } from '../evidence/profiles'
import { addEvidenceBundle, addResultView, setAccountEnvironment } from '../evidence/service'
import { getCoverage } from '../case/coverage-query'
import { getFacts } from '../case/facts'
import { listBundles, listEvidence } from '../case/evidence'
import { timelineForResources, timelineOf } from '../case/timeline'
import type { HandlerServices, HandlerSlice } from './handlers'
import { OneJobAtATime } from './one-job'

/** The evidence service (main/evidence) behind the contract's evidence.* calls. */
export function evidenceHandlers(
  app: HandlerServices
): HandlerSlice<
  | 'evidence.add'
  | 'evidence.list'
  | 'evidence.facts'
  | 'evidence.coverage'
  | 'evidence.timeline'
  | 'evidence.profiles'
  | 'evidence.collect'
  | 'evidence.cancelAdd'
  | 'evidence.cancelCollect'
  | 'evidence.accountEnvironments'
  | 'evidence.setAccountEnvironment'
> {
  const { session, platform, events } = app
  const adding = new OneJobAtATime('an evidence bundle is already being added: wait for it or cancel it')
  const collecting = new OneJobAtATime('a collection is already running: wait for it or cancel it')
  /** `progress` events for work that reports its steps as sentences */
  const steps = (operation: string): ((message: string) => void) => {
    let step = 0
    return (message) => events.emit('progress', { operation, done: ++step, total: null, unit: 'steps', rate: 0, message })
  }
  return {
    'evidence.add': async ({ path }, cases) => {
      const c = cases.writable()
      const r = await adding.runAbortable((signal) => addEvidenceBundle(c, resolve(path), { actor: session.actor(), now: session.now, onProgress: steps('evidence.add'), signal }))
      return addResultView(r)
    },
    'evidence.list': ({ bundle }) => {
      const db = session.require().db
      return { bundles: listBundles(db), files: listEvidence(db, bundle) }
    },
    'evidence.facts': ({ resourceId }) => getFacts(session.require().db, resourceId),
    'evidence.coverage': ({ source, resourceId, window }) => getCoverage(session.require().db, source, resourceId, window ? { window } : {}),
    'evidence.timeline': ({ ref, resources, ...q }) => {
      const db = session.require().db
      return ref ? timelineOf(db, ref, q) : timelineForResources(db, resources ?? [], q)
    },
    'evidence.profiles': () => ({ aws: listAwsProfiles(), azure: listAzureProfiles() }),
    'evidence.cancelAdd': () => adding.cancel(),
    'evidence.collect': async ({ out, provider, profile, days, regions, subscriptions }) => {
      const r = await collecting.runAbortable((signal) =>
        collectEvidence({
          out: resolve(out),
          provider,
          profile,
          days,
          regions,
          subscriptions,
          operator: session.actor().name,
          version: platform.appVersion,
          onProgress: steps('evidence.collect'),
          signal
        })
      )
      // what it wrote may be added to the case next: main offers it, as a folder to read
      return r.cancelled ? r : { ...r, bundle: app.paths.offer(r.out, 'open-folder') }
    },
    'evidence.cancelCollect': () => collecting.cancel(),
    'evidence.accountEnvironments': () => listAccountEnvironments(session.require().db),
    'evidence.setAccountEnvironment': ({ account, environment }, cases) => {
      setAccountEnvironment(cases.writable(), account, environment, { actor: session.actor(), now: session.now })
      return null
    }
  }
}
