// Build a case from scanner exports and an evidence bundle, then investigate it: what the
// playbook fixtures test, and what `lastmile demo` does with resources/demo (stages 1 to 3). It
// composes three stages (ingest, evidence, investigate), so it sits above them, with the demo.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { InvestigationRunResult } from '../../shared/investigate'
import type { Actor } from '../../shared/model'
import type { WritableCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { addEvidenceBundle } from '../evidence/service'
import { ingestInProcess } from '../ingest/service'
import type { IngestResult } from '../../shared/ingest'
import type { PlaybookSet } from '../investigate/loader'
import { investigateCase } from '../investigate/service'
import { appRoot } from '../platform/app-root'

/** resources/demo, from the sources and from the build (out/main). */
export function demoDir(): string {
  return join(appRoot(), 'resources', 'demo')
}

export interface BuiltCase {
  ingest: IngestResult
  bundle: string
  investigation: InvestigationRunResult
}

/** Every export file in a folder, in name order. */
export function exportFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n))
}

/**
 * Ingest every export in `exportsDir`, add the bundle at `bundleDir`, investigate. A file that
 * cannot be imported stops the build (a demo or fixture must import whole).
 */
export async function buildCase(
  c: WritableCaseDb,
  o: { exportsDir: string; bundleDir: string; actor: Actor; playbooks?: PlaybookSet; now?: () => string; threads?: number }
): Promise<BuiltCase> {
  const ingest = ingestInProcess(c, exportFiles(o.exportsDir), { actor: o.actor, now: o.now })
  for (const r of ingest.imports) if ('error' in r) throw new LastmileError('bad-input', r.error.message)
  const added = await addEvidenceBundle(c, o.bundleDir, { actor: o.actor, now: o.now, threads: o.threads ?? 0 })
  const investigation = await investigateCase(c, { actor: o.actor, now: o.now, playbooks: o.playbooks })
  return { ingest, bundle: added.bundleId, investigation }
}
