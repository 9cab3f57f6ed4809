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
import { shortName } from '../../shared/findings-table'

const STATUS_CODE = { open: 0, resolved: 1, suppressed: 2 } as const
const VERDICT_CODE: Record<string, number> = { SAFE: 0, RISKY: 1, UNSAFE: 2, UNSCORED: 3 }

type Row = [
  id: number,
  control: string,
  resourceRow: number,
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

  // Tools and alert counts per finding, from one pass over the alerts (a GROUP BY with
  // group_concat(DISTINCT) costs several times more on an encrypted case).
  const perFinding = new Map<string, { tools: string[]; n: number }>()
  for (const [control, resourceId, tool] of db.prepare('SELECT control, resource_id, tool FROM alerts').raw(true).iterate() as IterableIterator<[string, number, string]>) {
    const key = `${resourceId}\u0000${control}`
    const a = perFinding.get(key)
    if (!a) perFinding.set(key, { tools: [tool], n: 1 })
    else {
      a.n++
      if (!a.tools.includes(tool)) a.tools.push(tool)
    }
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

  // The order of findings.list: most severe first, then oldest.
  const rows = db
    .prepare(
      `SELECT f.id, f.control, f.resource_id, f.title, f.status, f.muted, f.decision, f.severity, f.regression, f.rci_verdict,
              f.initiative_id, f.first_seen, f.last_seen, r.canonical_id, r.type, r.provider, r.account, r.region, r.name, r.environment
       FROM findings f JOIN resources r ON r.id = f.resource_id ORDER BY f.severity DESC, f.id`
    )
    .raw(true)
    .all() as Row[]
  const n = rows.length
  const col = (): Int32Array => new Int32Array(n)
  const t: FindingsTable = {
    count: n,
    strings,
    id: col(),
    control: col(),
    title: col(),
    severity: col(),
    status: col(),
    rci: col(),
    regression: col(),
    initiative: col(),
    resource: new Array<string>(n),
    resourceName: col(),
    resourceType: col(),
    provider: col(),
    account: col(),
    region: col(),
    environment: col(),
    owner: col(),
    tools: col(),
    alerts: col(),
    firstSeen: col(),
    lastSeen: col()
  }
  for (let i = 0; i < n; i++) {
    const [id, control, resourceRow, title, status, muted, decision, severity, regression, rci, initiative, firstSeen, lastSeen, resource, type, provider, account, region, name, environment] = rows[i]!
    // the same rule as findings.list: a decision, or muted in every tool, suppresses an open finding
    const shown = decision !== null || (status === 'open' && muted === 1) ? 'suppressed' : status
    const ev = evidenced.size ? evidenced.get(evidenceKeyOf(resource)) : undefined
    const alerts = perFinding.get(`${resourceRow}\u0000${control}`)
    t.id[i] = id
    t.control[i] = code(control)
    t.title[i] = code(title)
    t.severity[i] = severity
    t.status[i] = STATUS_CODE[shown]
    t.rci[i] = VERDICT_CODE[rci] ?? VERDICT_CODE.UNSCORED!
    t.regression[i] = regression
    t.initiative[i] = initiative ?? -1
    t.resource[i] = resource
    // most names are the end of the id: the renderer derives those, so only the others are sent
    t.resourceName[i] = name && name !== shortName(resource) ? code(name) : -1
    t.resourceType[i] = code(type)
    t.provider[i] = code(provider)
    t.account[i] = code(account)
    t.region[i] = code(region)
    t.environment[i] = code(ev?.environment ?? environment ?? (account ? accountEnvironments[account] : null))
    t.owner[i] = code(ev?.owner)
    if (alerts) {
      t.tools[i] = code(alerts.tools.length === 1 ? alerts.tools[0] : [...alerts.tools].sort().join(', '))
      t.alerts[i] = alerts.n
    } else t.tools[i] = -1
    t.firstSeen[i] = code(firstSeen)
    t.lastSeen[i] = code(lastSeen)
  }
  return t
}
