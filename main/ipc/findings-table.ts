// `findings.table`: every finding of the case as columns (shared/findings-table.ts), for the
// renderer's findings table. Three set-wise queries instead of one alert query per finding
// (`listFindings`), so 200,000 findings come back in well under a second.
//
// It reads the ingest tables (findings, resources, alerts) and, for the few resources the
// evidence speaks about, the evidence service's own reading of them (owner, environment): the
// same answers `evidence.facts` gives, never a second interpretation of the evidence.
import type { FindingsTable } from '../../shared/findings-table'
import type { Db } from '../db/case-db'
import { getFacts } from '../evidence/facts'
import { evidenceKeyOf } from '../evidence/ids'

const STATUS_CODE = { open: 0, resolved: 1, suppressed: 2 } as const
const VERDICT_CODE: Record<string, number> = { SAFE: 0, RISKY: 1, UNSAFE: 2, UNSCORED: 3 }

type Row = [
  id: number,
  control: string,
  title: string,
  status: 'open' | 'resolved',
  muted: number,
  decision: string | null,
  severity: number,
  regression: number,
  rci: string,
  initiative: number | null,
  firstSeen: string,
  lastSeen: string,
  resource: string,
  type: string,
  provider: string,
  account: string | null,
  region: string | null,
  name: string | null,
  environment: string | null
]

export function findingsTable(db: Db): FindingsTable {
  const strings: string[] = []
  const codes = new Map<string, number>()
  const code = (s: string | null | undefined): number => {
    if (s === null || s === undefined || s === '') return -1
    let c = codes.get(s)
    if (c === undefined) {
      c = strings.length
      strings.push(s)
      codes.set(s, c)
    }
    return c
  }

  // Tools and alert counts per finding, in one pass over the alerts.
  const toolsOf = new Map<number, number>()
  const alertsOf = new Map<number, number>()
  for (const [fid, tools, n] of db
    .prepare(
      `SELECT f.id, group_concat(DISTINCT a.tool), count(*)
       FROM findings f JOIN alerts a ON a.control = f.control AND a.resource_id = f.resource_id GROUP BY f.id`
    )
    .raw(true)
    .iterate() as IterableIterator<[number, string | null, number]>) {
    toolsOf.set(fid, code(tools ? tools.split(',').sort().join(', ') : null))
    alertsOf.set(fid, n)
  }

  // What the evidence says about owner and environment, for the resources it covers only.
  const accountEnvironments = Object.fromEntries(
    (db.prepare('SELECT account, environment FROM evidence_account_environments').all() as Array<{ account: string; environment: string }>).map(
      (r) => [r.account, r.environment]
    )
  )
  const evidenced = new Map<string, { owner: string | null; environment: string | null }>()
  for (const [key] of db.prepare('SELECT DISTINCT resource_id FROM evidence_facts').raw(true).iterate() as IterableIterator<[string]>) {
    const facts = getFacts(db, key, { accountEnvironments })
    evidenced.set(key, { owner: facts.owner.value, environment: facts.environment.value })
  }

  const t: FindingsTable = {
    count: 0,
    strings,
    id: [],
    control: [],
    title: [],
    severity: [],
    status: [],
    rci: [],
    regression: [],
    initiative: [],
    resource: [],
    resourceName: [],
    resourceType: [],
    provider: [],
    account: [],
    region: [],
    environment: [],
    owner: [],
    tools: [],
    alerts: [],
    firstSeen: [],
    lastSeen: []
  }
  // The order of findings.list: most severe first, then oldest.
  const rows = db
    .prepare(
      `SELECT f.id, f.control, f.title, f.status, f.muted, f.decision, f.severity, f.regression, f.rci_verdict, f.initiative_id,
              f.first_seen, f.last_seen, r.canonical_id, r.type, r.provider, r.account, r.region, r.name, r.environment
       FROM findings f JOIN resources r ON r.id = f.resource_id ORDER BY f.severity DESC, f.id`
    )
    .raw(true)
    .iterate() as IterableIterator<Row>
  for (const r of rows) {
    const [id, control, title, status, muted, decision, severity, regression, rci, initiative, firstSeen, lastSeen, resource, type, provider, account, region, name, environment] = r
    // the same rule as findings.list: a decision, or muted in every tool, suppresses an open finding
    const shown = decision !== null || (status === 'open' && muted === 1) ? 'suppressed' : status
    const ev = evidenced.size ? evidenced.get(evidenceKeyOf(resource)) : undefined
    t.id.push(id)
    t.control.push(code(control))
    t.title.push(code(title))
    t.severity.push(severity)
    t.status.push(STATUS_CODE[shown])
    t.rci.push(VERDICT_CODE[rci] ?? VERDICT_CODE.UNSCORED)
    t.regression.push(regression)
    t.initiative.push(initiative ?? -1)
    t.resource.push(resource)
    t.resourceName.push(code(name))
    t.resourceType.push(code(type))
    t.provider.push(code(provider))
    t.account.push(code(account))
    t.region.push(code(region))
    t.environment.push(code(ev?.environment ?? environment ?? (account ? accountEnvironments[account] : null)))
    t.owner.push(code(ev?.owner))
    t.tools.push(toolsOf.get(id) ?? -1)
    t.alerts.push(alertsOf.get(id) ?? 0)
    t.firstSeen.push(code(firstSeen))
    t.lastSeen.push(code(lastSeen))
  }
  t.count = t.id.length
  return t
}
