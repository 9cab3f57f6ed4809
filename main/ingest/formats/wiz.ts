import type { Provider } from '../../../shared/model'
import { get, isoTime, obj, severityOf, str, tagsOf } from '../normalise'
import type { AlertDraft, Outcome, RuleKind } from '../types'
import { cell, columns, hasColumns, plan, RecordError, samePath, type CsvAdapter, type JsonAdapter } from './adapter'

/** Wiz has no published export schema; these are the three shapes seen (FORMATS.md A3). */

const PLATFORMS: Record<string, Provider> = {
  aws: 'aws',
  azure: 'azure',
  gcp: 'gcp',
  kubernetes: 'kubernetes',
  eks: 'kubernetes',
  aks: 'kubernetes',
  gke: 'kubernetes',
  openshift: 'kubernetes'
}

function platform(v: string | null): Provider | null {
  return v ? (PLATFORMS[v.toLowerCase()] ?? null) : null
}

/** Wiz statuses: CSV says IGNORED, the API says REJECTED; both are a decision taken in Wiz. */
function wizOutcome(status: string | null): { outcome: Outcome; muted: boolean } {
  switch ((status ?? '').toUpperCase()) {
    case 'RESOLVED':
      return { outcome: 'PASS', muted: false }
    case 'IGNORED':
    case 'REJECTED':
      return { outcome: 'FAIL', muted: true }
    default:
      return { outcome: 'FAIL', muted: false }
  }
}

export const wizIssuesCsv: CsvAdapter = {
  kind: 'csv',
  format: 'wiz-issues-csv',
  tool: 'wiz',
  description: 'Wiz issues CSV (Issues → Export to CSV)',
  required: ['Issue ID', 'Control ID', 'Resource external ID', 'Status'],
  detect(header) {
    return hasColumns(header, this.required)
  },
  prepare(header) {
    const col = columns(header)
    const c = {
      issue: col('Issue ID'),
      control: col('Control ID'),
      title: col('Title'),
      severity: col('Severity'),
      status: col('Status'),
      resourceType: col('Resource Type'),
      resourceId: col('Resource external ID'),
      resourceName: col('Resource Name'),
      region: col('Resource Region'),
      platform: col('Resource Platform'),
      subscription: col('Subscription ID'),
      tags: col('Resource Tags'),
      cluster: col('Kubernetes Cluster'),
      namespace: col('Kubernetes Namespace'),
      created: col('Created At'),
      updated: col('Updated At'),
      statusChanged: col('Status Changed At'),
      resolved: col('Resolved Time')
    }
    return (f) => {
      const issue = cell(f, c.issue)
      if (!issue) throw new RecordError('a row without an Issue ID')
      const title = cell(f, c.title)
      const ruleId = cell(f, c.control) ?? title
      if (!ruleId) throw new RecordError('a row with neither a Control ID nor a Title')
      const status = cell(f, c.status)
      const { outcome, muted } = wizOutcome(status)
      return {
        tool: 'wiz',
        toolFindingId: issue,
        ruleId,
        kind: 'issue',
        title: title ?? ruleId,
        severity: severityOf(cell(f, c.severity)) ?? 'informational',
        outcome,
        toolStatus: status ?? 'OPEN',
        muted,
        resource: {
          id: cell(f, c.resourceId),
          type: cell(f, c.resourceType),
          name: cell(f, c.resourceName),
          provider: platform(cell(f, c.platform)),
          account: cell(f, c.subscription),
          region: cell(f, c.region),
          tags: tagsOf(cell(f, c.tags))
        },
        observedAt: isoTime(cell(f, c.updated)) ?? isoTime(cell(f, c.statusChanged)) ?? isoTime(cell(f, c.resolved)) ?? isoTime(cell(f, c.created)),
        artifact: null
      }
    }
  }
}

