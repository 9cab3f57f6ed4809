import { LastmileError } from '../errors'
import { resolve } from 'node:path'
import { listAccountEnvironments } from '../evidence/account-environments'
import { collectEvidence } from '../evidence/collect'
import { listAwsProfiles, listAzureProfiles } from '../evidence/profiles'
import { addEvidenceBundle, getCoverage, getFacts, listBundles, listEvidence, setAccountEnvironment, timelineForResources, timelineOf } from '../evidence/service'
import type { AppServices } from '../services/app'
import type { HandlerSlice } from './handlers'

/** The evidence service (main/evidence) behind the contract's evidence.* calls. */
export function evidenceHandlers(
  app: AppServices
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
  // one collection at a time: its signal, for evidence.cancelCollect
  let collecting: { aborted: boolean } | null = null
  // one bundle added at a time: its signal, for evidence.cancelAdd
  let adding: { aborted: boolean } | null = null
  return {
    'evidence.add': async ({ path }) => {
      if (adding) throw new LastmileError('conflict', 'an evidence bundle is already being added: wait for it or cancel it')
      const signal = { aborted: false }
      adding = signal
      let step = 0
      const onProgress = (message: string): void => events.emit('progress', { operation: 'evidence.add', done: ++step, total: null, unit: 'steps', rate: 0, message })
      let r
      try {
        r = await addEvidenceBundle(session.require(), resolve(path), { actor: session.actor(), now: session.now, onProgress, signal })
      } finally {
        adding = null
      }
      return { bundleId: r.bundleId, files: r.files, bytes: r.bytes, storedBytes: r.storedBytes, coverage: r.coverage, facts: r.facts, events: r.events, unreadable: r.unreadable, notes: r.notes }
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
    'evidence.cancelAdd': () => {
      if (!adding) return { cancelled: false }
      adding.aborted = true
      return { cancelled: true }
    },
    'evidence.collect': async ({ out, provider, profile, days, regions, subscriptions }) => {
      if (collecting) throw new LastmileError('conflict', 'a collection is already running: wait for it or cancel it')
      const signal = { aborted: false }
      collecting = signal
      let step = 0
      const onProgress = (message: string): void =>
        events.emit('progress', { operation: 'evidence.collect', done: ++step, total: null, unit: 'steps', rate: 0, message })
      try {
        return await collectEvidence({ out: resolve(out), provider, profile, days, regions, subscriptions, operator: session.actor().name, version: platform.appVersion, onProgress, signal })
      } finally {
        collecting = null
      }
    },
    'evidence.cancelCollect': () => {
      if (!collecting) return { cancelled: false }
      collecting.aborted = true
      return { cancelled: true }
    },
    'evidence.accountEnvironments': () => listAccountEnvironments(session.require().db),
    'evidence.setAccountEnvironment': ({ account, environment }) => {
      setAccountEnvironment(session.require(), account, environment, { actor: session.actor(), now: session.now })
      return null
    }
  }
}
