import type { Provider } from '../../../shared/model'
import { arr, get, isoTime, obj, severityFromScore, severityOf, str, tagsOf } from '../normalise'
import type { Outcome } from '../types'
import { plan, RecordError, samePath, type JsonAdapter } from './adapter'

/**
 * Orca Security alerts from the REST API `/api/alerts` (FORMATS.md A6): `{status, total_items,
 * data:[…]}`, or a bare array of alerts. The alert's identity is state.alert_id ("orca-59");
 * asset_vendor_id is the cloud's own id for the asset (a bucket name, an instance id, an ARN),
 * from which the ARN is built when account and region are known.
 */
const PATHS = [['data', '*'], ['*']] as const

const PROVIDERS: Record<string, Provider> = { aws: 'aws', azure: 'azure', gcp: 'gcp' }

function isOrcaAlert(v: Record<string, unknown>): boolean {
  return str(get(obj(get(v, 'state')), 'alert_id')) !== null || (str(get(v, 'asset_unique_id')) !== null && str(get(v, 'rule_id') ?? get(v, 'type')) !== null)
}

export const orca: JsonAdapter = {
  kind: 'json',
  format: 'orca-alerts-json',
  tool: 'orca',
  description: 'Orca Security alerts (REST API /api/alerts)',
  paths: PATHS,
  detect(p) {
    const f = p.first
    if (f && isOrcaAlert(f.value)) {
      const match = PATHS.find((x) => samePath(x, f.path))
      if (match) return plan([match])
    }
    if (p.forced && f) return plan([...PATHS])
    return null
  },
  normalise(v) {
    const state = obj(get(v, 'state'))
    const id = str(get(state, 'alert_id'))
    if (!id) throw new RecordError('an Orca alert without state.alert_id')
    const ruleId = str(get(v, 'rule_id')) ?? str(get(v, 'type'))
    if (!ruleId) throw new RecordError('an Orca alert without rule_id or type')
    const status = (str(get(state, 'status')) ?? 'open').toLowerCase()
    let outcome: Outcome = 'FAIL'
    if (status === 'closed' || status === 'resolved') outcome = 'PASS'
    const score = get(state, 'score')
    const severity = typeof score === 'number' ? severityFromScore(score) : (severityOf(get(state, 'severity')) ?? severityOf(get(v, 'severity')) ?? 'informational')
    const provider = PROVIDERS[(str(get(v, 'cloud_provider')) ?? '').toLowerCase()] ?? null
    return {
      tool: 'orca',
      toolFindingId: id,
      ruleId,
      kind: 'check',
      title: str(get(v, 'description')) ?? str(get(v, 'type_string')) ?? ruleId,
      severity,
      outcome,
      toolStatus: status,
      muted: status === 'dismissed' || status === 'snoozed',
      resource: {
        id: str(get(v, 'asset_vendor_id')) ?? str(get(v, 'asset_unique_id')),
        type: str(get(v, 'asset_type')) ?? str(get(v, 'asset_type_string')),
        name: str(get(v, 'asset_name')),
        provider,
        account: str(get(v, 'cloud_provider_id')),
        region: str(arr(get(v, 'asset_regions'))[0]),
        tags: tagsOf(get(v, 'asset_labels'))
      },
      observedAt: isoTime(get(state, 'last_seen')) ?? isoTime(get(state, 'status_time')) ?? isoTime(get(v, 'insert_time')),
      artifact: null
    }
  }
}
