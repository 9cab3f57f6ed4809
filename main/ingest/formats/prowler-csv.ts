import type { Provider } from '../../../shared/model'
import { isoTime, severityOf, tagsOf } from '../normalise'
import type { Outcome } from '../types'
import { cell, columns, hasColumns, RecordError, type CsvAdapter } from './adapter'

/**
 * Prowler `-M csv` (FORMATS.md A2): semicolon-separated, one row per check result, PASS rows
 * included. Column names changed across versions (v3 RESOURCE_ARN / FINDING_UNIQUE_ID / ACCOUNT_ID,
 * v4+ RESOURCE_UID / FINDING_UID / ACCOUNT_UID); both are read.
 */
const PROVIDERS: Record<string, Provider> = { aws: 'aws', azure: 'azure', gcp: 'gcp', kubernetes: 'kubernetes' }

export const prowlerCsv: CsvAdapter = {
  kind: 'csv',
  format: 'prowler-csv',
  tool: 'prowler',
  description: 'Prowler CSV (semicolon-separated)',
  required: ['CHECK_ID', 'STATUS'],
  detect(header, delimiter) {
    if (delimiter !== ';' || !hasColumns(header, ['CHECK_ID', 'STATUS', 'SEVERITY'])) return false
    const col = columns(header)
    return (col('FINDING_UID') >= 0 || col('FINDING_UNIQUE_ID') >= 0) && (col('RESOURCE_UID') >= 0 || col('RESOURCE_ARN') >= 0 || col('RESOURCE_ID') >= 0)
  },
  prepare(header) {
    const col = columns(header)
    const either = (...names: string[]): number => names.map(col).find((i) => i >= 0) ?? -1
    const c = {
      finding: either('FINDING_UID', 'FINDING_UNIQUE_ID'),
      check: col('CHECK_ID'),
      title: col('CHECK_TITLE'),
      status: col('STATUS'),
      statusExtended: col('STATUS_EXTENDED'),
      muted: col('MUTED'),
      severity: col('SEVERITY'),
      provider: col('PROVIDER'),
      account: either('ACCOUNT_UID', 'ACCOUNT_ID'),
      resourceUid: either('RESOURCE_UID', 'RESOURCE_ARN'),
      resourceId: either('RESOURCE_NAME', 'RESOURCE_ID'),
      resourceType: col('RESOURCE_TYPE'),
      resourceTags: col('RESOURCE_TAGS'),
      partition: col('PARTITION'),
      region: col('REGION'),
      timestamp: either('TIMESTAMP', 'ASSESSMENT_START_TIME')
    }
    return (f) => {
      const check = cell(f, c.check)
      if (!check) throw new RecordError('a row without CHECK_ID')
      const uid = cell(f, c.finding)
      if (!uid) throw new RecordError('a row without FINDING_UID')
      const status = (cell(f, c.status) ?? '').toUpperCase()
      const outcome: Outcome = status === 'PASS' ? 'PASS' : status === 'FAIL' ? 'FAIL' : 'INFO'
      const muted = (cell(f, c.muted) ?? '').toLowerCase() === 'true'
      const provider = PROVIDERS[(cell(f, c.provider) ?? '').toLowerCase()] ?? null
      return {
        tool: 'prowler',
        toolFindingId: uid,
        ruleId: check,
        kind: 'check',
        title: cell(f, c.title) ?? check,
        severity: severityOf(cell(f, c.severity)) ?? 'informational',
        outcome,
        toolStatus: [status, muted ? 'MUTED' : null].filter(Boolean).join(' '),
        muted,
        resource: {
          id: cell(f, c.resourceUid) ?? cell(f, c.resourceId),
          type: cell(f, c.resourceType),
          name: cell(f, c.resourceId),
          provider,
          account: cell(f, c.account),
          region: cell(f, c.region),
          partition: cell(f, c.partition),
          tags: tagsOf(cell(f, c.resourceTags))
        },
        observedAt: isoTime(cell(f, c.timestamp)),
        artifact: null
      }
    }
  }
}
