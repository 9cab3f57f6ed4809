import type { Provider } from '../../../shared/model'
import { isoTime, severityOf, tagsOf } from '../normalise'
import type { Outcome } from '../types'
import { currentCheckId, outcomeOf, v2Resource } from './prowler-json'
import { cell, columns, hasColumns, RecordError, type CsvAdapter } from './adapter'
import { currentCheck } from './prowler-json'

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
      const given = cell(f, c.check)
      if (!given) throw new RecordError('a row without CHECK_ID')
      // Prowler 3's CSV names a few checks as Prowler 4 no longer does
      const check = currentCheck(given)
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

/**
 * Prowler 2 `-M csv`: comma-separated, one row per check result (PASS, FAIL, INFO, WARNING), the
 * v2 check id in brackets at the start of TITLE_TEXT (`[check114] Ensure hardware MFA…`) and read
 * as today's id, as the Prowler 2 JSON is (currentCheckId). Its columns are Prowler 2's
 * include/outputs CSV header: PROFILE, ACCOUNT_NUM, REGION, TITLE_ID (the CIS number),
 * CHECK_RESULT, TITLE_TEXT, CHECK_RESULT_EXTENDED (the message), CHECK_SEVERITY,
 * CHECK_ASFF_RESOURCE_TYPE…, and in later 2.x releases CHECK_RESOURCE_ID and PROWLER_START_TIME.
 * A file without CHECK_RESOURCE_ID names no resource: each result is told apart by its message
 * (which names the user, bucket…), and it lands on the account when its resource type is the
 * account, else on an unnamed resource of its CHECK_ASFF_RESOURCE_TYPE in the account and region;
 * the finding page says the tool gave none. A named resource has that type too (v2Resource).
 */
export const prowlerV2Csv: CsvAdapter = {
  kind: 'csv',
  format: 'prowler-v2-csv',
  tool: 'prowler',
  description: 'Prowler 2 CSV (-M csv, comma-separated)',
  required: ['ACCOUNT_NUM', 'TITLE_TEXT', 'CHECK_RESULT'],
  detect(header) {
    return hasColumns(header, ['PROFILE', 'ACCOUNT_NUM', 'REGION', 'TITLE_ID', 'CHECK_RESULT', 'TITLE_TEXT'])
  },
  prepare(header) {
    const col = columns(header)
    const c = {
      account: col('ACCOUNT_NUM'),
      region: col('REGION'),
      result: col('CHECK_RESULT'),
      title: col('TITLE_TEXT'),
      message: col('CHECK_RESULT_EXTENDED'),
      severity: col('CHECK_SEVERITY'),
      resourceType: col('CHECK_ASFF_RESOURCE_TYPE'),
      resourceId: col('CHECK_RESOURCE_ID'),
      started: col('PROWLER_START_TIME')
    }
    return (f) => {
      const title = cell(f, c.title)
      const m = title ? /^\[([A-Za-z0-9_]+)\]\s*(.*)$/.exec(title) : null
      if (!m) throw new RecordError(`a Prowler 2 row whose TITLE_TEXT does not start with its check id in brackets ("[check114] …"): ${JSON.stringify(title ?? '')}`)
      const check = currentCheckId(m[1])
      const account = cell(f, c.account)
      const region = cell(f, c.region)
      const resource = cell(f, c.resourceId)
      const type = cell(f, c.resourceType)
      const status = (cell(f, c.result) ?? '').toUpperCase()
      return {
        tool: 'prowler',
        // the v2 JSON's uid when the row names its resource; else the message tells results apart
        toolFindingId: `prowler-aws-${check}-${account ?? ''}-${region ?? ''}-${resource ?? cell(f, c.message) ?? ''}`,
        ruleId: check,
        kind: 'check',
        title: m[2] || check,
        severity: severityOf(cell(f, c.severity)) ?? 'informational',
        outcome: outcomeOf(status),
        toolStatus: status || 'UNKNOWN',
        muted: false,
        resource: v2Resource(resource, type, account, region),
        observedAt: isoTime(cell(f, c.started)),
        artifact: null
      }
    }
  }
}
