// The evidence service: adding a bundle and the account environments (what the CLI and IPC
// handlers call). Reading the evidence is the case read model's (main/case: evidence, facts,
// coverage-query, timeline).
import type { EvidenceAddResult } from '../../shared/evidence'
import type { Actor } from '../../shared/model'
import { audited } from '../audit/chain'
import type { WritableCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { analyzeBundle } from './analyze'
import { type CancelSignal, stopIfCancelled } from './cancel'
import { readBundle, sha256File } from '../semantics/bundle'
import { type EvidenceLimits, withLimits } from '../semantics/limits'
import { type AddResult, planStorage, storeBundle } from './store'

export type * from './types'

export interface AddBundleOptions {
  actor: Actor
  now?: () => string
  limits?: Partial<EvidenceLimits>
  /** CloudTrail worker threads (default one per core) */
  threads?: number
  onProgress?: (message: string) => void
  /** stop at the next safe point, before anything is written: the case is unchanged */
  signal?: CancelSignal
}

export type AddBundleResult = AddResult & EvidenceAddResult

/** What an added bundle is to the person who added it (the app's evidence.add, the CLI's evidence add). */
export function addResultView(r: AddBundleResult): EvidenceAddResult {
  const { bundleId, files, bytes, storedBytes, coverage, facts, events, unreadable, notes } = r
  return { bundleId, files, bytes, storedBytes, coverage, facts, events, unreadable, notes }
}

/**
 * `evidence add`: verify the bundle (manifest, paths, every SHA-256; any mismatch refuses it),
 * read every file, and write the bundle, its bytes, coverage, facts and timeline in one audited
 * transaction. Unreadable files are recorded as gaps; nothing in the case changes on refusal.
 */
export async function addEvidenceBundle(c: WritableCaseDb, dir: string, opts: AddBundleOptions): Promise<AddBundleResult> {
  const limits = withLimits(opts.limits)
  const now = opts.now ?? (() => new Date().toISOString())
  const stop = (): void => stopIfCancelled(opts.signal, `${dir}: cancelled; nothing was added to the case`)
  opts.onProgress?.(`verifying ${dir}`)
  const bundle = await readBundle(dir, (done, total) => {
    stop()
    opts.onProgress?.(`verified ${done}/${total} files`)
  })
  const existing = c.db.prepare('SELECT id, added_at FROM evidence_bundles WHERE manifest_sha256 = ?').get(bundle.manifestSha256) as { id: string; added_at: string } | undefined
  if (existing) throw new LastmileError('exists', `${dir}: this evidence bundle is already in the case (${existing.id}, added ${existing.added_at}); a bundle is added once`)
  const plan = planStorage(c.db, bundle, limits)
  const skip = new Set([...plan.stored].filter(([, s]) => s === 'duplicate').map(([p]) => p))
  const analysis = await analyzeBundle(bundle, { limits, skip, threads: opts.threads, onProgress: opts.onProgress, signal: opts.signal })
  // Files kept as hash only were hashed before they were read: hash them again, so what the facts
  // came from is what the hash names (blobs are re-hashed as they are copied).
  for (const f of bundle.files) {
    if (plan.stored.get(f.path) !== 'hash-only') continue
    const h = await sha256File(f.abs)
    if (h.sha256 !== f.sha256) throw new LastmileError('conflict', `${f.path}: the file changed while the bundle was being read; nothing was added`)
  }
  // the last moment to stop: from here the bundle is written in one transaction
  stop()
  opts.onProgress?.('writing to the case')
  const r = storeBundle(c, bundle, analysis, plan, { actor: opts.actor, now, sourcePath: dir })
  const unreadable = [...analysis.files].filter(([, f]) => f.status === 'problem').map(([path, f]) => ({ path, place: f.place, problem: f.problem ?? '' }))
  return { ...r, unreadable }
}

const ENVIRONMENT = /^[a-z][a-z0-9-]{0,31}$/

/** Enrichment: the user's account-to-environment map. Audited; `null` removes the mapping. */
export function setAccountEnvironment(c: WritableCaseDb, account: string, environment: string | null, opts: { actor: Actor; now?: () => string }): void {
  if (!/^\d{12}$/.test(account) && !/^[0-9a-f-]{36}$/i.test(account)) throw new LastmileError('bad-input', `${account}: not an AWS account id (12 digits) or Azure subscription id`)
  if (environment !== null && !ENVIRONMENT.test(environment))
    throw new LastmileError('bad-input', `${environment}: an environment is a short lower-case word (prod, staging, dev, test, …)`)
  const now = opts.now ?? (() => new Date().toISOString())
  audited(
    c.db,
    c.id,
    now,
    () => {
      if (environment === null) c.db.prepare('DELETE FROM evidence_account_environments WHERE account = ?').run(account)
      else
        c.db
          .prepare(
            'INSERT INTO evidence_account_environments (account, environment, set_at, set_by) VALUES (?, ?, ?, ?) ON CONFLICT (account) DO UPDATE SET environment = excluded.environment, set_at = excluded.set_at, set_by = excluded.set_by'
          )
          .run(account, environment, now(), JSON.stringify(opts.actor))
    },
    () => ({ actor: opts.actor, action: 'evidence.account-environment', target: account, details: { environment } })
  )
}
