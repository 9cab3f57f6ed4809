import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDispatcher } from '../main/ipc/dispatch'
import { createHandlers } from '../main/ipc/handlers'
import { NO_DIALOGS, NO_KEYSTORE } from '../main/platform/ports'
import { createAppServices } from '../main/services/app'
import { writeLargeExport, type Alarm, type Problem } from '../test/fixtures/ingest/generate'
const PROBLEMS: Problem[] = ['s3-https', 's3-pab', 'imdsv2', 'ssh-open', 'unused-key', 'rds-public', 'cloudtrail-logs']
const ACCOUNTS = Array.from({ length: 20 }, (_, i) => String(100000000000 + i * 1111))
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2']
function alarmAt(i: number): Alarm {
  const p = PROBLEMS.length
  return { problem: PROBLEMS[i % p]!, account: ACCOUNTS[Math.floor(i / p) % 20]!, region: REGIONS[Math.floor(i / (p * 20)) % 4]!, n: Math.floor(i / p) }
}
async function main() {
  const n = Number(process.argv[2] ?? 50000)
  const dir = mkdtempSync(join(tmpdir(), 'tp-'))
  const app = createAppServices({ dataDir: join(dir, 'data'), appVersion: 'x', osUser: 'x', keystore: NO_KEYSTORE, dialogs: NO_DIALOGS })
  app.session.create(join(dir, 'c.lmcase'), 'bench case passphrase', {})
  writeLargeExport(join(dir, 'sh.json'), 'asff', n, alarmAt)
  const d = createDispatcher(createHandlers(app), { isReadOnly: () => false, log: console.error })
  await d('ingest.import', { paths: [join(dir, 'sh.json')] })
  const db = app.session.require().db
  let t = performance.now()
  db.prepare(`SELECT f.id, group_concat(DISTINCT a.tool), count(*) FROM findings f JOIN alerts a ON a.control = f.control AND a.resource_id = f.resource_id GROUP BY f.id`).raw(true).all()
  console.log('alerts agg', performance.now() - t)
  t = performance.now()
  db.prepare(`SELECT f.id, f.control, f.title, f.status, f.muted, f.decision, f.severity, f.regression, f.rci_verdict, f.initiative_id, f.first_seen, f.last_seen, r.canonical_id, r.type, r.provider, r.account, r.region, r.name, r.environment FROM findings f JOIN resources r ON r.id = f.resource_id ORDER BY f.severity DESC, f.id`).raw(true).all()
  console.log('findings rows', performance.now() - t)
  t = performance.now()
  console.log(db.prepare(`EXPLAIN QUERY PLAN SELECT f.id, group_concat(DISTINCT a.tool), count(*) FROM findings f JOIN alerts a ON a.control = f.control AND a.resource_id = f.resource_id GROUP BY f.id`).all())
  for (const sql of [
    `SELECT f.id, f.control, f.resource_id, f.title, f.status, f.muted, f.decision, f.severity, f.regression, f.rci_verdict, f.initiative_id, f.first_seen, f.last_seen, r.canonical_id, r.type, r.provider, r.account, r.region, r.name, r.environment FROM findings f JOIN resources r ON r.id = f.resource_id ORDER BY f.severity DESC, f.id`,
    `SELECT f.id, f.control, f.resource_id, f.title, f.status, f.muted, f.decision, f.severity, f.regression, f.rci_verdict, f.initiative_id, f.first_seen, f.last_seen, r.canonical_id, r.type, r.provider, r.account, r.region, r.name, r.environment FROM findings f JOIN resources r ON r.id = f.resource_id`,
    `SELECT f.id, f.control, f.resource_id, f.title, f.status, f.muted, f.decision, f.severity, f.regression, f.rci_verdict, f.initiative_id, f.first_seen, f.last_seen FROM findings f`,
    `SELECT r.id, r.canonical_id, r.type, r.provider, r.account, r.region, r.name, r.environment FROM resources r`,
  ]) { t = performance.now(); db.prepare(sql).raw(true).all(); console.log((performance.now() - t).toFixed(0).padStart(6), sql) }
  console.log(db.prepare("SELECT name, sum(pgsize) bytes FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8").all())
  t = performance.now()
  await d('findings.table', {})
  console.log('handler', performance.now() - t)
  console.log(db.prepare('PRAGMA cache_size').get(), db.prepare('SELECT count(*) n FROM alerts').get())
}
main()
async function more() {}
