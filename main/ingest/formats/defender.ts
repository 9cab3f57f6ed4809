import { arr, get, isoTime, obj, path, severityOf, str } from '../normalise'
import type { Outcome } from '../types'
import { cell, columns, hasColumns, plan, RecordError, samePath, type CsvAdapter, type JsonAdapter } from './adapter'

/**
 * Microsoft Defender for Cloud (FORMATS.md A5): the portal's recommendations CSV (UTF-8 BOM, all
 * cells quoted), assessments from the REST API or Resource Graph, and security alerts.
 * Azure ids are case-insensitive; the finding id is lower-cased so exports that differ only in
 * case (the portal lower-cases, the API does not) name the same alert.
 */

/**
 * A resource in another cloud (Defender's AWS and GCP connectors): Defender names it by an Azure-style
 * security-connector id, and gives its own id as the native one (`resourceDetails.NativeResourceId`, the
 * portal CSV's `nativeCloudAccountId`). The native id is what Security Hub, Prowler and Wiz report, so
 * it is the resource; the cloud is told by the id itself.
 */
function nativeResource(native: string | null): { id: string; provider: 'aws' | 'gcp' } | null {
  if (!native) return null
  if (/^arn:aws[a-z-]*:/i.test(native)) return { id: native, provider: 'aws' }
  if (/^\/\/[a-z0-9.-]+\.googleapis\.com\//i.test(native)) return { id: native, provider: 'gcp' }
  return null
}

function stateOutcome(state: string | null): Outcome {
  switch ((state ?? '').toLowerCase()) {
    case 'healthy':
      return 'PASS'
    case 'unhealthy':
      return 'FAIL'
    default:
      return 'INFO'
  }
}

export const defenderRecommendationsCsv: CsvAdapter = {
  kind: 'csv',
  format: 'defender-recommendations-csv',
  tool: 'defender',
  description: 'Defender for Cloud recommendations CSV (portal "Download CSV report")',
  required: ['recommendationId', 'recommendationName', 'resourceId', 'state'],
  detect(header) {
    return hasColumns(header, this.required)
  },
  prepare(header) {
    const col = columns(header)
    const c = {
      id: col('recommendationId'),
      key: col('recommendationName'),
      title: col('recommendationDisplayName'),
      severity: col('severity'),
      state: col('state'),
      resourceId: col('resourceId'),
      resourceType: col('resourceType'),
      resourceName: col('resourceName'),
      subscription: col('subscriptionId'),
      native: col('nativeCloudAccountId'),
      exported: col('exportedTimestamp'),
      changed: col('statusChangeDate')
    }
    return (f) => {
      const id = cell(f, c.id)
      if (!id) throw new RecordError('a row without a recommendationId')
      const key = cell(f, c.key) ?? id.slice(id.lastIndexOf('/') + 1)
      const state = cell(f, c.state)
      const native = nativeResource(cell(f, c.native))
      return {
        tool: 'defender',
        toolFindingId: id.toLowerCase(),
        ruleId: key.toLowerCase(),
        kind: 'check',
        title: cell(f, c.title) ?? key,
        severity: severityOf(cell(f, c.severity)) ?? 'informational',
        outcome: stateOutcome(state),
        toolStatus: state ?? 'Unknown',
        muted: false,
        resource: native
          ? { id: native.id, type: null, name: cell(f, c.resourceName), provider: native.provider, account: null, region: null }
          : {
              id: cell(f, c.resourceId),
              type: cell(f, c.resourceType),
              name: cell(f, c.resourceName),
              provider: 'azure',
              account: cell(f, c.subscription)?.toLowerCase() ?? null,
              region: null
            },
        observedAt: isoTime(cell(f, c.exported)) ?? isoTime(cell(f, c.changed)),
        artifact: null
      }
    }
  }
}

const LIST_PATHS = [['value', '*'], ['data', '*'], ['*']] as const

function isAssessment(v: Record<string, unknown>): boolean {
  const type = (str(get(v, 'type')) ?? '').toLowerCase()
  const id = (str(get(v, 'id')) ?? '').toLowerCase()
  return type === 'microsoft.security/assessments' || id.includes('/providers/microsoft.security/assessments/')
}

function isAlert(v: Record<string, unknown>): boolean {
  const type = (str(get(v, 'type')) ?? '').toLowerCase()
  return type.includes('microsoft.security/locations/alerts') || typeof path(v, 'properties', 'alertType') === 'string'
}

function listDetect(accept: (v: Record<string, unknown>) => boolean): JsonAdapter['detect'] {
  return (p) => {
    const f = p.first
    if (f && accept(f.value)) {
      const match = LIST_PATHS.find((x) => samePath(x, f.path))
      if (match) return plan([match])
    }
    if (p.forced && f) return plan([...LIST_PATHS])
    return null
  }
}

export const defenderAssessmentsJson: JsonAdapter = {
  kind: 'json',
  format: 'defender-assessments-json',
  tool: 'defender',
  description: 'Defender for Cloud assessments (REST list, Resource Graph)',
  paths: LIST_PATHS,
  detect: listDetect(isAssessment),
  normalise(v) {
    const id = str(get(v, 'id'))
    if (!id) throw new RecordError('an assessment without an id')
    const props = obj(get(v, 'properties'))
    const details = obj(get(props, 'resourceDetails'))
    // a sub-assessment (one vulnerability or check result under a recommendation) is reported under its
    // recommendation's key: its own name is a per-finding id no catalogue can list
    const sub = /\/providers\/microsoft\.security\/assessments\/([^/]+)\/subassessments\/[^/]+$/i.exec(id)
    const key = sub?.[1] ?? str(get(v, 'name')) ?? id.slice(id.lastIndexOf('/') + 1)
    const azureId = str(get(details, 'id')) ?? str(get(details, 'ResourceId')) ?? str(get(details, 'Id')) ?? id.replace(/\/providers\/microsoft\.security\/assessments\/.+$/i, '')
    const native = nativeResource(str(get(details, 'NativeResourceId')) ?? str(get(details, 'nativeResourceId')))
    const state = str(path(props, 'status', 'code'))
    const assessed = str(path(props, 'additionalData', 'assessedResourceType')) ?? ''
    const source = (str(get(details, 'source')) ?? str(get(details, 'Source')) ?? '').toLowerCase()
    return {
      tool: 'defender',
      toolFindingId: id.toLowerCase(),
      ruleId: key.toLowerCase(),
      kind: sub && /vulnerabilit/i.test(assessed) ? 'vulnerability' : 'check',
      title: str(get(props, 'displayName')) ?? str(path(props, 'metadata', 'displayName')) ?? key,
      severity: severityOf(path(props, 'metadata', 'severity')) ?? severityOf(path(props, 'status', 'severity')) ?? 'informational',
      outcome: stateOutcome(state),
      toolStatus: [state, str(path(props, 'status', 'cause'))].filter(Boolean).join(' ') || 'Unknown',
      muted: false,
      resource: native
        ? { id: native.id, type: null, name: str(get(details, 'ResourceName')) ?? str(get(details, 'resourceName')), provider: native.provider, account: null, region: null }
        : {
            id: azureId,
            type: null,
            name: null,
            provider: source === 'aws' ? 'aws' : source === 'gcp' ? 'gcp' : 'azure',
            account: /^\/subscriptions\/([^/]+)/i.exec(azureId)?.[1]?.toLowerCase() ?? null,
            region: null
          },
      observedAt: isoTime(get(props, 'timeGenerated')),
      artifact: null
    }
  }
}

export const defenderAlertsJson: JsonAdapter = {
  kind: 'json',
  format: 'defender-alerts-json',
  tool: 'defender',
  description: 'Defender for Cloud security alerts',
  paths: LIST_PATHS,
  detect: listDetect(isAlert),
  normalise(v) {
    const props = obj(get(v, 'properties'))
    const id = str(get(v, 'id')) ?? str(get(props, 'systemAlertId'))
    if (!id) throw new RecordError('an alert without an id')
    const alertType = str(get(props, 'alertType'))
    if (!alertType) throw new RecordError('an alert without properties.alertType')
    const status = str(get(props, 'status'))
    const s = (status ?? '').toLowerCase()
    const identifiers = arr(get(props, 'resourceIdentifiers')).map(obj)
    const azureId = identifiers.map((x) => str(get(x, 'azureResourceId'))).find((x) => x !== null) ?? null
    return {
      tool: 'defender',
      toolFindingId: id.toLowerCase(),
      ruleId: alertType,
      kind: 'threat',
      title: str(get(props, 'alertDisplayName')) ?? alertType,
      severity: severityOf(get(props, 'severity')) ?? 'informational',
      outcome: s === 'resolved' ? 'PASS' : 'FAIL',
      toolStatus: status ?? 'Active',
      muted: s === 'dismissed',
      resource: {
        id: azureId ?? str(get(props, 'compromisedEntity')),
        type: null,
        name: str(get(props, 'compromisedEntity')),
        provider: azureId ? 'azure' : null,
        account: azureId ? (/^\/subscriptions\/([^/]+)/i.exec(azureId)?.[1]?.toLowerCase() ?? null) : null,
        region: /\/locations\/([^/]+)\//i.exec(id)?.[1]?.toLowerCase() ?? null
      },
      observedAt: isoTime(get(props, 'timeGeneratedUtc')) ?? isoTime(get(props, 'endTimeUtc')) ?? isoTime(get(props, 'startTimeUtc')),
      artifact: null
    }
  }
}
