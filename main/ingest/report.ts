// The ingest stage's part of the signed PDF report: the scope of the case (providers, accounts,
// regions, tools and every imported export with its hash), every deduplicated finding, and every
// initiative with the findings it holds. Later contributors refine what this lists (investigate:
// each finding's RCI; evidence: timelines; remediation: stage, plan, decisions…), so it must come
// first in REPORT_CONTRIBUTORS. Read-only, and a fixed number of queries whatever the case's size.
import type { CatalogueShare } from '../../shared/ingest'
import type { Provider, RciVerdict } from '../../shared/model'
import type { Db } from '../db/case-db'
import type { ReportContributor } from '../report/contributor'
import type { ReportData, ReportFinding, ReportImport, ReportInitiative, ReportScope } from '../report/data'
import { findingRef, initiativeRef } from '../case/refs'
import { listInitiatives } from './initiatives'
import { SEVERITY_BY_RANK } from '../case/severity'

interface FindingRow {
  id: number
  control: string
  title: string
  status: 'open' | 'resolved'
  muted: number
  severity: number
  first_seen: string
  resolved_at: string | null
  decision: string | null
  initiative_id: number | null
  rci_verdict: RciVerdict
  r_id: string
  r_type: string
  r_provider: Provider
  r_account: string | null
  r_region: string | null
  r_name: string | null
  alerts: number | null
  tools: string | null
}

interface ImportRow {
  id: string
  file_name: string
  file_sha256: string
  format: string
  source: string
  tools: string
  accounts: string
  regions: string
  imported_at: string
  alerts: number
}

// one pass over findings, their resources, and their alerts grouped by (control, resource)
const FINDINGS_SQL = `
  SELECT f.id, f.control, f.title, f.status, f.muted, f.severity, f.first_seen, f.resolved_at, f.decision, f.initiative_id, f.rci_verdict,
         r.canonical_id AS r_id, r.type AS r_type, r.provider AS r_provider, r.account AS r_account, r.region AS r_region, r.name AS r_name,
         a.n AS alerts, a.tools AS tools
  FROM findings f
  JOIN resources r ON r.id = f.resource_id
  LEFT JOIN (SELECT control, resource_id, count(*) AS n, group_concat(DISTINCT tool) AS tools FROM alerts GROUP BY control, resource_id) a
    ON a.control = f.control AND a.resource_id = f.resource_id
  ORDER BY f.severity DESC, f.id`

function jsonStrings(text: string): string[] {
  try {
    const v = JSON.parse(text) as unknown
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []
  } catch {
    return []
  }
}

/**
 * Each import's catalogue share, as its audit entry recorded it when it ran (the catalogue of that
 * day decided the controls its alerts landed on); imports made before it was recorded have none.
 */
function catalogueShares(db: Db): Map<string, CatalogueShare> {
  const out = new Map<string, CatalogueShare>()
  for (const r of db.prepare("SELECT target, details FROM audit_log WHERE action = 'ingest.import'").iterate() as IterableIterator<{ target: string; details: string }>) {
    try {
      const c = (JSON.parse(r.details) as { catalogue?: CatalogueShare }).catalogue
      if (c && typeof c.failing === 'number' && typeof c.catalogued === 'number' && Array.isArray(c.fallback)) out.set(r.target, c)
    } catch {
      // an entry whose details are not JSON says nothing about the share; verify reports the entry
    }
  }
  return out
}

const sorted = (s: Set<string>): string[] => [...s].sort((a, b) => a.localeCompare(b))

function hasTable(db: Db, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name)
}

/** The findings, initiatives and scope, read from the ingest tables. */
export function ingestReport(db: Db): Pick<ReportData, 'scope' | 'findings' | 'initiatives'> {
  const providers = new Set<string>()
  const accounts = new Set<string>()
  const regions = new Set<string>()
  const tools = new Set<string>()

  const shares = catalogueShares(db)
  const imports: ReportImport[] = (
    db.prepare('SELECT id, file_name, file_sha256, format, source, tools, accounts, regions, imported_at, alerts FROM imports ORDER BY seq').all() as ImportRow[]
  ).map((r) => {
    const own = jsonStrings(r.tools)
    for (const t of own) tools.add(t)
    for (const a of jsonStrings(r.accounts)) accounts.add(a)
    for (const g of jsonStrings(r.regions)) regions.add(g)
    return {
      id: r.id,
      file: r.file_name,
      tool: own.length ? own.join(', ') : r.source,
      format: r.format,
      importedAt: r.imported_at,
      alerts: r.alerts,
      sha256: r.file_sha256,
      catalogue: shares.get(r.id) ?? null
    }
  })

  const findings: ReportFinding[] = []
  const byInitiative = new Map<string, { ids: string[]; tools: Set<string> }>()
  for (const r of db.prepare(FINDINGS_SQL).iterate() as IterableIterator<FindingRow>) {
    const ftools = r.tools ? sorted(new Set(r.tools.split(','))) : []
    const initiative = r.initiative_id === null ? null : initiativeRef(r.initiative_id)
    const id = findingRef(r.id)
    findings.push({
      id,
      control: r.control,
      title: r.title,
      resource: { id: r.r_id, type: r.r_type, provider: r.r_provider, account: r.r_account, region: r.r_region, name: r.r_name },
      severity: SEVERITY_BY_RANK[r.severity],
      // as the findings table shows it: a person's decision, or a tool muting every failing alert, suppresses
      status: r.decision !== null || (r.status === 'open' && r.muted === 1) ? 'suppressed' : r.status,
      tools: ftools,
      alerts: r.alerts ?? 0,
      firstSeen: r.first_seen,
      closedAt: r.status === 'resolved' ? r.resolved_at : null,
      rci: { verdict: r.rci_verdict, steps: [] },
      initiative
    })
    if (r.r_provider !== 'unknown') providers.add(r.r_provider)
    if (r.r_account) accounts.add(r.r_account)
    if (r.r_region) regions.add(r.r_region)
    for (const t of ftools) tools.add(t)
    if (initiative) {
      let g = byInitiative.get(initiative)
      if (!g) byInitiative.set(initiative, (g = { ids: [], tools: new Set() }))
      g.ids.push(id)
      for (const t of ftools) g.tools.add(t)
    }
  }

  const initiatives: ReportInitiative[] = listInitiatives(db).map((v) => {
    const g = byInitiative.get(v.id)
    return {
      id: v.id,
      control: v.control,
      title: v.title,
      stage: 'new',
      // every tool that reported any of its findings (listInitiatives counts only open alerts)
      tools: g ? sorted(g.tools) : [...v.tools],
      findingIds: g ? g.ids : [],
      timeline: [],
      plan: null,
      decisions: [],
      validation: null,
      guardrails: []
    }
  })

  const scope: ReportScope = {
    providers: sorted(providers) as Provider[],
    accounts: sorted(accounts),
    regions: sorted(regions),
    tools: sorted(tools),
    imports
  }
  return { scope, findings, initiatives }
}

export const ingestReportContributor: ReportContributor = {
  name: 'ingest',
  fills: ['scope', 'findings', 'initiatives'],
  contribute(ctx, data) {
    const db = ctx.c.db
    if (!hasTable(db, 'findings') || !hasTable(db, 'imports')) return
    const r = ingestReport(db)
    data.scope = r.scope
    data.findings = r.findings
    data.initiatives = r.initiatives
  }
}
