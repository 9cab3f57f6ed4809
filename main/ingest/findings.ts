// The finding list as CSV for a spreadsheet. (The list itself is the case read model,
// main/case/findings.ts; a person's decision on a finding is the workflow's, main/workflow/decisions.ts.)
import type { Db } from '../db/case-db'
import { listFindings } from '../case/findings'
import { toCsv } from './csv-writer'

/** Findings as CSV for a spreadsheet; cells that look like formulas are neutralised. */
export function findingsCsv(db: Db): string {
  const rows = listFindings(db).map((f) => [
    f.id,
    f.control,
    f.title,
    f.severity,
    f.status,
    f.regression ? 'yes' : 'no',
    f.resource.id,
    f.resource.type,
    f.resource.account,
    f.resource.region,
    f.resource.environment,
    [...new Set(f.alerts.map((a) => a.tool))].join(' '),
    f.alerts.length,
    f.initiative,
    f.firstSeen,
    f.lastSeen,
    f.decision?.decision ?? null,
    f.decision?.reason ?? null
  ])
  return toCsv(
    [
      'id',
      'control',
      'title',
      'severity',
      'status',
      'regression',
      'resource',
      'resource_type',
      'account',
      'region',
      'environment',
      'tools',
      'alerts',
      'initiative',
      'first_seen',
      'last_seen',
      'decision',
      'decision_reason'
    ],
    rows
  )
}
