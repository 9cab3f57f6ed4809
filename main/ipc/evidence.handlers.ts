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
  | 'evidence.accountEnvironments'
  | 'evidence.setAccountEnvironment'
> {
  const { session, platform } = app
  return {
    'evidence.add': async ({ path }) => {
      const r = await addEvidenceBundle(session.require(), resolve(path), { actor: session.actor(), now: session.now })
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
    'evidence.collect': async ({ out, provider, profile, days, regions, subscriptions }) =>
      collectEvidence({ out: resolve(out), provider, profile, days, regions, subscriptions, operator: session.actor().name, version: platform.appVersion }),
    'evidence.accountEnvironments': () => listAccountEnvironments(session.require().db),
    'evidence.setAccountEnvironment': ({ account, environment }) => {
      setAccountEnvironment(session.require(), account, environment, { actor: session.actor(), now: session.now })
      return null
    }
  }
}