export const wizVulnerabilitiesCsv: CsvAdapter = {
  kind: 'csv',
  format: 'wiz-vulnerabilities-csv',
  tool: 'wiz',
  description: 'Wiz vulnerability findings CSV',
  required: ['ID', 'WizURL', 'Name', 'FindingStatus', 'AssetID'],
  detect(header) {
    return hasColumns(header, this.required)
  },
  prepare(header) {
    const col = columns(header)
    const c = {
      id: col('ID'),
      name: col('Name'),
      cvss: col('CVSSSeverity'),
      vendor: col('VendorSeverity'),
      status: col('FindingStatus'),
      pkg: col('DetailedName'),
      version: col('Version'),
      fixed: col('FixedVersion'),
      assetId: col('AssetID'),
      assetName: col('AssetName'),
      assetType: col('AssetType'),
      region: col('AssetRegion'),
      providerId: col('ProviderUniqueId'),
      platform: col('CloudPlatform'),
      subscription: col('SubscriptionExternalId'),
      tags: col('Tags'),
      lastDetected: col('LastDetected'),
      firstDetected: col('FirstDetected'),
      imageDigest: col('ImageDigest')
    }
    return (f) => {
      const id = cell(f, c.id)
      if (!id) throw new RecordError('a row without an ID')
      const cve = cell(f, c.name)
      if (!cve) throw new RecordError('a row without a vulnerability Name')
      const status = cell(f, c.status)
      const s = (status ?? '').toLowerCase()
      const outcome: Outcome = s === 'resolved' ? 'PASS' : 'FAIL'
      const muted = s === 'ignored' || s === 'rejected'
      const pkg = cell(f, c.pkg)
      const version = cell(f, c.version)
      const fixed = cell(f, c.fixed)
      const providerId = cell(f, c.providerId)
      const assetType = (cell(f, c.assetType) ?? '').toUpperCase()
      const digest = cell(f, c.imageDigest) ?? (providerId && /@(sha256:[0-9a-f]{64})$/.exec(providerId)?.[1]) ?? null
      const isImage = assetType === 'CONTAINER_IMAGE' || digest !== null
      return {
        tool: 'wiz',
        toolFindingId: id,
        ruleId: cve,
        kind: 'vulnerability',
        title: `${cve}${pkg ? ` in ${pkg}${version ? ` ${version}` : ''}` : ''}${fixed ? ` (fixed in ${fixed})` : ''}`,
        severity: severityOf(cell(f, c.vendor)) ?? severityOf(cell(f, c.cvss)) ?? 'informational',
        outcome,
        toolStatus: status ?? 'Open',
        muted,
        resource: {
          id: providerId ?? cell(f, c.assetId),
          type: cell(f, c.assetType),
          name: cell(f, c.assetName),
          provider: platform(cell(f, c.platform)),
          account: cell(f, c.subscription),
          region: cell(f, c.region),
          tags: tagsOf(cell(f, c.tags)),
          image: isImage ? { repository: providerId?.split('@')[0] ?? null, digest, reference: providerId } : null
        },
        observedAt: isoTime(cell(f, c.lastDetected)) ?? isoTime(cell(f, c.firstDetected)),
        artifact: null
      }
    }
  }
}

const API_PATHS = [
  ['data', 'issues', 'nodes', '*'],
  ['data', 'issuesV2', 'nodes', '*'],
  ['issues', 'nodes', '*'],
  ['issuesV2', 'nodes', '*'],
  ['nodes', '*'],
  ['issues', '*'],
  ['*']
] as const

function isWizIssue(v: Record<string, unknown>): boolean {
  return obj(get(v, 'entitySnapshot')) !== null && (obj(get(v, 'sourceRule')) !== null || obj(get(v, 'control')) !== null)
}

export const wizApiJson: JsonAdapter = {
  kind: 'json',
  format: 'wiz-api-json',
  tool: 'wiz',
  description: 'Wiz GraphQL API issues (nodes with sourceRule and entitySnapshot)',
  paths: API_PATHS,
  detect(p) {
    const f = p.first
    if (f && isWizIssue(f.value)) {
      const match = API_PATHS.find((x) => samePath(x, f.path))
      if (match) return plan([match])
    }
    if (p.forced && f) return plan([...API_PATHS])
    return null
  },
  normalise(v) {
    const id = str(get(v, 'id'))
    if (!id) throw new RecordError('a Wiz issue without an id')
    const rule = obj(get(v, 'sourceRule')) ?? obj(get(v, 'control'))
    const ruleId = str(get(rule, 'id')) ?? str(get(rule, 'name'))
    if (!ruleId) throw new RecordError('a Wiz issue without sourceRule.id')
    const e = obj(get(v, 'entitySnapshot'))
    const status = str(get(v, 'status'))
    const { outcome, muted } = wizOutcome(status)
    const type = (str(get(v, 'type')) ?? '').toUpperCase()
    const kind: RuleKind = type === 'THREAT_DETECTION' ? 'threat' : type === 'CLOUD_CONFIGURATION' ? 'check' : 'issue'
    const draft: AlertDraft = {
      tool: 'wiz',
      toolFindingId: id,
      ruleId,
      kind,
      title: str(get(rule, 'name')) ?? ruleId,
      severity: severityOf(get(v, 'severity')) ?? 'informational',
      outcome,
      toolStatus: status ?? 'OPEN',
      muted,
      resource: {
        id: str(get(e, 'providerId')) ?? str(get(e, 'externalId')) ?? str(get(e, 'id')),
        type: str(get(e, 'nativeType')) ?? str(get(e, 'type')),
        name: str(get(e, 'name')),
        provider: platform(str(get(e, 'cloudPlatform'))),
        account: str(get(e, 'subscriptionExternalId')),
        region: str(get(e, 'region')),
        tags: tagsOf(get(e, 'tags'))
      },
      observedAt: isoTime(get(v, 'updatedAt')) ?? isoTime(get(v, 'statusChangedAt')) ?? isoTime(get(v, 'createdAt')),
      artifact: null
    }
    return draft
  }
}
