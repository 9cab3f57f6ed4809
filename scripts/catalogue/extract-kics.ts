// Writes playbooks/catalogue/sources/kics-queries.tsv: every KICS query (its id is the rule id a
// KICS result carries, SARIF ruleId or JSON query_id) with platform, cloud provider, severity and
// name, from Checkmarx/kics assets/queries/**/metadata.json.
//
//   npx tsx scripts/catalogue/extract-kics.ts <Checkmarx/kics git dir> [commit]
//
// A metadata.json with `override` defines further queries of the same check for other versions
// of the platform (OpenAPI 2.0 beside 3.0): each override is a query of its own, with its own id.
// Checkmarx/kics itself is too large to mirror here; a fork that carries its history is read at
// an upstream commit, given as [commit] (cx-rui-araujo/kics holds upstream up to 59f46f7,
// 2025-04-14, PR #7428).
import { args, cell, writeTable } from './rulelists'

export const KICS_COLUMNS = ['id', 'platform', 'provider', 'severity', 'title'] as const

/** KICS severities in the catalogue's words: INFO and TRACE (below INFO) are informational */
export function kicsSeverity(v: unknown): string {
  const s = cell(v).toLowerCase()
  return s === 'info' || s === 'trace' ? 'informational' : s
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The queries one metadata.json defines: itself and each of its overrides. */
export function kicsQueries(path: string, json: string): Array<Record<string, string>> {
  const m = JSON.parse(json) as Record<string, unknown>
  const base = {
    id: cell(m.id),
    platform: cell(m.platform),
    provider: cell(m.cloudProvider),
    severity: kicsSeverity(m.severity),
    title: cell(m.queryName)
  }
  const out = [base]
  const overrides = m.override && typeof m.override === 'object' ? Object.values(m.override as Record<string, Record<string, unknown>>) : []
  for (const o of overrides) {
    if (o.id === undefined) continue // an override of the text only
    out.push({ ...base, id: cell(o.id), severity: o.severity ? kicsSeverity(o.severity) : base.severity, title: cell(o.queryName) || base.title })
  }
  for (const q of out) if (!UUID.test(q.id)) throw new Error(`${path}: query id ${JSON.stringify(q.id)} is not a UUID`)
  return out
}

function main(): void {
  const tree = args('extract-kics.ts', 'Checkmarx/kics')
  const paths = tree.files('assets/queries').filter((p) => p.endsWith('/metadata.json'))
  const rows = [...tree.read(paths)].flatMap(([p, json]) => kicsQueries(p, json))
  if (rows.length < 1000) throw new Error(`${tree.repo}@${tree.commit}: only ${rows.length} queries read; has assets/queries moved?`)
  const file = writeTable('kics-queries.tsv', KICS_COLUMNS, rows)
  console.log(`${file}: ${rows.length} queries (${paths.length} metadata.json) from ${tree.repo}@${tree.commit}`)
}

if (require.main === module) main()
