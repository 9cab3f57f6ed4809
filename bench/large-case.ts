// A case of N findings as the benchmarks at scale build it: N Security Hub alarms written as one
// realistic ASFF export (test/fixtures/ingest/generate.ts) and imported through the real
// `ingest.import` handler into a new case, in a fresh app (its services and IPC dispatcher) under
// `dir`. The pages and investigate benchmarks read the same kind of case. It is returned once the
// import's work after its result (the last checkpoint, on a thread of its own) has ended, so that
// none of that work's CPU is counted against what the benchmark then times.
import { join } from 'node:path'
import { createDispatcher } from '../main/ipc/dispatch'
import { createHandlers } from '../main/ipc/handlers'
import { NO_DIALOGS, NO_KEYSTORE } from '../main/platform/ports'
import { createAppServices } from '../main/services/app'
import { writeLargeExport, type Alarm } from '../test/fixtures/ingest/generate'

export const BENCH_PASSPHRASE = 'bench case passphrase'

export interface LargeCase {
  app: ReturnType<typeof createAppServices>
  dispatch: ReturnType<typeof createDispatcher>
  /** the case file, open in `app` */
  path: string
  /** how long the import's work after its result ran on once the import had answered (ms) */
  settledMs: number
}

export async function buildLargeCase(dir: string, count: number, alarmAt: (i: number) => Alarm, name: string): Promise<LargeCase> {
  const app = createAppServices({ dataDir: join(dir, 'data'), appVersion: 'bench', osUser: 'Bench Analyst', keystore: NO_KEYSTORE, dialogs: NO_DIALOGS })
  const dispatch = createDispatcher(createHandlers(app), { paths: app.paths, isReadOnly: () => false, log: (e) => console.error(e) })
  const file = join(dir, 'securityhub.json')
  writeLargeExport(file, 'asff', count, alarmAt)
  const path = join(dir, 'bench.lmcase')
  app.session.create(path, BENCH_PASSPHRASE, { name })
  const imported = await dispatch('ingest.import', { paths: [app.paths.issue(file, 'open-file')] })
  if (!imported.ok) throw new Error(`the import failed: ${imported.error.message}`)
  const t = performance.now()
  await app.session.settled()
  return { app, dispatch, path, settledMs: performance.now() - t }
}
